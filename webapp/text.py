"""A letter's text as HTML: paragraphs, bullet lists and short headings, with a search's words marked.

Text is escaped piece by piece before any <mark> goes in, so nothing in a letter can become markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from indexer.analysis import folded, term_for, words
from indexer.querylang import parse_query

BLANK_LINE = re.compile(r"\n[ \t]*\n")
BULLET = re.compile(r"^\s*[•◼\uf06e▪●]\s*")
SALUTATION = re.compile(r"^Dear\b", re.M)
HEADING_MAX_WORDS = 10
SHORT_LINE = 60  # characters: lines no longer than this in a block are an address's, not prose

class Marker:
    """Finds the words a search matched, analysed as the index analyses them: "permanence" marks
    "permanency", "Maire" marks "Máire", "safeguard*" marks "safeguarding", and a quoted phrase
    marks only its words in a row. Negated words are left unmarked."""

    def __init__(self, query: str) -> None:
        highlights = parse_query(query).highlights if query else []
        self.phrases = [found.terms for found in highlights if found.kind == "phrase"]
        self.terms = {term for found in highlights if found.kind == "term" for term in found.terms}
        self.prefixes = tuple(term for found in highlights if found.kind == "prefix"
                              for term in found.terms)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.terms or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = list(words(text))
        terms = [term_for(match.group()) for match in found]
        spans, at = [], 0
        while at < len(found):
            length = self._length_at(terms, found, at)
            if length:
                spans.append((found[at].start(), found[at + length - 1].end()))
            at += length or 1
        return spans

    def _length_at(self, terms: list[str], found: list[re.Match[str]], at: int) -> int:
        for phrase in self.phrases:
            if tuple(terms[at:at + len(phrase)]) == phrase:
                return len(phrase)
        if terms[at] in self.terms:
            return 1
        if self.prefixes and (terms[at].startswith(self.prefixes)
                              or folded(found[at].group()).startswith(self.prefixes)):
            return 1
        return 0


def mark(text: str, marker: Marker | None) -> Markup:
    """`text` escaped, with each match of the search inside <mark>."""
    if not marker:
        return escape(text)
    pieces, last = [], 0
    for start, end in marker.spans(text):
        pieces += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]),
                   Markup("</mark>")]
        last = end
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def letter_html(text: str, query: str = "") -> Markup:
    """The letter's text as paragraphs, lists of its bullets, and bold lines for its headings."""
    marker = Marker(query)
    text = text.replace("\r\n", "\n").strip()
    # Above a letter's salutation come the date and the recipient's address: no headings there.
    headings = not SALUTATION.search(text)
    rendered: list[Markup] = []
    bullets: list[str] = []  # a list goes on across blank lines between its bullets

    def end_list() -> None:
        if bullets:
            items = Markup("").join(Markup("<li>{}</li>").format(mark(item, marker))
                                    for item in bullets)
            rendered.append(Markup('<ul class="letter-text__list">{}</ul>').format(items))
            bullets.clear()

    for block in BLANK_LINE.split(text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for bullet, content in _pieces(lines):
            if bullet:
                bullets.append(content[0])
            else:
                end_list()
                rendered.append(_paragraph(content, marker, headings))
        headings = headings or bool(lines and SALUTATION.match(lines[0]))
    end_list()
    return Markup("\n").join(rendered)


def _pieces(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """A block's runs of lines: (True, [bullet text]) for each bullet, (False, lines) for prose."""
    pieces: list[tuple[bool, list[str]]] = []
    for line in lines:
        if BULLET.match(line):
            pieces.append((True, [BULLET.sub("", line)]))
        elif pieces and pieces[-1][0] and line[:1].islower():
            pieces[-1][1][0] += " " + line  # a bullet wrapped onto a second line
        elif pieces and not pieces[-1][0]:
            pieces[-1][1].append(line)
        else:
            pieces.append((False, [line]))
    return pieces


def _paragraph(lines: list[str], marker: Marker, headings: bool) -> Markup:
    """Prose as one paragraph; short lines (an address, a signature) keep their breaks."""
    if headings and _looks_like_heading(lines):
        return Markup('<p class="letter-text__heading">{}</p>').format(mark(lines[0], marker))
    if len(lines) > 1 and all(len(line) <= SHORT_LINE for line in lines):
        return Markup('<p class="letter-text__para">{}</p>').format(
            Markup("<br>").join(mark(line, marker) for line in lines))
    return Markup('<p class="letter-text__para">{}</p>').format(mark(" ".join(lines), marker))


def _looks_like_heading(lines: list[str]) -> bool:
    line = lines[0]
    return (len(lines) == 1 and line[:1].isupper() and line[-1:] not in ".,;:"
            and len(line.split()) <= HEADING_MAX_WORDS and not any(ch.isdigit() for ch in line))
