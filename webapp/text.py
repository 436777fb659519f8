"""A letter's text as HTML: paragraphs, bullet lists and short headings, with a search's words marked.

Text is escaped piece by piece before any <mark> goes in, so nothing in a letter can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from markupsafe import Markup

from indexer import Hit
from indexer.snippets import marked_html

BLANK_LINE = re.compile(r"\n[ \t]*\n")
BULLET = re.compile(r"^\s*[•◼\uf06e▪●]\s*")
SALUTATION = re.compile(r"^Dear\b", re.M)
HEADING_MAX_WORDS = 10
SHORT_LINE = 60  # characters: lines no longer than this in a block are an address's, not prose

def mark(text: str, spans: Iterable[tuple[int, int]] = ()) -> Markup:
    """`text` escaped, with each span inside <mark>: the one highlighter of snippets and letters' text."""
    return Markup(marked_html(text, spans))


def marked_snippet(hit: Hit) -> Markup:
    """A hit's snippet with its matches marked."""
    return mark(hit.snippet_text, hit.snippet_spans)


def letter_html(text: str, matches: Callable[[str], list[tuple[int, int]]] | None = None) -> Markup:
    """The letter's text as paragraphs, lists of its bullets, and bold lines for its headings, with what
    `matches` finds in each piece marked (LetterIndex.highlighter(query): "permanence" marks "permanency", a
    phrase only its words in a row; negated words stay unmarked)."""

    def marked(piece: str) -> Markup:
        return mark(piece, matches(piece) if matches else ())

    text = text.replace("\r\n", "\n").strip()
    # Above a letter's salutation come the date and the recipient's address: no headings there.
    headings = not SALUTATION.search(text)
    rendered: list[Markup] = []
    bullets: list[str] = []  # a list goes on across blank lines between its bullets

    def end_list() -> None:
        if bullets:
            items = Markup("").join(Markup("<li>{}</li>").format(marked(item))
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
                rendered.append(_paragraph(content, marked, headings))
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


def _paragraph(lines: list[str], marked: Callable[[str], Markup], headings: bool) -> Markup:
    """Prose as one paragraph; short lines (an address, a signature) keep their breaks."""
    if headings and _looks_like_heading(lines):
        return Markup('<p class="letter-text__heading">{}</p>').format(marked(lines[0]))
    if len(lines) > 1 and all(len(line) <= SHORT_LINE for line in lines):
        return Markup('<p class="letter-text__para">{}</p>').format(
            Markup("<br>").join(marked(line) for line in lines))
    return Markup('<p class="letter-text__para">{}</p>').format(marked(" ".join(lines)))


def _looks_like_heading(lines: list[str]) -> bool:
    line = lines[0]
    return (len(lines) == 1 and line[:1].isupper() and line[-1:] not in ".,;:"
            and len(line.split()) <= HEADING_MAX_WORDS and not any(ch.isdigit() for ch in line))
