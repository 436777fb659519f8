"""The words of the indexed letters as printed (folded, not stemmed): each with its stem and letter count.

Prefix queries and "did you mean" read it, since people type words as printed, not as stems.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.atomic import write_atomic
from indexer.analysis import term_for

VOCABULARY_FILE = "vocabulary.tsv"
HEADER = "# letters vocabulary: word, stem, letters having it; for index commit"


def write_vocabulary(folder: Path, counts: Counter[str], commit: int) -> None:
    """Save the letter count of each word (those above zero) for the index at Whoosh commit `commit`."""
    lines = [f"{HEADER} {commit}"]
    lines += [f"{word}\t{term_for(word)}\t{count}" for word, count in sorted(counts.items()) if count > 0]
    write_atomic(folder / VOCABULARY_FILE, ("\n".join(lines) + "\n").encode("utf-8"))


def _read(folder: Path) -> tuple[int, list[tuple[str, str, int]]] | None:
    try:
        text = (folder / VOCABULARY_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    header, _, body = text.partition("\n")
    if not header.startswith(HEADER):
        return None
    rows = []
    for line in body.splitlines():
        word, stem, count = line.split("\t")
        rows.append((word, stem, int(count)))
    return int(header.rsplit(" ", 1)[1]), rows


def read_counts(folder: Path) -> tuple[Counter[str], int] | None:
    """The saved letter count of each word and the index commit they belong to; None without a file."""
    found = _read(folder)
    if found is None:
        return None
    commit, rows = found
    return Counter({word: count for word, _, count in rows}), commit


@dataclass
class Expansion:
    stems: list[str]  # of the most frequent words having the prefix, most frequent first
    words: int  # words having the prefix
    used: int  # of which the stems stand for this many (the most frequent, and those sharing their stems)


class Vocabulary:
    """The saved vocabulary of one index, for searches: words by prefix, and near misses of a word."""

    def __init__(self, rows: Iterable[tuple[str, str, int]] = ()) -> None:
        rows = sorted(rows)
        self.words = [word for word, _, _ in rows]
        self.stems = [stem for _, stem, _ in rows]
        self.counts = [count for _, _, count in rows]
        self._bigrams: dict[str, list[int]] | None = None
        self._forms: dict[str, list[str]] | None = None
        # The snippets' patterns made of these words (indexer.snippets.highlight_pattern), by highlights.
        self.patterns: dict[Any, Any] = {}

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """The vocabulary saved in an index generation's folder (empty when there is none)."""
        found = _read(folder)
        return cls(found[1] if found else ())

    def expand(self, prefix: str, limit: int) -> Expansion:
        """The stems of the words starting with `prefix`: at most `limit`, those of the most frequent words."""
        first = bisect_left(self.words, prefix)
        last = bisect_left(self.words, prefix + "\U0010ffff", first)
        stems: dict[str, None] = {}
        for at in sorted(range(first, last), key=self.counts.__getitem__, reverse=True):
            if len(stems) == limit:
                break
            stems[self.stems[at]] = None
        used = sum(1 for at in range(first, last) if self.stems[at] in stems)
        return Expansion(list(stems), last - first, used)

    def forms(self, stem: str) -> list[str]:
        """Every printed word with this stem: what snippets look for in a letter's text."""
        if self._forms is None:  # built by the first search that shows snippets
            forms: dict[str, list[str]] = {}
            for word, word_stem in zip(self.words, self.stems, strict=True):
                forms.setdefault(word_stem, []).append(word)
            self._forms = forms
        return self._forms.get(stem, [])

    def near(self, word: str, most: int) -> list[tuple[int, int, str]]:
        """(edits, letters, word) of the words at most `most` edits from `word` (other than it): the fewest
        edits first, then the most letters."""
        grams = _bigrams(word)
        # An edit changes at most three of a word's letter pairs (a swap of two letters, three).
        needed = len(grams) - 3 * most
        index = self._bigram_index()
        shared = Counter(at for gram in grams for at in index.get(gram, ()))
        found = []
        for at, count in shared.items():
            candidate = self.words[at]
            if count >= needed and abs(len(candidate) - len(word)) <= most and candidate != word:
                edits = edit_distance(word, candidate, most)
                if edits <= most:
                    found.append((edits, self.counts[at], candidate))
        return sorted(found, key=lambda item: (item[0], -item[1], item[2]))

    def _bigram_index(self) -> dict[str, list[int]]:
        # Built on the first correction asked of this vocabulary: most searches need none.
        if self._bigrams is None:
            index: dict[str, list[int]] = {}
            for at, word in enumerate(self.words):
                if word.isalpha():
                    for gram in _bigrams(word):
                        index.setdefault(gram, []).append(at)
            self._bigrams = index
        return self._bigrams


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def edit_distance(first: str, second: str, most: int) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours turning one word into the other;
    any number above `most` comes out as most + 1."""
    if abs(len(first) - len(second)) > most:
        return most + 1
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, start=1):
            cost = previous[j - 1] + (char != other)
            cost = min(cost, previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current[j] = cost
        if min(current) > most:
            return most + 1
        before, previous = previous, current
    return min(previous[-1], most + 1)
