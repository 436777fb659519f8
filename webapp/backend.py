"""The app's one door to the index: one LetterIndex per app, and the search every output runs.

Pages and machine interfaces both search through `search()`, so they agree on results and on errors.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from indexer import Hit, LetterIndex, Results
from indexer.request import SearchRequest, parse_request

_opening = threading.Lock()


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


def search(params: SearchRequest, **overrides: Any) -> Results:
    """Run the search; PageOutOfRange for a page past the last."""
    results = current_index().search(params.query, **{**params.search_kwargs(), **overrides})
    params.check_page(results.total)
    return results


def every_hit(params: SearchRequest) -> list[Hit]:
    """Every letter the search finds, in its order, without snippets (exports); PageOutOfRange for a page past
    the last, as on the page the export was asked from."""
    hits = current_index().every_hit(params.query, **params.selection_kwargs())
    params.check_page(len(hits))
    return hits


def parse_search_args(args: MultiDict) -> SearchRequest:
    """GET arguments (q, a parameter per facet, from, to, sort, page, per_page, improvements) → the search, parsed
    as `letters search` parses its options (indexer.request) with typed values resolved against the app's index;
    InvalidRequest lists every problem."""
    return parse_request(args, current_index().known_values)
