"""Relevance in one pass: every match scored (Whoosh's BM25F) and kept, for the page and for the facets.

Facets count every match; Whoosh's top-N collector keeps only the best, and its per-match calls cost more
than the scoring itself when a query matches most letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Query

from indexer.phrases import TermsInARow


def every_score(searcher: Any, query: Query, lengths: Sequence[int]) -> dict[int, float]:
    """Global document number → score, for every document matching the query. `lengths`: the body's length
    of each document, by global number (FacetTable.lengths), read once per searcher rather than per match."""
    scores: dict[int, float] = {}
    context = searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        segment_lengths = lengths[offset : offset + subsearcher.doc_count_all()]
        if isinstance(query, TermsInARow):  # scored in bulk as it is found
            documents, found = query.scored(subsearcher, segment_lengths)
            scores.update(zip([offset + docnum for docnum in documents], found, strict=True))
            continue
        matcher = query.matcher(subsearcher, context)
        if type(matcher) is W3LeafMatcher and matcher.scorer is not None:
            _score_blocks(matcher, offset, segment_lengths, scores)
            continue
        while matcher.is_active():
            scores[offset + matcher.id()] = matcher.score()
            matcher.next()
    return scores


def _score_blocks(leaf: W3LeafMatcher, offset: int, lengths: Sequence[int], scores: dict[int, float]) -> None:
    """One term's postings in a segment without deletions, scored a block (128 letters) at a time (`lengths`:
    the body's length of each of the segment's documents).

    (A segment with deletions wraps its postings in a filter, so never comes here.)
    """
    scorer = leaf.scorer
    score = scorer._score
    # A word pair or a facet's words are scored by the length of their own field.
    length = lengths.__getitem__ if leaf.term()[0] == "body" else scorer.dfl
    while leaf.is_active():
        leaf._read_ids()
        leaf._read_weights()
        for docnum, weight in zip(leaf._ids, leaf._weights, strict=True):
            scores[offset + docnum] = score(weight, length(docnum))
        leaf._next_block()
