"""Phrase queries: terms in a row, found from the positions of word pairs and of the phrase's rarer words.

A phrase of common words reads a few pairs' short position lists, never the body's positions of "the".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import log
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.scoring import bm25

from indexer.analysis import pair_terms
from indexer.schema import PairPositions, bitmap_of

# Whoosh's BM25F defaults, so a phrase scores on the same scale as the words around it in a query.
B, K1 = 0.75, 1.2


@dataclass(frozen=True)
class Unit:
    """One index term a phrase needs, `offset` words from the phrase's first: a pair or a single word."""

    fieldname: str  # "pairs" or "body"
    term: str
    offset: int


def phrase_units(terms: list[str], common: frozenset[str]) -> tuple[Unit, ...]:
    """The fewest terms to look up for a phrase: indexed pairs of adjacent words covering as many words as
    they can (pairs that do not overlap where possible: "a b c d" is "a b" and "c d"), and each word left.

    Pairs sit at the body position of their first word, so all units share one position space.
    """
    pairs = pair_terms(terms, common)
    units: list[Unit] = []
    covered = 0  # words before this one are covered
    for offset, term in enumerate(terms):
        if offset < covered:
            continue
        if offset < len(pairs) and pairs[offset] is not None:
            units.append(Unit("pairs", pairs[offset], offset))
            covered = offset + 2
        elif offset > 0 and pairs[offset - 1] is not None:
            units.append(Unit("pairs", pairs[offset - 1], offset - 1))
            covered = offset + 1
        else:
            units.append(Unit("body", term, offset))
            covered = offset + 1
    return tuple(units)


class TermsInARow(wq.Query):
    """The letters where the units' positions line up: a phrase, scored by BM25 on its occurrences."""

    def __init__(self, terms: list[str], common: frozenset[str]) -> None:
        self.terms_in_order = tuple(terms)
        self.units = phrase_units(terms, common)
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermsInARow) and other.units == self.units

    def __hash__(self) -> int:
        return hash(self.units)

    def __repr__(self) -> str:
        return f"TermsInARow({' '.join(self.terms_in_order)!r})"

    def __str__(self) -> str:
        return f'body:"{" ".join(self.terms_in_order)}"'

    def _terms(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        for unit in self.units:
            yield unit.fieldname, unit.term

    def estimate_size(self, ixreader: Any) -> int:
        return min(ixreader.doc_frequency(unit.fieldname, unit.term) for unit in self.units)

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        documents, scores = self.scored(searcher)
        return matching.ListMatcher(documents, scores) if documents else matching.NullMatcher()

    def scored(self, searcher: Any, lengths: Sequence[int] | Mapping[int, int] | None = None
               ) -> tuple[list[int], list[float]]:
        """The documents of one segment's searcher that have the phrase, in order, and their scores.
        `lengths`: the body's length of each of the segment's documents, when known (else read one by one)."""
        reader = searcher.reader()
        found = phrase_frequencies(reader, self.units)
        documents = sorted(found)
        if not documents:
            return [], []
        parent = searcher.get_parent()
        # The phrase's own letter frequency is known only per segment: its rarest unit's stands in for it.
        rarest = min(parent.doc_frequency(unit.fieldname, unit.term) for unit in self.units)
        idf = log(parent.doc_count_all() / (rarest + 1)) + 1  # as Whoosh's BM25F computes a term's
        average = parent.avg_field_length("body") or 1.0
        if lengths is None:
            lengths = {docnum: reader.doc_field_length(docnum, "body", 1) for docnum in documents}
        boost = self.boost
        return documents, [
            boost * bm25(idf, found[docnum], lengths[docnum], average, B, K1) for docnum in documents
        ]


def phrase_frequencies(reader: Any, units: tuple[Unit, ...]) -> dict[int, int]:
    """Segment document number → how many times the phrase occurs in it, for the documents that have it.

    Each unit's positions in a letter are a number with bit p set for position p: lined up with the first
    unit's by a shift, the phrase's starts are an AND and its occurrences a count of bits, all in C however
    often the words occur. Units are read from the one in fewest letters, later ones only in the blocks of
    letters left.
    """
    ordered = sorted(units, key=lambda unit: reader.doc_frequency(unit.fieldname, unit.term))
    if not ordered or reader.doc_frequency(ordered[0].fieldname, ordered[0].term) == 0:
        return {}
    first = ordered[0]
    # Bitmaps in the first unit's positions; a unit at offset 0 keeps every start at 0 or after.
    starts: dict[int, int] = {}
    for ids, values in _blocks(reader, first, None):
        starts.update(zip(ids, map(_bitmaps(reader, first), values), strict=True))
    deleted = reader.deleted_docs_set
    for docnum in deleted.intersection(starts) if deleted else ():
        del starts[docnum]
    for unit in ordered[1:]:
        if not starts:
            return {}
        bitmap = _bitmaps(reader, unit)
        shift = unit.offset - first.offset
        kept: dict[int, int] = {}
        for ids, values in _blocks(reader, unit, list(starts)):  # (the keys are in order: added in order)
            for docnum, wanted, value in zip(ids, map(starts.get, ids), values, strict=True):
                if wanted is not None:
                    there = bitmap(value)
                    found = wanted & (there >> shift if shift >= 0 else there << -shift)
                    if found:
                        kept[docnum] = found
        starts = kept
    return {docnum: found.bit_count() for docnum, found in starts.items()}


def _bitmaps(reader: Any, unit: Unit) -> Callable[[bytes], int]:
    """A function reading one of a unit's posting values as a bitmap of its positions."""
    format = reader.schema[unit.fieldname].format
    if isinstance(format, PairPositions):  # word pairs
        return format.decode_bitmap
    # The body's positions, for a word no pair covers: a rarer word, with few positions.
    return lambda value: bitmap_of(format.decode_positions(value))


def _blocks(reader: Any, unit: Unit, wanted: list[int] | None) -> Iterator[tuple[Any, Any]]:
    """(document numbers, posting values) of each block of a term's postings in one segment, deleted
    documents included; with `wanted` (sorted), only the blocks that may hold one of them.

    Reads whole blocks of Whoosh's W3 format (the version is pinned): a posting at a time costs several
    Python calls, and a common pair is in nearly every letter.
    """
    matcher = reader.postings(unit.fieldname, unit.term)
    leaf = getattr(matcher, "child", matcher)  # deletions come wrapped in a filter
    previous_max = -1
    while leaf.is_active():
        block_max = leaf.block_max_id()
        if wanted is None or bisect_right(wanted, block_max) > bisect_right(wanted, previous_max):
            leaf._read_data()
            leaf._read_values()
            # Document numbers are stored as gaps: added up in C (Whoosh adds them in a generator).
            yield tuple(accumulate(leaf._data[0])), leaf._values
        previous_max = block_max
        leaf._next_block()
