"""The one parser of search requests: GET arguments or `letters search` options → a SearchRequest, or every problem.

The web page, JSON, CSV, Atom, the CLI and search()'s keywords all read values here, so they accept the same.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from indexer.facets import BY_KEYWORD, BY_NAME, FACETS
from indexer.querylang import MAX_QUERY_CHARS

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_FACET_VALUES = 50
MAX_FACET_VALUE_CHARS = 200
MAX_NUMBER_DIGITS = 12  # longer digit strings are refused before Python reads them as a number
ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
YES = ("1", "on", "yes", "true")

# Every value a facet takes in the index, by facet: what typed values are resolved against.
Known = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class Problem:
    """One parameter that could not be used, and a sentence saying what to do instead."""

    parameter: str
    message: str


class InvalidRequest(ValueError):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class PageOutOfRange(InvalidRequest):
    """A page past the last one of a search that has results."""

    def __init__(self, page: int, pages: int) -> None:
        noun = "page" if pages == 1 else "pages"
        super().__init__([Problem("page", f"There is no page {page:,}: this search has {pages:,} {noun}.")])
        self.pages = pages


@dataclass(frozen=True)
class SearchRequest:
    """A validated search. `filters`: facet name → the values chosen, as the index holds them."""

    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    in_improvements: bool = False

    def selection_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of LetterIndex.every_hit for this search (the query aside): all but the page."""
        return {
            **{BY_NAME[name].keyword: list(values) for name, values in self.filters.items()},
            "in_improvements": self.in_improvements,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "sort": self.sort,
        }

    def search_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of LetterIndex.search for this search (the query aside)."""
        return {**self.selection_kwargs(), "page": self.page, "per_page": self.per_page}

    def with_page(self, page: int, per_page: int | None = None) -> SearchRequest:
        return replace(self, page=page, per_page=per_page or self.per_page)

    def check_page(self, total: int) -> None:
        """PageOutOfRange when this page lies past the last one of `total` letters (none: one empty page)."""
        pages = max(1, math.ceil(total / self.per_page))
        if self.page > pages:
            raise PageOutOfRange(self.page, pages)


def parse_request(args: Mapping[str, Any], known: Known | None = None) -> SearchRequest:
    """Validate search arguments — q, a parameter per facet (authority, type, inspector, year, region, …),
    from, to, sort, page, per_page, improvements — each a string or a list of strings. With `known`, typed
    facet values are resolved to the index's values (case, aliases, whole words). Raises InvalidRequest
    listing every problem."""
    problems: list[Problem] = []
    query = " ".join(_first(args, "q").split())
    if len(query) > MAX_QUERY_CHARS:
        problems.append(Problem("q", f"The search is {len(query):,} characters long; the limit is "
                                     f"{MAX_QUERY_CHARS:,}. Shorten it to its most telling words."))
    typed = {facet.name: _all(args, facet.parameter) for facet in FACETS}
    filters = resolve_filters(typed, known, problems)
    date_from = parse_day(_first(args, "from"), "from", "From", problems)
    date_to = parse_day(_first(args, "to"), "to", "To", problems)
    if date_from and date_to and date_from > date_to:
        problems.append(Problem("to", f"The “to” date ({date_to:%-d %B %Y}) is before the “from” date "
                                      f"({date_from:%-d %B %Y}): swap them."))
    sort = _first(args, "sort").strip().lower() or None
    if sort is not None and sort not in SORTS:
        problems.append(Problem("sort", f"Sort by one of {', '.join(SORTS)}, not “{sort[:40]}”."))
    page = parse_number(_first(args, "page"), "page", "a page number", 1, None, problems) or 1
    per_page = parse_number(_first(args, "per_page"), "per_page", "a number of letters per page", 1,
                            MAX_PER_PAGE, problems) or DEFAULT_PER_PAGE
    in_improvements = _first(args, "improvements").strip().lower() in YES
    if problems:
        raise InvalidRequest(problems)
    return SearchRequest(query, filters, date_from, date_to, sort, page, per_page, in_improvements)


def resolve_filters(typed: Mapping[str, Iterable[Any]], known: Known | None,
                    problems: list[Problem] | None = None) -> dict[str, tuple[str, ...]]:
    """Facet name → typed values, resolved to the values the index holds (unresolved: a problem each).
    Raises InvalidRequest when `problems` is not given and there are some."""
    found: list[Problem] = []
    filters: dict[str, tuple[str, ...]] = {}
    for name, values in typed.items():
        facet = BY_NAME[name]
        values = _unique(str(value).strip() for value in values if str(value).strip())
        if len(values) > MAX_FACET_VALUES:
            found.append(Problem(facet.parameter, f"{len(values)} values of {facet.noun} were chosen; "
                                                  f"the limit is {MAX_FACET_VALUES}."))
            continue
        chosen: list[str] = []
        holders = [] if facet.closed or known is None or not values else list(known(name))
        for value in values:
            if len(value) > MAX_FACET_VALUE_CHARS:
                found.append(Problem(facet.parameter, f"{facet.label}: a value of {len(value):,} characters "
                                                      "cannot be one we know."))
                continue
            if not facet.closed and known is None:  # nothing to resolve against: taken as typed
                chosen.append(value)
                continue
            resolved = facet.resolve(value, holders)
            if resolved:
                chosen.extend(resolved)
            else:
                found.append(Problem(facet.parameter, facet.unknown(value, holders)))
        if chosen:
            filters[name] = tuple(_unique(chosen))
    if problems is None and found:
        raise InvalidRequest(found)
    if problems is not None:
        problems.extend(found)
    return filters


def keyword_filters(filters: Mapping[str, Any], known: Known) -> dict[str, tuple[str, ...]]:
    """search()'s facet keywords (authority=, visit_type=, …; a value or a list) → facet name → the index's
    values. TypeError for a keyword that is no facet's; InvalidRequest for values no letter has."""
    unknown = sorted(set(filters) - set(BY_KEYWORD))
    if unknown:
        raise TypeError(f"search() got unknown filters {', '.join(unknown)}; the filters are {', '.join(BY_KEYWORD)}")
    typed = {BY_KEYWORD[keyword].name: _as_list(values) for keyword, values in filters.items()}
    return resolve_filters(typed, known)


def parse_day(raw: str, parameter: str, label: str, problems: list[Problem]) -> date | None:
    """A date written year-month-day; a problem saying why for anything else (30 February too)."""
    raw = raw.strip()
    if not raw:
        return None
    match = ISO_DAY.fullmatch(raw)
    if match:
        year, month, day = map(int, match.groups())
        if not 1 <= month <= 12:
            problems.append(Problem(parameter, f"{label}: “{raw}” has no month {month}: months go from 1 to 12."))
            return None
        days = calendar.monthrange(year, month)[1] if year else 31
        if year and 1 <= day <= days:
            return date(year, month, day)
        if year and day > 0:
            problems.append(Problem(parameter, f"{label}: “{raw}” is not a day: {calendar.month_name[month]} "
                                               f"{year} has {days} days."))
            return None
    problems.append(Problem(parameter, f"{label}: “{raw[:40]}” is not a date. Write it as year-month-day, "
                                       "e.g. 2021-03-31."))
    return None


def parse_number(raw: str, parameter: str, what: str, lowest: int, highest: int | None,
                 problems: list[Problem]) -> int | None:
    """A whole number within [lowest, highest] (no highest: at most MAX_NUMBER_DIGITS digits); None when
    not given; a problem when it cannot be used."""
    raw = raw.strip()
    if not raw:
        return None
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_NUMBER_DIGITS else None
    if number is not None and lowest <= number <= (highest or number):
        return number
    shown = raw if len(raw) <= 40 else f"{raw[:20]}… ({len(raw):,} characters)"
    bounds = f"from {lowest} to {highest:,}" if highest else f"of {lowest} or more"
    problems.append(Problem(parameter, f"“{shown}” is not {what} we can show: give a whole number {bounds}."))
    return None


def _first(args: Mapping[str, Any], name: str) -> str:
    values = _all(args, name)
    return values[0] if values else ""


def _all(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    return [str(v) for v in (getlist(name) if getlist else _as_list(args.get(name)))]


def _as_list(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, str | int | bool):
        return [values]
    return [value for value in values if value not in (None, "")]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
