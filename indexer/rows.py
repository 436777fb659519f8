"""Search hits as rows: the columns /search.csv and `letters search --all` write.

A row is a hit's JSON without its snippet, judgements one column each.
"""

from __future__ import annotations

from typing import Any

from corpus.findings import JUDGEMENTS
from indexer.search import Hit

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
