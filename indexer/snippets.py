"""Snippets: the passage of a letter that best shows why it matched, as text with the spans of its matches.

Matches come from offsets stored in the index or from the stored text itself: long reports to their end.
`marked_html` is the one way text and spans become HTML: the JSON's snippet and every web page use it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.reading import TermNotFound

from indexer.analysis import WORD, folded, term_for
from indexer.querylang import Highlight

SNIPPET_CHARS = 260
# Matches of rarer terms around which dense terms are looked for.
MAX_REGIONS = 20
LEAD_CHARS = 60
SPACES = re.compile(r"\s+")


def _places(reader: Any, term: str, docnum: int) -> list[tuple[int, int, int]]:
    """(position, start char, end char) of each occurrence of a body term in one document."""
    try:
        matcher = reader.postings("body", term)
    except TermNotFound:
        return []
    if matcher.id() < docnum:
        matcher.skip_to(docnum)
    if matcher.is_active() and matcher.id() == docnum:
        return matcher.value_as("characters")
    return []


def match_spans(
    reader: Any, docnum: int, text: str, highlights: Iterable[Highlight], dense: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """Character ranges of the document (a segment reader's docnum, its stored text) the highlights match.

    Most terms' occurrences come from the character offsets stored in their postings. A dense term (many
    occurrences per letter: "the") has long, costly postings but is met anywhere in the text: dense terms
    are looked for in the text around the other terms' matches, or, with no other terms, from the start
    until a passage with all of them turns up.
    """
    spans: list[tuple[int, int]] = []
    scanned: list[Highlight] = []
    for highlight in highlights:
        if highlight.kind == "prefix" or all(map(dense, highlight.terms)):
            scanned.append(highlight)
        elif highlight.kind == "term":
            spans.extend((start, end) for _, start, end in _places(reader, highlight.terms[0], docnum))
        else:
            spans.extend(_phrase_spans(reader, highlight.terms, docnum))
    if scanned and spans:
        for start, end in _regions(spans[:MAX_REGIONS], len(text)):
            spans.extend(_scan(text, scanned, text.rfind(" ", 0, start) + 1, end, stop_early=False))
    elif scanned:
        spans.extend(_scan(text, scanned))
    return sorted(set(spans))


def item_snippet(items: list[str], highlights: list[Highlight]) -> tuple[str, list[tuple[int, int]]] | None:
    """A snippet (text, spans) from the list item (an improvement point) with the most matches; None when none
    matches."""
    best, spans = max(((item, _scan(item, highlights, stop_early=False)) for item in items),
                      key=lambda found: len(found[1]), default=("", []))
    return make_snippet(best, spans) if spans else None


def _regions(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of text within a snippet's width of the spans, overlapping ones joined."""
    regions: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start - SNIPPET_CHARS), min(length, end + SNIPPET_CHARS)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def _phrase_spans(reader: Any, terms: tuple[str, ...], docnum: int) -> list[tuple[int, int]]:
    places = [{pos: (start, end) for pos, start, end in _places(reader, term, docnum)} for term in terms]
    found = []
    for pos, (start, _) in places[0].items():
        if all(pos + i in places[i] for i in range(1, len(terms))):
            found.append((start, places[-1][pos + len(terms) - 1][1]))
    return found


def _scan(
    text: str, highlights: list[Highlight], start: int = 0, end: int | None = None, stop_early: bool = True
) -> list[tuple[int, int]]:
    """Matches of the highlights read from text[start:end]; with `stop_early`, only up to the first passage
    that has them all."""
    singles = {h.terms[0]: h for h in highlights if h.kind == "term"}
    prefixes = [h for h in highlights if h.kind == "prefix"]
    phrases = [h for h in highlights if h.kind == "phrase"]
    longest = max((len(h.terms) for h in phrases), default=1)
    recent: list[tuple[str, int, int]] = []
    first_seen: dict[int, int] = {}  # highlight → where its first match started
    spans: list[tuple[int, int]] = []
    for match in WORD.finditer(text, start, len(text) if end is None else end):
        term = term_for(match.group())
        start, end = match.span()
        recent.append((term, start, end))
        if len(recent) > longest:
            del recent[0]
        found = singles.get(term)
        if found is not None:
            spans.append((start, end))
            first_seen.setdefault(id(found), start)
        for prefix in prefixes:
            if term.startswith(prefix.terms[0]) or folded(match.group()).startswith(prefix.terms[0]):
                spans.append((start, end))
                first_seen.setdefault(id(prefix), start)
        for phrase in phrases:
            size = len(phrase.terms)
            if len(recent) >= size and tuple(item[0] for item in recent[-size:]) == phrase.terms:
                spans.append((recent[-size][1], end))
                first_seen.setdefault(id(phrase), recent[-size][1])
        # Once all have been met, a passage with all of them lies behind: read on only to fill it.
        if stop_early and len(first_seen) == len(highlights) and start - max(first_seen.values()) > SNIPPET_CHARS:
            break
    return spans


def _best_window(spans: list[tuple[int, int]], text: str) -> tuple[int, int]:
    """The first and last span index of the window of SNIPPET_CHARS with the most different matches."""
    best = (0, 0)
    best_score = (-1, -1)
    last = 0
    for first, (start, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - start <= SNIPPET_CHARS - LEAD_CHARS:
            last += 1
        window = spans[first : last + 1]
        distinct = len({text[s:e].lower() for s, e in window})
        score = (distinct, len(window))
        if score > best_score:
            best, best_score = (first, last), score
    return best


def make_snippet(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The passage that best shows the spans, as plain text, and the spans within it (the opening when none)."""
    if not spans:
        start = len(text) - len(text.lstrip())
        end = _word_end(text, start + SNIPPET_CHARS)
        return _passage(text, start, end, [])
    first, last = _best_window(spans, text)
    window_start = spans[first][0]
    start = max(0, window_start - LEAD_CHARS)
    if start > 0:
        space = text.find(" ", start, window_start)
        start = space + 1 if space >= 0 else window_start
    end = _word_end(text, max(spans[last][1], start + SNIPPET_CHARS))
    return _passage(text, start, end, spans[first : last + 1])


def find_spans(text: str, highlights: list[Highlight]) -> list[tuple[int, int]]:
    """Every match of the highlights in the text, in order: what a letter's page marks in its full text."""
    return sorted(set(_scan(text, highlights, stop_early=False))) if highlights else []


def marked_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Safe HTML: the text escaped, with <mark> around the spans (overlapping ones marked as one)."""
    parts, at = [], 0
    for start, end in _merged(spans):
        parts += [_escaped(text[at:start]), f"<mark>{_escaped(text[start:end])}</mark>"]
        at = end
    parts.append(_escaped(text[at:]))
    return "".join(parts)


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlapping ones joined: a phrase and a word inside it are one mark."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _word_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", end - 40, end)
    return space if space > 0 else end


def _passage(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """text[start:end] with its runs of white space made one space and "…" where it is cut, and the spans
    inside it moved to match (overlapping or cut-off ones left out)."""
    parts = ["… " if start > 0 else ""]
    length, moved, at = len(parts[0]), [], start
    for span_start, span_end in spans:
        if span_start < at or span_end > end:
            continue
        before, inside = SPACES.sub(" ", text[at:span_start]), SPACES.sub(" ", text[span_start:span_end])
        parts += [before, inside]
        length += len(before)
        moved.append((length, length + len(inside)))
        length += len(inside)
        at = span_end
    parts.append(SPACES.sub(" ", text[at:end]))
    if end < len(text.rstrip()):
        parts.append(" …")
    passage = "".join(parts)
    shift = len(passage) - len(passage.lstrip())
    return passage.strip(), [(span_start - shift, span_end - shift) for span_start, span_end in moved]


def _escaped(text: str) -> str:
    # Quotes: only the double one needs escaping, and only inside an attribute; "children's" stays readable.
    return html.escape(SPACES.sub(" ", text), quote=False).replace('"', "&quot;")
