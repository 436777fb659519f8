"""Facet values of every indexed letter, read once per searcher from the index's columns, and facet counts.

Disjunctive counting: values of one facet ORed, facets ANDed, each counted without its own selection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import chain
from typing import Any

from indexer.schema import FACETS


class FacetTable:
    """Per document number (of one searcher): id, day number, and each facet's values."""

    def __init__(self, searcher: Any) -> None:
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.ids: list[str] = []
        self.days: list[int] = []
        self.values: dict[str, list[Any]] = {name: [] for name in FACETS}
        for segment, _offset in reader.leaf_readers():
            if not segment.doc_count_all():  # an empty index has one reader, with no columns
                continue
            self.ids.extend(segment.column_reader("id"))
            self.days.extend(segment.column_reader("day"))
            for name, fieldname in FACETS.items():
                column = [_text(value) for value in segment.column_reader(fieldname)]
                if name == "inspectors":
                    parsed: list[Any] = [tuple(v.split("\n")) if v else () for v in column]
                elif name == "year":
                    parsed = [int(v) if v else None for v in column]
                else:
                    parsed = [v or None for v in column]
                self.values[name].extend(parsed)
        self.live = frozenset(reader.all_doc_ids())
        self._masks: dict[tuple[str, frozenset[Any]], frozenset[int]] = {}

    def mask(self, name: str, selected: Iterable[Any]) -> frozenset[int]:
        """The documents having any of the selected values of one facet."""
        wanted = frozenset(selected)
        key = (name, wanted)
        found = self._masks.get(key)
        if found is None:
            column = self.values[name]
            if name == "inspectors":
                found = frozenset(d for d, names in enumerate(column) if not wanted.isdisjoint(names))
            else:
                found = frozenset(d for d, value in enumerate(column) if value in wanted)
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[key] = found
        return found

    def date_mask(self, start: date | None, end: date | None) -> frozenset[int]:
        """The documents whose search date lies within [start, end] (either end open)."""
        low = start.toordinal() if start else 1
        high = end.toordinal() if end else 10**9
        key = ("day", frozenset([(low, high)]))
        found = self._masks.get(key)
        if found is None:
            found = frozenset(d for d, day in enumerate(self.days) if day and low <= day <= high)
            self._masks[key] = found
        return found

    def count(self, name: str, documents: Iterable[int]) -> list[tuple[Any, int]]:
        """(value, number of documents) for one facet, most frequent first, then by value."""
        column = self.values[name]
        if name == "inspectors":
            counts = Counter(chain.from_iterable(map(column.__getitem__, documents)))
        else:
            counts = Counter(map(column.__getitem__, documents))
            counts.pop(None, None)
        return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
