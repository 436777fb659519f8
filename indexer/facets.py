"""The facet registry: each facet defined once (names, label, kind, value order), and the facet table that counts.

Schema, search() keywords, query fields, GET parameters, CLI options and JSON all derive from FACETS.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import chain, repeat
from typing import Any

from corpus.findings import FOCUS_AREAS, GRADES, JUDGEMENTS, SEND_OUTCOMES
from corpus.gazetteer import authority_by_name


def value_key(text: str) -> str:
    """A value reduced to lower-case words, for matching what a person typed: "north-east" ~ "North East"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).replace("&", " and ").lower()
    return " ".join(re.findall(r"[^\W_]+", text))


class Facet:
    """A facet whose letters have at most one value each, read from the letter field of the same name.

    name: its key in Results.facets and JSON, and its index field; parameter: its GET parameter and CLI
    option (--parameter); keyword: its search() keyword; query_names: its query-language fields; order:
    the values in the order they are shown (empty: most frequent first); counted: whether searches count
    its values (else it is a filter only).
    """

    many = False

    def __init__(
        self,
        name: str,
        label: str,
        *,
        parameter: str | None = None,
        keyword: str | None = None,
        query_names: tuple[str, ...] = (),
        source: str | None = None,
        order: tuple[str, ...] = (),
        aliases: dict[str, str] | None = None,
        counted: bool = True,
        help: str = "",
    ) -> None:
        self.name = name
        self.label = label
        self.parameter = parameter or name
        self.keyword = keyword or self.parameter
        self.query_names = tuple(dict.fromkeys(query_names or (self.parameter,)))
        self.source = source or name
        self.order = order
        self.aliases = {value_key(alias): value for alias, value in (aliases or {}).items()}
        self.counted = counted
        self.help = help

    @property
    def closed(self) -> bool:
        """Whether the facet's possible values are known without the index (grades, years)."""
        return bool(self.order)

    @property
    def noun(self) -> str:
        """How a sentence names the facet: “visit type”."""
        return self.label[0].lower() + self.label[1:] if not self.label[:2].isupper() else self.label

    def values(self, fields: dict[str, Any], day: date | None) -> list[str]:
        """The facet's values in a letter's fields (`day`: the date it is searched by)."""
        value = fields.get(self.source)
        return [self.held(value)] if isinstance(value, str) and value else []

    def held(self, value: str) -> str:
        """A letter's value as the index holds it: written as in the facet's order when it is one of those."""
        return next((known for known in self.order if value_key(known) == value_key(value)), value)

    def from_column(self, text: str) -> Any:
        """A document's value as the index column holds it (a string; values joined by newlines)."""
        return text or None

    def selected(self, value: Any) -> Any:
        """A search() keyword value as the column compares it."""
        return str(value)

    def sort(self, counts: Counter) -> list[tuple[Any, int]]:
        """(value, count) in the facet's order: its declared order, else most frequent first, then by value."""
        ordered = [(value, counts[value]) for value in self.order if counts.get(value)]
        others = [(value, count) for value, count in counts.items() if value not in self.order]
        return ordered + sorted(others, key=lambda item: (-item[1], str(item[0])))

    def listed(self, counts: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        """(value, count) in the order lists show them (the sidebar, `letters search`, `letters values`)."""
        return counts

    def resolve(self, typed: str, known: Iterable[str]) -> list[str]:
        """The values a typed value stands for (case, accents and punctuation aside; aliases; whole words
        of a longer value: "focused" → "Focused visit"), among the values letters have; [] for none."""
        known = list(self.order or known)
        if typed in known:
            return [typed]
        key = value_key(typed)
        if not key:
            return []
        by_key = {value_key(value): value for value in known}
        found = by_key.get(key) or self.aliases.get(key) or by_key.get(value_key(self.alias(typed) or ""))
        if found:
            return [found]
        pattern = re.compile(rf"(?:^| ){re.escape(key)}(?: |$)")
        return [value for value_of_key, value in by_key.items() if pattern.search(value_of_key)]

    def alias(self, typed: str) -> str | None:
        """Another name for a typed value, from outside the index (the gazetteer's authority names)."""
        return None

    def unknown(self, typed: str, known: Iterable[str]) -> str:
        """The sentence for a typed value that stands for none of the facet's values, with the nearest."""
        if self.order:
            values = list(self.order)
            return f"{self.label} cannot be “{typed[:60]}”: choose {', '.join(values[:-1])} or {values[-1]}."
        # A value is near by its whole name or by one of its words ("focussed" → "Focused visit").
        keys = {word: value for value in known for word in value_key(value).split() if len(word) > 3}
        keys.update({value_key(value): value for value in known})
        close = difflib.get_close_matches(value_key(typed), keys, n=1, cutoff=0.75)
        hint = f" Did you mean “{keys[close[0]]}”?" if close else ""
        return f"No letter has the {self.noun} “{typed[:60]}”.{hint}"


class AuthorityFacet(Facet):
    """The authority: any name the gazetteer knows ("Hull", "St Helens") stands for the canonical one."""

    def alias(self, typed: str) -> str | None:
        authority = authority_by_name(typed)
        return authority.name if authority else None


class ListFacet(Facet):
    """A facet whose letters have any number of values (inspectors, focus areas)."""

    many = True

    def values(self, fields: dict[str, Any], day: date | None) -> list[str]:
        return [self.held(value) for value in fields.get(self.source) or [] if isinstance(value, str) and value]

    def from_column(self, text: str) -> Any:
        return tuple(text.split("\n")) if text else ()


class YearFacet(Facet):
    """The year of the date a letter is searched by (its visit, else its publication)."""

    def values(self, fields: dict[str, Any], day: date | None) -> list[str]:
        return [str(day.year)] if day else []

    def from_column(self, text: str) -> Any:
        return int(text) if text else None

    def selected(self, value: Any) -> Any:
        return int(value)

    closed = True  # any four digits are a year

    def listed(self, counts: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        return sorted(counts, key=lambda item: item[0], reverse=True)

    def resolve(self, typed: str, known: Iterable[str]) -> list[str]:
        typed = typed.strip()
        return [str(int(typed))] if typed.isascii() and typed.isdigit() and len(typed) == 4 else []

    def unknown(self, typed: str, known: Iterable[str]) -> str:
        return f"“{typed[:40]}” is not a year: give four digits, e.g. 2019."


class GradeFacet(Facet):
    """One judgement of a full report (its key in corpus.findings.JUDGEMENTS), graded best first."""

    def __init__(self, key: str, parameter: str, *other_names: str, counted: bool = False) -> None:
        super().__init__(key, JUDGEMENTS[key], parameter=parameter, keyword=key,
                         query_names=(parameter, key, *other_names), order=GRADES,
                         aliases={"ri": "Requires improvement", "requires improvement to be good":
                                  "Requires improvement"},
                         counted=counted, help=f"Only reports judging {JUDGEMENTS[key].lower()} so, "
                                               "e.g. inadequate.")

    def values(self, fields: dict[str, Any], day: date | None) -> list[str]:
        grade = (fields.get("judgements") or {}).get(self.name)
        return [self.held(grade)] if isinstance(grade, str) and self.held(grade) in GRADES else []


class YesNoFacet(Facet):
    """A yes-or-no finding (a letter field holding True or False; None when the letter does not say)."""

    def __init__(self, name: str, label: str, **options: Any) -> None:
        yes, no = ("yes", "true", "y", "1", "on"), ("no", "false", "n", "0", "off", "none")
        super().__init__(name, label, order=("yes", "no"),
                         aliases={**{word: "yes" for word in yes}, **{word: "no" for word in no}}, **options)

    def values(self, fields: dict[str, Any], day: date | None) -> list[str]:
        value = fields.get(self.source)
        return [("yes" if value else "no")] if isinstance(value, bool) else []

    def selected(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return self.aliases.get(value_key(str(value)), str(value))


FACETS: tuple[Facet, ...] = (
    AuthorityFacet("authority", "Authority", help="Only this local authority (any usual form of its name)."),
    Facet("visit_type", "Visit type", parameter="type", keyword="visit_type", query_names=("type",),
          help='Only this visit type, e.g. "focused".'),
    ListFacet("inspectors", "Inspector", parameter="inspector", query_names=("inspector", "inspectors"),
              help="Only letters by this inspector (a surname will do)."),
    YearFacet("year", "Year", help="Only visits in this year."),
    Facet("region", "Region", help='Only this region, e.g. "north east".'),
    GradeFacet("overall_effectiveness", "overall", "effectiveness", counted=True),
    GradeFacet("impact_of_leaders", "leaders", "leadership"),
    GradeFacet("help_and_protection", "protection"),
    GradeFacet("children_in_care", "in_care"),
    GradeFacet("care_leavers", "leavers"),
    GradeFacet("adoption", "adoption"),
    GradeFacet("lscb", "lscb"),
    ListFacet("focus_areas", "Focus area", parameter="focus", keyword="focus_area", order=FOCUS_AREAS,
              aliases={"covid": "covid-19", "cin": "children in need and child protection",
                       "child protection": "children in need and child protection"},
              help='Only visits looking at this, e.g. "front door".'),
    Facet("send_outcome", "SEND outcome", parameter="send", keyword="send_outcome",
          query_names=("send", "send_outcome"), order=SEND_OUTCOMES,
          help="Only Area SEND inspections with this outcome: positive, inconsistent or systemic failings."),
    YesNoFacet("priority_action", "Areas for priority action", parameter="priority", keyword="priority_action",
               help="Only letters naming areas for priority action (yes) or naming none (no)."),
)
BY_NAME = {facet.name: facet for facet in FACETS}
BY_PARAMETER = {facet.parameter: facet for facet in FACETS}
BY_KEYWORD = {facet.keyword: facet for facet in FACETS}
COUNTED = tuple(facet for facet in FACETS if facet.counted)


def facet_named(name: str) -> Facet | None:
    """The facet a person names by any of its names: results key, parameter, keyword or query name."""
    key = name.strip().lower().replace("-", "_")
    for facet in FACETS:
        if key in (facet.name, facet.parameter, facet.keyword, *facet.query_names):
            return facet
    return None


class FacetTable:
    """Per document number (of one searcher): id, day number, each facet's values, and the body's length
    (what relevance scores read for every match)."""

    def __init__(self, searcher: Any) -> None:
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.ids: list[str] = []
        self.days: list[int] = []
        self.lengths: list[int] = []
        self.values: dict[str, list[Any]] = {facet.name: [] for facet in FACETS}
        for segment, _offset in reader.leaf_readers():
            if not segment.doc_count_all():  # an empty index has one reader, with no columns
                continue
            self.ids.extend(segment.column_reader("id"))
            self.days.extend(segment.column_reader("day"))
            documents = range(segment.doc_count_all())
            self.lengths.extend(map(segment.doc_field_length, documents, repeat("body"), repeat(1)))
            for facet in FACETS:
                column = segment.column_reader(facet.name)
                self.values[facet.name].extend(facet.from_column(_text(value)) for value in column)
        self.live = frozenset(reader.all_doc_ids())
        self._masks: dict[tuple[str, frozenset[Any]], frozenset[int]] = {}
        self._known: dict[str, list[str]] = {}

    def mask(self, name: str, selected: Iterable[Any]) -> frozenset[int]:
        """The documents having any of the selected values of one facet."""
        wanted = frozenset(selected)
        key = (name, wanted)
        found = self._masks.get(key)
        if found is None:
            column = self.values[name]
            if BY_NAME[name].many:
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
        """(value, number of documents) for one facet, in the facet's order."""
        column = self.values[name]
        facet = BY_NAME[name]
        if facet.many:
            counts = Counter(chain.from_iterable(map(column.__getitem__, documents)))
        else:
            counts = Counter(map(column.__getitem__, documents))
            counts.pop(None, None)
        return facet.sort(counts)

    def known(self, name: str) -> list[str]:
        """Every value of one facet among the live letters, as strings (what typed values resolve to)."""
        found = self._known.get(name)
        if found is None:
            found = self._known[name] = [str(value) for value, _ in self.count(name, self.live)]
        return found


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
