"""Relevance in one pass: every match scored (Whoosh's BM25F) and kept, for the page and for the facets.

Facets count every match; Whoosh's top-N collector keeps only the best, and its matchers' per-match calls
(an AND's walk from letter to letter above all) cost more than the scoring itself when a query matches most
letters. Matches without scores (a search sorted by date) are found the same way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Query

from indexer.phrases import TermsInARow

Scores = dict[int, float]  # a segment's document number → score


def every_score(searcher: Any, query: Query, lengths: Sequence[int]) -> dict[int, float]:
    """Global document number → score, for every document matching the query. `lengths`: the body's length
    of each document, by global number (FacetTable.lengths), read once per searcher rather than per match."""
    return _every(searcher, query, lengths, scored=True)


def every_match(searcher: Any, query: Query, lengths: Sequence[int]) -> frozenset[int]:
    """Global document numbers of every document matching the query, without scoring them."""
    return frozenset(_every(searcher, query, lengths, scored=False))


def _every(searcher: Any, query: Query, lengths: Sequence[int], scored: bool) -> dict[int, float]:
    scores: dict[int, float] = {}
    context = searcher.context() if scored else searcher.boolean_context()
    for subsearcher, offset in searcher.leaf_searchers():
        segment_lengths = lengths[offset : offset + subsearcher.doc_count_all()]
        found = _scored(query, subsearcher, context, segment_lengths, scored)
        scores.update(found if offset == 0 else {offset + docnum: score for docnum, score in found.items()})
    return scores


def _scored(query: Query, searcher: Any, context: Any, lengths: Sequence[int], scored: bool,
            among: Sequence[int] | None = None) -> Scores:
    """The scores in one segment of the documents matching `query` (0.0 each when not `scored`); with `among`
    (sorted document numbers), of those documents at least."""
    if isinstance(query, TermsInARow):  # scored in bulk as it is found
        documents, found = query.scored(searcher, lengths)
        return dict(zip(documents, found, strict=True))
    if _combines_scores(query):
        return _scored_together(query, searcher, context, lengths, scored, among)
    matcher = query.matcher(searcher, context)
    if type(matcher) is W3LeafMatcher and (matcher.scorer is not None or not scored):
        return _score_blocks(matcher, lengths, scored, among)
    if not scored:
        return dict.fromkeys(matcher.all_ids(), 0.0)
    scores: Scores = {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    return scores


def _combines_scores(query: Query) -> bool:
    """An AND or OR whose score is the sum of its parts' (no boost, no coordination bonus, no NOT)."""
    if type(query) is wq.And or (type(query) is wq.Or and not query.scale):
        return query.boost == 1.0 and bool(query.subqueries) and all(
            isinstance(part, TermsInARow) or type(part) is wq.Term or _combines_scores(part)
            for part in query.subqueries
        )
    return False


def _scored_together(query: wq.And | wq.Or, searcher: Any, context: Any, lengths: Sequence[int], scored: bool,
                     among: Sequence[int] | None) -> Scores:
    """An AND's or OR's documents with the sum of its parts' scores, as Whoosh's matchers add them.

    An AND scores its part in fewest letters first and every other part only in the letters left, so a common
    word beside a rare one reads just the posting blocks that hold those letters.
    """
    # A word said twice counts twice, as in Whoosh, but is read once.
    parts = Counter(query.subqueries)
    if type(query) is wq.Or:
        total: Scores = {}
        for part, times in parts.items():
            for docnum, score in _scored(part, searcher, context, lengths, scored, among).items():
                total[docnum] = total.get(docnum, 0.0) + times * score
        return total
    reader = searcher.reader()
    smallest, *others = sorted(parts, key=lambda part: part.estimate_size(reader))
    found = [_scored(smallest, searcher, context, lengths, scored, among)]
    # A part may also give documents outside `among` (a phrase, a fallback): only the ones in it count.
    left = sorted(found[0] if among is None else found[0].keys() & set(among))
    for part in others:
        if not left:
            return {}
        found.append(_scored(part, searcher, context, lengths, scored, left))
        left = [docnum for docnum in left if docnum in found[-1]]
    total = dict.fromkeys(left, 0.0)
    if scored:
        for part, scores in zip((smallest, *others), found, strict=True):
            times = parts[part]
            total = {docnum: score + times * scores[docnum] for docnum, score in total.items()}
    return total


def _score_blocks(leaf: W3LeafMatcher, lengths: Sequence[int], scored: bool,
                  among: Sequence[int] | None = None) -> Scores:
    """One term's postings in a segment without deletions, scored (else 0.0 each) a block of 128 letters at a
    time (`lengths`: the body's length of each of the segment's documents); with `among` (sorted), only those
    documents, in only the blocks that can hold them.

    (A segment with deletions wraps its postings in a filter, so never comes here.)
    """
    scores: Scores = {}
    wanted = None if among is None else set(among)
    if scored:
        scorer = leaf.scorer
        score = scorer._score
        # A word pair or a facet's words are scored by the length of their own field.
        length: Callable[[int], int] = lengths.__getitem__ if leaf.term()[0] == "body" else scorer.dfl
    after = -1  # the last document number of the block before
    while leaf.is_active():
        if among is not None:
            last = leaf.block_max_id()
            first_wanted, end = bisect_right(among, after), bisect_right(among, last)
            after = last
            if first_wanted == end:  # none of the wanted documents can be in this block
                leaf._next_block()
                continue
        leaf._read_ids()
        ids = leaf._ids
        if not scored:
            scores.update(dict.fromkeys(ids if wanted is None else wanted.intersection(ids), 0.0))
        elif among is not None and end - first_wanted < 8:  # a few: looked up, not read through
            leaf._read_weights()
            weights = leaf._weights
            for docnum in among[first_wanted:end]:
                at = bisect_left(ids, docnum)
                if at < len(ids) and ids[at] == docnum:
                    scores[docnum] = score(weights[at], length(docnum))
        else:
            leaf._read_weights()
            for docnum, weight in zip(ids, leaf._weights, strict=True):
                if wanted is None or docnum in wanted:
                    scores[docnum] = score(weight, length(docnum))
        leaf._next_block()
    return scores
