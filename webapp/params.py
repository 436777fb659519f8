"""The one parser of search parameters: GET arguments → SearchParams, or a list of readable problems.

Every output (page, JSON, CSV, Atom) reads its search from here, so they can never disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

MAX_QUERY_CHARS = 2000
MAX_PAGE = 10_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
SORTS = ("relevance", "newest", "oldest")
FIRST_YEAR, LAST_YEAR = 1990, 2100

# GET argument → (keyword of LetterIndex.search, label a person reads). The order is the sidebar's.
FACETS = {
    "authority": ("authority", "Authority"),
    "type": ("visit_type", "Visit type"),
    "inspector": ("inspector", "Inspector"),
    "year": ("year", "Year"),
    "region": ("region", "Region"),
}
MAX_FACET_VALUES = 50
MAX_FACET_VALUE_CHARS = 200


@dataclass(frozen=True)
class Problem:
    """One parameter that could not be used, and a sentence saying what to do instead."""

    parameter: str
    message: str


class InvalidParams(ValueError):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class SearchParams:
    """A validated search, as GET arguments put it."""

    query: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def search_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of LetterIndex.search for this search."""
        kwargs: dict[str, Any] = {
            keyword: [int(value) for value in self.facets.get(argument, ())]
            if argument == "year"
            else list(self.facets.get(argument, ()))
            for argument, (keyword, _) in FACETS.items()
        }
        kwargs.update(
            date_from=self.date_from,
            date_to=self.date_to,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
        )
        return kwargs

    def with_page(self, page: int, per_page: int | None = None) -> SearchParams:
        return replace(self, page=page, per_page=per_page or self.per_page)


def parse_search_args(args: Mapping[str, Any]) -> SearchParams:
    """Validate GET arguments (q, authority, type, inspector, year, region, from, to, sort, page,
    per_page) into SearchParams. Raises InvalidParams listing every problem."""
    args = args if isinstance(args, MultiDict) else MultiDict(args)
    problems: list[Problem] = []

    query = " ".join(args.get("q", "").split())
    if len(query) > MAX_QUERY_CHARS:
        problems.append(
            Problem("q", f"The search is {len(query):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}. Shorten it to its most telling words.")
        )

    facets: dict[str, tuple[str, ...]] = {}
    for argument, (_, label) in FACETS.items():
        values = _unique(value.strip() for value in args.getlist(argument) if value.strip())
        if len(values) > MAX_FACET_VALUES:
            problems.append(
                Problem(argument, f"{len(values)} values of {label.lower()} were chosen; "
                                  f"the limit is {MAX_FACET_VALUES}.")
            )
        for value in values:
            if len(value) > MAX_FACET_VALUE_CHARS:
                problems.append(Problem(argument, f"A {label.lower()} of {len(value):,} "
                                                  "characters cannot be one we know."))
            elif argument == "year" and not _is_year(value):
                problems.append(
                    Problem("year", f"“{value}” is not a year: give four digits between "
                                    f"{FIRST_YEAR} and {LAST_YEAR}, e.g. 2019.")
                )
        if argument == "year":
            values = _unique(str(int(value)) if _is_year(value) else value for value in values)
        facets[argument] = tuple(values)

    date_from = _parse_date(args.get("from", ""), "from", "From", problems)
    date_to = _parse_date(args.get("to", ""), "to", "To", problems)
    if date_from and date_to and date_from > date_to:
        problems.append(
            Problem("to", f"The “to” date ({date_to:%-d %B %Y}) is before the “from” date "
                          f"({date_from:%-d %B %Y}): swap them.")
        )

    sort = args.get("sort", "").strip().lower() or None
    if sort is not None and sort not in SORTS:
        problems.append(Problem("sort", f"Sort by one of {', '.join(SORTS)}, not “{sort[:40]}”."))

    page = _parse_int(args.get("page", ""), "page", "a page number", 1, MAX_PAGE, 1, problems)
    per_page = _parse_int(args.get("per_page", ""), "per_page", "a number of letters per page", 1,
                          MAX_PER_PAGE, DEFAULT_PER_PAGE, problems)

    if problems:
        raise InvalidParams(problems)
    return SearchParams(query, facets, date_from, date_to, sort, page, per_page)


def check_facet_values(params: SearchParams, known: Mapping[str, Iterable[str]]) -> None:
    """Raise InvalidParams for a chosen facet value that no letter has, suggesting close ones.

    `known` maps GET argument → every value the index holds for that facet.
    """
    problems = []
    for argument, values in params.facets.items():
        if argument not in known:
            continue
        holders = {str(value) for value in known[argument]}
        label = FACETS[argument][1].lower()
        for value in values:
            if value in holders:
                continue
            close = difflib.get_close_matches(value, holders, n=1, cutoff=0.75)
            hint = f" Did you mean “{close[0]}”?" if close else ""
            problems.append(Problem(argument, f"No letter has the {label} “{value}”.{hint}"))
    if problems:
        raise InvalidParams(problems)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _is_year(value: str) -> bool:
    # The length check first: int() refuses strings of thousands of digits with a ValueError.
    return value.isascii() and value.isdigit() and len(value) <= 4 and FIRST_YEAR <= int(value) <= LAST_YEAR


def _parse_date(raw: str, parameter: str, label: str, problems: list[Problem]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            Problem(parameter, f"{label}: “{raw[:40]}” is not a date. Write it as year-month-day, "
                               "e.g. 2021-03-31.")
        )
        return None


def _parse_int(raw: str, parameter: str, what: str, lowest: int, highest: int, default: int,
               problems: list[Problem]) -> int:
    raw = raw.strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(highest)) and lowest <= int(raw) <= highest:
        return int(raw)
    problems.append(
        Problem(parameter, f"“{raw[:40]}” is not {what} we can show: give a whole number from "
                           f"{lowest} to {highest:,}.")
    )
    return default
