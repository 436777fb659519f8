"""Search hits as rows: the columns /search.csv and `letters search --all` write, and every page of a search.

A row is a hit's JSON without its snippet, judgements one column each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from corpus.findings import JUDGEMENTS
from indexer.search import Hit, Results

CSV_FIELDS = ("id", "title", "authority", "authority_code", "visit_type", "published", "visit_start", "visit_end",
              "inspectors", "url", "score", "framework", *JUDGEMENTS, "send_outcome", "priority_action",
              "focus_areas")


def record(hit: Hit) -> dict[str, Any]:
    """The row of one hit as JSON values (lists stay lists)."""
    found = hit.to_dict()
    found.update(found.pop("judgements"))
    return {name: found.get(name) for name in CSV_FIELDS}


def csv_row(hit: Hit) -> list[Any]:
    """The row of one hit as CSV cells: lists joined with "; ", yes or no for a yes-or-no finding."""
    cells = []
    for value in record(hit).values():
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        cells.append(value)
    return cells


def every_page(first: Results, page: Callable[[int], Results]) -> Iterator[Results]:
    """`first` and each following page of its search, as `page(number)` gives them."""
    results = first
    while True:
        yield results
        if results.page >= results.pages:
            return
        results = page(results.page + 1)
