"""The web's search parameters: GET arguments → the indexer's SearchRequest, values resolved against the index.

The parsing is indexer.request's, the same as `letters search`; this module binds it to the app's index.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from indexer.request import InvalidRequest, Problem, SearchRequest, parse_request
from webapp import backend

# The names the app's error handlers know them by.
InvalidParams = InvalidRequest
__all__ = ["InvalidParams", "Problem", "SearchRequest", "parse_search_args"]


def parse_search_args(args: MultiDict) -> SearchRequest:
    """Validate GET arguments (q, a parameter per facet, from, to, sort, page, per_page, improvements);
    InvalidParams lists every problem, typed facet values no letter has among them."""
    return parse_request(args, backend.current_index().known_values)
