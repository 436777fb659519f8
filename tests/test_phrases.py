"""Phrase search over real letters checked against a brute-force scan of their texts."""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from corpus.importer import import_paths
from corpus.letters import Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.analysis import query_terms
from indexer.build import reindex

LETTERS = 60
PHRASES = 50


def _letters_having(terms: tuple[str, ...], sequences: dict[str, list[str]]) -> set[str]:
    size = len(terms)
    return {
        letter_id
        for letter_id, sequence in sequences.items()
        if any(tuple(sequence[i : i + size]) == terms for i in range(len(sequence) - size + 1))
    }


@pytest.mark.corpus
def test_phrase_hits_are_exactly_the_letters_with_the_words_in_a_row(
    tmp_path: Path, manifest: list[dict[str, str]]
) -> None:
    rng = random.Random(10)
    rows = rng.sample([row for row in manifest if row["file"].endswith(".pdf")], LETTERS + 5)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for number, row in enumerate(rows):
        shutil.copyfile(row["file"], folder / f"{number:02d}.pdf")
    data_dir = tmp_path / "data"
    with LetterStore(data_dir) as store:
        import_paths(store, [folder], workers=2)
        texts = {letter.id: letter.text or "" for letter in store}
    assert len(texts) >= LETTERS
    reindex(data_dir, workers=2)

    sequences = {letter_id: query_terms(text) for letter_id, text in texts.items()}
    frequent = [term for term, _ in Counter(t for s in sequences.values() for t in s).most_common(30)]
    words_of = {letter_id: re.findall(r"[^\W_]+", text) for letter_id, text in texts.items()}
    phrases: list[str] = []
    while len(phrases) < PHRASES:
        size = rng.randint(2, 5)
        letter_id = rng.choice(sorted(words_of))
        words = words_of[letter_id]
        if len(phrases) % 3 == 0:
            # Frequent words only: the phrases that lean on word pairs, found in a row or not at all.
            start = next((i for i in rng.sample(range(len(words) - size), min(400, len(words) - size))
                          if all(t in frequent for t in query_terms(" ".join(words[i : i + size])))), None)
            if start is None:
                phrases.append(" ".join(rng.choice(frequent) for _ in range(size)))
                continue
        else:
            start = rng.randrange(len(words) - size)
        phrases.append(" ".join(words[start : start + size]))

    with LetterIndex.open(data_dir) as index:
        checked_snippets = 0
        for phrase in phrases:
            terms = tuple(query_terms(phrase))
            expected = _letters_having(terms, sequences)
            results = index.search(f'"{phrase}"', per_page=100)
            assert {hit.id for hit in results.hits} == expected, phrase
            assert results.total == len(expected), phrase
            for hit in results.hits[:3]:
                marked = re.findall(r"<mark>(.*?)</mark>", hit.to_dict()["snippet"])
                assert marked, (phrase, hit.snippet)
                # The phrase is marked as a whole, never its words one by one.
                assert all(tuple(query_terms(mark)) == terms for mark in marked), (phrase, marked)
                checked_snippets += 1
        assert checked_snippets >= PHRASES


def test_a_phrase_said_more_often_scores_higher_whether_its_pairs_are_rare_or_frequent(tmp_path: Path) -> None:
    # Letters of one length saying "as well as that" 1 to 60 times: a pair said once or twice is kept as a
    # list of positions, one said 20 or 60 times as a bitmap (indexer.schema.PairPositions); both are counted.
    filler = ["the", "review", "of", "plans", "for", "children", "found", "managers", "checked", "records"]
    phrase, decoy_words = "as well as that", "as well managers as that"
    length = 2000

    def text_saying(times: int, decoy: bool = False) -> str:
        words = [filler[i % len(filler)] for i in range(length - 4 * times)]
        for place in range(times):
            at = (place + 1) * len(words) // (times + 1)
            words[at:at] = phrase.split()
        if decoy:  # the words, never in a row
            words[100:100] = decoy_words.split()
        return " ".join(words)

    data_dir = tmp_path / "data"
    with LetterStore(data_dir) as store:
        for times in (1, 2, 20, 60):
            store.save(Letter(id=f"said-{times}", text=text_saying(times), source=f"test:{times}",
                              sha256=f"said-{times}"))
        store.save(Letter(id="never-said", text=text_saying(0, decoy=True), source="test:0", sha256="never-said"))
    reindex(data_dir, workers=1)
    with LetterIndex.open(data_dir) as index:
        results = index.search(f'"{phrase}"')
        assert [hit.id for hit in results.hits] == ["said-60", "said-20", "said-2", "said-1"]
        assert results.total == 4
        assert index.search(f'"{decoy_words}"').total == 1
