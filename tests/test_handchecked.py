"""The real pipeline against a hand-checked table: visit dates and inspectors of 122 real documents.

tests/data/handchecked.csv was filled by reading each document, not from any parser; every miss is printed.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from corpus.metadata import extract_metadata

pytestmark = pytest.mark.corpus

TABLE = Path(__file__).parent / "data" / "handchecked.csv"
# Agreement the issue asks for, per field.
THRESHOLDS = {"visit_start": 0.97, "visit_end": 0.97, "inspectors": 0.95}


def read_table() -> list[dict[str, str]]:
    with open(TABLE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def pipeline_results(corpus_dir: Path, corpus_texts: dict[str, str | None]) -> dict[str, dict[str, object]]:
    """What a user gets for each listed file: its text extracted (shared with the other corpus tests), then
    metadata read from the text alone."""
    results = {}
    for row in read_table():
        path = str(corpus_dir / row["path"])
        if path not in corpus_texts:
            pytest.fail(f"hand-checked file {row['path']} is not in {corpus_dir}/manifest.csv")
        text = corpus_texts[path]
        if text is None:
            results[row["path"]] = {"error": "text extraction failed"}
            continue
        metadata = extract_metadata(text, filename="")
        results[row["path"]] = {name: found.value for name, found in metadata.items()}
    return results


def test_table_covers_all_three_collections_with_sound_values() -> None:
    rows = read_table()
    collections = [row["path"].split("/")[0] for row in rows]
    assert len(rows) >= 90
    assert collections.count("focused-visits") >= 45
    assert collections.count("inspections") >= 35
    assert collections.count("send") >= 10
    assert len({row["path"] for row in rows}) == len(rows), "a document is listed twice"
    for row in rows:
        start, end = date.fromisoformat(row["visit_start"]), date.fromisoformat(row["visit_end"])
        assert start <= end, row["path"]
        for name in filter(None, row["inspectors"].split("; ")):
            assert not any(role in name for role in ("HMI", "Majesty", "Ms ", "Mr ", "Dr ")), name


def _expected(row: dict[str, str], field: str) -> object:
    if field == "inspectors":
        return frozenset(filter(None, row["inspectors"].split("; ")))
    return row[field] or None


def _got(result: dict[str, object], field: str) -> object:
    if field == "inspectors":
        return frozenset(result.get("inspectors") or ())
    return result.get(field)


@pytest.mark.parametrize("field", list(THRESHOLDS))
def test_pipeline_agrees_with_the_hand_checked_table(
    field: str, pipeline_results: dict[str, dict[str, object]]
) -> None:
    rows = read_table()
    misses = []
    for row in rows:
        result = pipeline_results[row["path"]]
        expected, got = _expected(row, field), _got(result, field)
        if expected != got:
            shown = sorted(got) if isinstance(got, frozenset) else got
            wanted = sorted(expected) if isinstance(expected, frozenset) else expected
            misses.append(f"  {row['path']}\n    expected {wanted!r}\n    got      {shown!r} {result.get('error', '')}")
    agreement = 1 - len(misses) / len(rows)
    print(f"{field}: {agreement:.1%} agreement ({len(rows) - len(misses)}/{len(rows)})")
    print("\n".join(misses))
    assert agreement >= THRESHOLDS[field], f"{field}: {agreement:.1%} < {THRESHOLDS[field]:.0%}\n" + "\n".join(misses)
