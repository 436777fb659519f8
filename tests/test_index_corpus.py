"""The index over real letters and reports from ../shared/corpus: imported, indexed and searched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_index_search import marked

from corpus.importer import import_paths
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.analysis import term_for
from indexer.build import reindex


@pytest.mark.corpus
def test_real_letters_are_found_with_snippets_to_the_end_of_long_reports(
    tmp_path: Path, manifest: list[dict[str, str]]
) -> None:
    # Focused visits and the largest full reports: the reports run past Whoosh's 32 768-character limit.
    visits = [row for row in manifest if row["collection"] == "focused-visits"][:12]
    reports = sorted((row for row in manifest if row["collection"] == "inspections"),
                     key=lambda row: Path(row["file"]).stat().st_size)[-3:]
    folder = tmp_path / "incoming"
    folder.mkdir()
    for number, row in enumerate(visits + reports):
        shutil.copyfile(row["file"], folder / f"{number:02d}.pdf")
    data_dir = tmp_path / "data"
    with LetterStore(data_dir) as store:
        summary = import_paths(store, [folder], workers=2)
        letters = list(store)
    assert summary.counts["imported"] == len(letters) >= 14
    reindex(data_dir)

    longest = max(letters, key=lambda letter: len(letter.text))
    assert len(longest.text) > 40_000
    # A word that only appears far past the first 32 768 characters of the longest report.
    def terms(text: str) -> set[str]:
        return {term_for(word) for word in re.findall(r"\w+", text)}

    elsewhere = [terms(other.text) for other in letters if other is not longest]
    seen_elsewhere = terms(longest.text[:40_000]).union(*elsewhere)
    late = next(word for word in re.findall(r"\b[a-z]{7,}\b", longest.text[40_000:])
                if term_for(word) not in seen_elsewhere)

    with LetterIndex.open(data_dir) as index:
        results = index.search(late)
        assert [hit.id for hit in results.hits] == [longest.id]
        assert late in [word.lower() for word in marked(results.hits[0])]

        focused = index.search("children", visit_type=["Focused visit"], per_page=100)
        assert focused.total >= 10
        assert all(hit.visit_type == "Focused visit" and marked(hit) for hit in focused.hits)
        assert sum(count for _, count in focused.facets["authority"]) == focused.total
        assert any(hit.inspectors for hit in focused.hits)

        newest = index.search("", sort="newest", per_page=100).hits
        days = [hit.visit_start or hit.published for hit in newest if hit.visit_start or hit.published]
        assert days == sorted(days, reverse=True)
