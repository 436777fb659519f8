"""Relevance in one pass: every match scored (Whoosh's BM25F) and kept, for the page and for the facets.

Facets count every match; Whoosh's top-N collector keeps only the best, so listing all took a second pass.
"""

from __future__ import annotations

from whoosh.collectors import ScoredCollector


class EveryScoreCollector(ScoredCollector):
    """Scores every matching document in one pass: facets need them all, and the page the best of them."""

    def __init__(self) -> None:
        # replace=0: Whoosh would otherwise drop parts of an OR that cannot reach a top N, and lose matches.
        super().__init__(replace=0)
        self.scores: dict[int, float] = {}  # global document number → score, for every match

    def _collect(self, global_docnum: int, score: float) -> float:
        self.scores[global_docnum] = score
        return 0 - score
