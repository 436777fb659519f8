"""Searches of several words over real letters: the letters found and their relevance are Whoosh's own.

The index scores an AND or OR of words itself, a posting block at a time; Whoosh's matchers, walking from
letter to letter, are the reference.
"""

from __future__ import annotations

import itertools
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from corpus.importer import import_paths
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.build import reindex
from indexer.querylang import parse_query

LETTERS = 40
QUERIES = 150


def _queries(texts: list[str], rng: random.Random) -> list[str]:
    """Searches people type: words of every frequency, ANDed, ORed, bracketed, beside a phrase or a field."""
    counts = Counter(word.lower() for text in texts for word in re.findall(r"[^\W\d_]{3,}", text))
    ranked = [word for word, _ in counts.most_common()]
    common, middling, rare = ranked[:40], ranked[40:400], ranked[400:]

    def word() -> str:
        return rng.choice(rng.choice((common, common, middling, rare)))

    shapes = [
        lambda: " ".join(word() for _ in range(rng.randint(2, 8))),
        lambda: " OR ".join(word() for _ in range(rng.randint(2, 4))),
        lambda: f"{word()} ({word()} OR {word()})",
        lambda: f"({word()} {word()}) OR ({word()} {word()})",
        lambda: f'"{rng.choice(common)} {rng.choice(common)}" {word()}',
        lambda: f"{word()[:3]}* {word()}",
        lambda: f"{word()} -{word()}",
        lambda: f"title:{word()} {word()}",
        lambda: " ".join([rng.choice(common)] * rng.randint(2, 3) + [word(), word()]),  # a word said twice
    ]
    return [rng.choice(shapes)() for _ in range(QUERIES)]


@pytest.mark.corpus
def test_several_words_find_and_rank_the_letters_as_whoosh_does(
    tmp_path: Path, manifest: list[dict[str, str]]
) -> None:
    rng = random.Random(3)
    rows = rng.sample([row for row in manifest if row["file"].endswith(".pdf")], LETTERS + 5)
    folder, later = tmp_path / "incoming", tmp_path / "later"
    folder.mkdir()
    later.mkdir()
    for number, row in enumerate(rows):
        shutil.copyfile(row["file"], (folder if number < LETTERS else later) / f"{number:02d}.pdf")
    data_dir = tmp_path / "data"
    with LetterStore(data_dir) as store:
        import_paths(store, [folder], workers=2)
        texts = [letter.text or "" for letter in store]
    reindex(data_dir, workers=2)

    queries = _queries(texts, rng)
    several = _compare_with_whoosh(data_dir, queries)
    assert several > QUERIES // 3  # most searches found several letters to rank

    # Letters added and deleted since the index was built: a segment of its own, and one with deletions.
    with LetterStore(data_dir) as store:
        for letter_id in store.ids()[::7]:
            store.delete(letter_id)
        import_paths(store, [later], workers=2)
    reindex(data_dir, workers=2)
    _compare_with_whoosh(data_dir, queries[:50])


def _compare_with_whoosh(data_dir: Path, queries: list[str]) -> int:
    """Check every query against Whoosh's own search of the same index; return how many found several letters."""
    several = 0
    with LetterIndex.open(data_dir) as index:
        searcher, _ = index._current()
        for query in queries:
            parsed = parse_query(query, searcher.schema["pairs"].common, index._vocabulary, False)
            if parsed.query is None:
                continue
            reference = {hit["id"]: hit.score for hit in searcher.search(parsed.query, limit=None)}
            several += len(reference) > 1

            ranked = index.every_hit(query)
            assert {hit.id for hit in ranked} == set(reference), query
            for hit in ranked:
                assert hit.score == pytest.approx(reference[hit.id], rel=1e-9), (query, hit.id)
            scores = [reference[hit.id] for hit in ranked]
            assert all(a >= b - 1e-9 * abs(b) for a, b in itertools.pairwise(scores)), query

            by_date = index.search(query, sort="newest", per_page=100)
            assert by_date.total == len(reference), query
            assert {hit.id for hit in by_date.hits} <= set(reference), query
    return several
