"""The app's one door to the index: one LetterIndex per app, and the search every output runs.

Pages and machine interfaces both search through `search()`, so they agree on results and on errors.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app

from indexer import LetterIndex, Results
from indexer.facets import BY_PARAMETER
from webapp.params import FACETS, InvalidParams, Problem, SearchParams, check_facet_values

_opening = threading.Lock()


class PageOutOfRange(InvalidParams):
    """A page past the last one of a search that has results."""

    def __init__(self, page: int, pages: int) -> None:
        noun = "page" if pages == 1 else "pages"
        super().__init__([Problem("page", f"There is no page {page:,}: this search has "
                                          f"{pages:,} {noun}.")])
        self.pages = pages


def current_index() -> LetterIndex:
    """The app's index, opened by the first request that needs it and shared by all threads after.

    LetterIndex follows reindexes by itself; IndexMissing propagates while there is no index.
    """
    index = current_app.extensions.get("letters.index")
    if index is None:
        with _opening:
            index = current_app.extensions.get("letters.index")
            if index is None:
                index = LetterIndex.open(current_app.config["DATA_DIR"])
                current_app.extensions["letters.index"] = index
    return index


def search(params: SearchParams, **overrides: Any) -> Results:
    """Run the search; InvalidParams for a facet value no letter has or a page past the last."""
    index = current_index()
    results = index.search(params.query, **{**params.search_kwargs(), **overrides})
    if any(value not in dict(facet_counts(results, argument))
           for argument, values in params.facets.items() for value in values):
        # A chosen value without letters here may be one no letter has anywhere: say so.
        check_facet_values(params, known_facet_values(index))
    if results.total and results.page > results.pages:
        raise PageOutOfRange(results.page, results.pages)
    return results


def facet_counts(results: Results, argument: str) -> list[tuple[str, int]]:
    """The (value, count) pairs of one facet, keyed by its GET argument, values as strings."""
    return [(str(value), count) for value, count in results.facets.get(BY_PARAMETER[argument].name, [])]


def known_facet_values(index: LetterIndex) -> dict[str, list[str]]:
    """Every value each facet takes over all letters: what a chosen value is checked against."""
    results = index.search("", page=1, per_page=1)
    return {argument: [value for value, _ in facet_counts(results, argument)]
            for argument in FACETS}
