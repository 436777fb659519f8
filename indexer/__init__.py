"""The Whoosh index of letters: building it from the store, and searching it from Python.

`from indexer import LetterIndex` is the public query API; `indexer.cli` holds its `letters` commands.
"""

from indexer.directory import AuthorityDetail, AuthoritySummary, InspectorDetail, InspectorSummary, LetterBrief
from indexer.search import Hit, IndexMissing, LetterIndex, Results

__all__ = [
    "AuthorityDetail",
    "AuthoritySummary",
    "Hit",
    "IndexMissing",
    "InspectorDetail",
    "InspectorSummary",
    "LetterBrief",
    "LetterIndex",
    "Results",
]
