"""Snippets: the passage of a letter that best shows why it matched, as text with the spans of its matches.

Matches are found in the stored text by patterns of the printed forms of the query's terms; `marked_html` is
the one way text and spans become HTML: the JSON's snippet and every web page use it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from indexer.querylang import Highlight

SNIPPET_CHARS = 260
LEAD_CHARS = 60
# Matches kept of each highlight: enough to find a passage with several; "the" may match thousands of times.
MATCHES_PER_HIGHLIGHT = 25
# Matches are looked for a piece of text at a time; a match starting in a piece may run this far past it.
PIECE_CHARS = 8_192
GROWTH = 4  # each piece after the first is this many times as long, so less text is folded twice
OVERLAP_CHARS = 4_096
SPACES = re.compile(r"\s+")
# Words are runs of letters and digits (indexer.analysis.WORD): a match starts and ends at a word's edge,
# and the words of a phrase are separated by anything else, as the index reads them. (The start is checked
# apart: a pattern that opens with a look-behind is tried at every character, one with letters only where
# they are.)
_END = r"(?![^\W_])"
_BETWEEN_WORDS = r"[\W_]+"
_WORD_CHARACTER = re.compile(r"[^\W_]")
_WORD_BYTE = re.compile(rb"[^\W_]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# Accented letters → their base letter, one character for one, so offsets in the folded copy stay those of
# the text: the vocabulary's printed words are folded, and "Maire" must mark "Máire".
_FOLD = {
    char: base
    for char in map(chr, range(0xC0, 0x250))
    if len(base := "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))) == 1
}
_ACCENTED = re.compile("[" + "".join(_FOLD) + "]")
Match = tuple[int, int, int]  # where a highlight matches a text: start, end, and which highlight
# Patterns are kept with the vocabulary they were made from (a reindex brings another), at most this many.
MAX_PATTERNS = 512


@dataclass(frozen=True, slots=True)
class HighlightPatterns:
    """A query's highlights as one expression each, in the order that wins where two match at one place
    (phrases first, so a phrase is marked as a whole rather than as its words)."""

    expressions: tuple[re.Pattern[str], ...]
    # The same for a text read as UTF-8 whose letters are all ASCII (`plain`), which lower-cases ten times
    # faster as bytes than as a string.
    byte_expressions: tuple[re.Pattern[bytes], ...]


def highlight_pattern(highlights: Iterable[Highlight], vocabulary: Any) -> HighlightPatterns | None:
    """The patterns of the highlights: each term as any printed word with its stem (`vocabulary.forms`), a
    phrase as its terms in a row, a prefix as the words starting so as printed; None when none can match."""
    patterns = vocabulary.patterns
    if len(patterns) >= MAX_PATTERNS:
        patterns.clear()
    key = tuple((h.kind, h.terms) for h in highlights)
    found = patterns.get(key, patterns)  # (the table itself stands for "not made yet")
    if found is not patterns:
        return found
    ordered = sorted(key, key=lambda item: (item[0] != "phrase", -len(item[1])))
    sources = []
    for kind, terms in ordered:
        if kind == "prefix":
            sources.append(re.escape(terms[0]) + r"[^\W_]*" + _END)
            continue
        words = [vocabulary.forms(term) for term in terms]
        if all(words):
            sources.append(_BETWEEN_WORDS.join(map(_any_of, words)) + _END)
    found = patterns[key] = HighlightPatterns(
        tuple(map(re.compile, sources)), tuple(re.compile(source.encode()) for source in sources)
    ) if sources else None
    return found


def _any_of(forms: list[str]) -> str:
    """Any of a term's printed forms, the letters they share first: an expression that opens with plain
    letters is looked for the way str.find does, instead of being tried at every character of a letter."""
    first, last = min(forms), max(forms)  # what these two share, all between them share
    shared = first[: next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))]
    rest = sorted((form[len(shared) :] for form in forms), key=len, reverse=True)
    return re.escape(shared) + "(?:" + "|".join(map(re.escape, rest)) + ")"


def match_spans(text: str | bytes, patterns: HighlightPatterns | None,
                per_highlight: int | None = MATCHES_PER_HIGHLIGHT, accented: bool | None = None) -> list[Match]:
    """Where the highlights match the text, as whole words and not overlapping, in order: (start, end, which
    highlight), the first `per_highlight` of each highlight, every one for None. `accented`: the text's
    has_accents(), when known. The text may be the UTF-8 of a `plain` one: the places are then in bytes.

    The text is folded and searched a piece at a time, and no further once every highlight has its
    matches: a common word has them in the first page of a long report. A highlight that has them is
    looked for no more, so a rare word in the same query costs one pass of its own.
    """
    if patterns is None:
        return []
    spans: list[Match] = []
    fold: Callable[[Any], Any]
    if isinstance(text, bytes):
        expressions, inside_word, fold = patterns.byte_expressions, _WORD_BYTE.match, bytes.lower
    else:
        expressions, inside_word = patterns.expressions, _WORD_CHARACTER.match
        fold = _folded if accented or (accented is None and has_accents(text)) else str.lower
    searches = [expression.search for expression in expressions]
    cap = len(text) + 1 if per_highlight is None else per_highlight
    kept = [0] * len(searches)
    wanted = list(range(len(searches)))  # the highlights still short of their matches, in order of preference
    start, piece = 0, PIECE_CHARS
    while start < len(text) and wanted:
        # From one character before the piece (is a match's start inside a word?) to OVERLAP_CHARS after
        # it (a match starting in the piece ends in the overlap).
        base, stop = max(0, start - 1), min(len(text), start + piece)
        folded = fold(text[base : min(len(text), stop + OVERLAP_CHARS)])
        at, stop = start - base, stop - base
        cut = base + len(folded) < len(text)
        upcoming = {number: searches[number](folded, at) for number in wanted}
        while True:
            # The leftmost match of any highlight from `at`; where two start at one place, the preferred one.
            best, best_start = -1, stop
            for number in wanted:
                found = upcoming[number]
                if found is not None and found.start() < at:
                    found = upcoming[number] = searches[number](folded, at)
                if found is not None and found.start() < best_start:
                    best, best_start = number, found.start()
            if best < 0:
                break
            first, last = upcoming[best].span()
            if (first and inside_word(folded, first - 1)) or (cut and last == len(folded)):
                at = first + 1
                continue
            at = last
            kept[best] += 1
            spans.append((base + first, base + last, best))
            if kept[best] == cap:
                wanted.remove(best)
                if not wanted:
                    break
        start = base + max(at, stop)
        piece *= GROWTH  # a word not done with in the first piece is rarer: it is read to the end
    return spans


def letter_matches(utf8: bytes, patterns: HighlightPatterns | None, plain: bool) -> tuple[str, list[Match]]:
    """A letter's text read from its UTF-8, and where the highlights match it (the first few of each, as
    match_spans finds them), in characters. `plain`: the text's is_plain(), known beforehand."""
    text = utf8.decode("utf-8")
    if not plain:
        return text, match_spans(text, patterns)
    found = match_spans(utf8, patterns)
    if len(text) == len(utf8):  # all ASCII: a byte is a character
        return text, found
    # Matches start and end at ASCII letters, so each piece between them decodes on its own.
    matches, at, characters = [], 0, 0
    for start, end, highlight in found:
        characters += len(utf8[at:start].decode("utf-8"))
        length = len(utf8[start:end].decode("utf-8"))
        matches.append((characters, characters + length, highlight))
        characters, at = characters + length, end
    return text, matches


def is_plain(utf8: bytes) -> bool:
    """Whether a text's letters and digits are all ASCII (its punctuation need not be): matched as bytes,
    folding it is lower-casing its bytes."""
    return utf8.isascii() or not any(character.isalnum() for character in _NOT_ASCII.findall(utf8.decode("utf-8")))


def has_accents(text: str) -> bool:
    """Whether the text has a letter that folds to another (é, İ): a text without one is folded by lower-casing
    it alone."""
    return not text.isascii() and _ACCENTED.search(text) is not None


def _folded(text: str) -> str:
    """Lower case, accents folded, one character for one (İ alone lowers to two, so it goes first)."""
    return _ACCENTED.sub(lambda accented: _FOLD[accented.group()], text.replace("\u0130", "I").lower())


def _best_window(spans: list[Match], text: str) -> tuple[int, int]:
    """The first and last span index of the window of SNIPPET_CHARS with the most different matches; between
    windows with as many, the one with the rarer highlights (a word found everywhere shows little), then the
    one with the most matches."""
    words = [text[start:end].lower() for start, end, _ in spans]
    found = Counter(highlight for _, _, highlight in spans)
    best = (0, 0)
    best_score: tuple[int, float, int] = (-1, 0.0, -1)
    last = 0
    for first, (start, _, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - start <= SNIPPET_CHARS - LEAD_CHARS:
            last += 1
        rarity = sum(1 / found[highlight] for highlight in {spans[i][2] for i in range(first, last + 1)})
        score = (len(set(words[first : last + 1])), rarity, last + 1 - first)
        if score > best_score:
            best, best_score = (first, last), score
    return best


def make_snippet(text: str, spans: list[Match], patterns: HighlightPatterns | None = None
                 ) -> tuple[str, list[tuple[int, int]]]:
    """The passage that best shows the matches, as plain text, and their spans within it (the opening when
    none). With the `patterns` they came from, every match inside the passage is marked, not only those found
    before each highlight had its MATCHES_PER_HIGHLIGHT."""
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
    if patterns is not None:
        spans = [(found_start + start, found_end + start, highlight) for found_start, found_end, highlight
                 in match_spans(text[start:end], patterns, per_highlight=None)]
        return _passage(text, start, end, spans)
    return _passage(text, start, end, spans[first : last + 1])


def find_spans(text: str, patterns: HighlightPatterns | None) -> list[tuple[int, int]]:
    """Every match of the highlights in the text, in order: what a letter's page marks in its full text."""
    return sorted({(start, end) for start, end, _ in match_spans(text, patterns, per_highlight=None)})


def item_snippet(items: list[str], patterns: HighlightPatterns | None) -> tuple[str, list[tuple[int, int]]] | None:
    """A snippet (text, spans) from the list item (an improvement point) with the most matches; None when none
    matches."""
    best, spans = max(((item, match_spans(item, patterns, per_highlight=None)) for item in items),
                      key=lambda found: len(found[1]), default=("", []))
    return make_snippet(best, spans) if spans else None


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


def _passage(text: str, start: int, end: int, spans: list[Match]) -> tuple[str, list[tuple[int, int]]]:
    """text[start:end] with its runs of white space made one space and "…" where it is cut, and the spans
    inside it moved to match (overlapping or cut-off ones left out)."""
    parts = ["… " if start > 0 else ""]
    length, moved, at = len(parts[0]), [], start
    for span_start, span_end, _ in spans:
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
