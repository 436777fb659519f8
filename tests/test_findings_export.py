"""Findings in `letters export` (JSON lines, CSV, one row per improvement) and `letters show`, as a user runs them.

The store is filled with `letters sample`, whose fictional letters record their findings as metadata.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.findings import JUDGEMENTS
from corpus.sample import generate_letters
from letters.cli import main

COUNT = 60
SEED = 3


def run(data_dir: Path, *arguments: str) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *arguments])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def filled(data_dir: Path) -> Path:
    run(data_dir, "sample", "--count", str(COUNT), "--seed", str(SEED))
    return data_dir


def sample_by_id() -> dict[str, object]:
    return {letter.id: letter for letter in generate_letters(COUNT, seed=SEED)}


def test_jsonl_carries_the_findings_as_they_are(filled: Path) -> None:
    letters = sample_by_id()
    records = [json.loads(line) for line in run(filled, "export").splitlines()]
    assert len(records) == COUNT
    for record in records:
        letter = letters[record["id"]]
        for field in ("framework", "judgements", "send_outcome", "priority_action", "improvements", "focus_areas"):
            assert record[field] == letter.get(field), (record["id"], field)
    # False and [] are statements and come out as such, not as null.
    assert any(record["priority_action"] is False for record in records)
    assert any(record["improvements"] == [] for record in records)


def test_csv_has_a_column_per_judgement_and_joins_improvements(filled: Path) -> None:
    letters = sample_by_id()
    rows = list(csv.DictReader(io.StringIO(run(filled, "export", "--format", "csv"))))
    assert "judgements" not in rows[0]
    assert set(JUDGEMENTS) <= set(rows[0])
    graded = [row for row in rows if letters[row["id"]].get("judgements")]
    assert graded, "the sample has reports with judgements"
    for row in graded:
        judgements = letters[row["id"]].get("judgements")
        assert {key: row[key] for key in JUDGEMENTS if row[key]} == judgements
    for row in rows:
        improvements = letters[row["id"]].get("improvements") or []
        assert row["improvements"] == " | ".join(improvements)
        assert row["focus_areas"] == "; ".join(letters[row["id"]].get("focus_areas") or [])
        assert row["priority_action"] in ("true", "false", "")


def test_export_improvements_writes_one_row_per_item_with_its_letter(filled: Path) -> None:
    letters = sample_by_id()
    expected = [
        (letter.id, letter.get("authority"), letter.get("visit_type"), letter.get("published"), item)
        for letter in sorted(letters.values(), key=lambda letter: letter.id)
        for item in letter.get("improvements") or []
    ]
    rows = list(csv.DictReader(io.StringIO(run(filled, "export", "--improvements", "--format", "csv"))))
    got = [(row["id"], row["authority"], row["visit_type"], row["published"], row["item"]) for row in rows]
    assert sorted(got) == sorted(expected) and len(got) > COUNT
    lines = [json.loads(line) for line in run(filled, "export", "--improvements").splitlines()]
    assert sorted(tuple(line.values()) for line in lines) == sorted(expected)


def test_export_improvements_with_text_is_refused_clearly(filled: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(filled), "export", "--improvements", "--with-text"])
    assert result.exit_code == 2
    assert "--with-text" in result.output


def test_show_prints_judgements_one_a_line_and_improvements_numbered(filled: Path) -> None:
    letters = sample_by_id()
    report = next(letter for letter in letters.values() if letter.get("framework") == "SIF")
    output = run(filled, "show", report.id)
    assert "judgements: Overall effectiveness:" in output
    assert "LSCB:" in output and report.get("judgements")["lscb"] in output
    first = report.get("improvements")[0]
    assert f"1. {first}" in output
    visit = next(letter for letter in letters.values() if letter.get("visit_type") == "Focused visit")
    output = run(filled, "show", visit.id)
    assert f"priority_action: {'yes' if visit.get('priority_action') else 'no'}" in output
    assert f"focus_areas: {visit.get('focus_areas')[0]}" in output
