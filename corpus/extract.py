"""Text extraction: turns a document's bytes (PDF, HTML or plain text) into the clean text of its letter.

Owns the shape of that text (paragraphs, bullets, header lines), which metadata extraction parses.
"""

from __future__ import annotations

import codecs
import ctypes
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from bs4 import BeautifulSoup

from corpus.casing import lowered
from corpus.documents import Document


class ExtractionError(Exception):
    """A document whose text cannot be taken out; the message names the file and says why."""


def extract_text(document: Document) -> str:
    """The clean text of a document, read as the type its name claims; ExtractionError if it is not.

    The shape is a contract: paragraphs are separated by exactly one blank line and each is one line,
    except the letter header (date, recipient and address, "Dear …"), whose short lines stay lines of
    their own; every bullet item is a paragraph starting with "• "; Ofsted's address block, page numbers,
    running headers and footers, footnotes' places in the text (they follow it) and copyright and
    licence boilerplate are gone.
    """
    media_type = document.media_type
    if media_type == "pdf":
        return _pdf_text(document)
    if media_type == "html":
        return _html_text(document)
    return _plain_text(document)


# --- characters ----------------------------------------------------------------------------------

SOFT_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen that ended a printed line
BULLET = "• "
# Symbols that only ever start a list item; private-use ones come from Wingdings/Symbol fonts.
BULLET_SYMBOLS = frozenset("\uf06e\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf0a8\uf02d◼◾■▪▫□●•◦○➢➤✓∙·")
# Dashes that start a list item only when they cannot be the continuation of a sentence.
BULLET_DASHES = frozenset("-–—−―─⎯\u0336\u0335\u2043")
# Every Unicode space (NBSP, narrow NBSP, thin …) becomes a plain space; zero-width ones vanish; a
# non-breaking hyphen is a hyphen. One table, so a line is read once (this runs for every printed line).
_SPACES = "\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SPACING = str.maketrans({**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_INVISIBLE), "\u2011": "-"})
_RUNS_OF_SPACES = re.compile(r" {2,}")
_NEEDS_SPACING = re.compile(f"[{re.escape(_SPACES + _INVISIBLE)}\u2011]")


def _normalise_spaces(text: str) -> str:
    # translate walks a dict for every character: only lines that need it (a tab is the one ASCII character to change)
    if ("\t" in text) if text.isascii() else _NEEDS_SPACING.search(text):
        text = text.translate(_SPACING)
    return _RUNS_OF_SPACES.sub(" ", text).strip() if "  " in text else text.strip()


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _tidy(paragraphs: list[str]) -> str:
    """Join paragraphs with one blank line, dropping empty ones and symbol-font glyphs left inside lines."""
    kept = []
    for paragraph in paragraphs:
        if not paragraph.isascii():
            paragraph = _PRIVATE_USE.sub("", paragraph.replace("\uf02d", "-"))  # Symbol font's hyphen
        if "\n" in paragraph:  # a header's lines
            paragraph = "\n".join(line for line in map(_normalise_spaces, paragraph.split("\n")) if line)
        else:
            paragraph = _normalise_spaces(paragraph)
        if paragraph:
            kept.append(paragraph)
    return "\n\n".join(kept) + ("\n" if kept else "")


# --- boilerplate ---------------------------------------------------------------------------------

# Lines of Ofsted's own address block (page 1 of letters, back page of reports). A strong line is
# removed wherever it stands; a weak line only next to a removed one, as councils live in Manchester too.
_ADDRESS_STRONG = re.compile(
    r"""^(?:
        piccadilly\ (?:gate|place)(?:\ store\ street)?.*
      | store\ st(?:reet)?\.?(?:\ manchester)?(?:\ m1\ 2wd)?
      | (?:manchester\ )?m1\ 2wd
      | aviation\ house | 125\ kingsway | (?:london\ )?wc2b\ 6se
      | agora | 6\ cumberland\ place | (?:nottingham\ )?ng1\ 6hj
      | royal\ exchange\ buildings | st\ ann[’']s\ square | (?:manchester\ )?m2\ 7la
      | (?:2\ )?rivergate,? | temple\ quay,? | (?:bristol\ )?bs1\ 6eh
      | clive\ house | 70\ petty\ france | (?:london\ )?sw1h\ 9ex
      | (?:direct\ )?(?:t|tel|telephone|f|fax|textphone|minicom)\b[:.]?\ *(?:0[\d\ ]*)?
      | 0161\ 618\ 8524 | 0300\ 123\ 1231 | 0300\ 123\ 4234
      | (?:(?:direct\ )?(?:e|email|e-mail)[:.]?\ *)?[\w.-]+@ofsted(?:\.gov(?:\.uk)?)?\.?
      | (?:(?:w|web|website)[:.]?\ *)?(?:https?://)?www\.(?:gov\.uk[./](?:ofsted|government/organisations/ofsted)|ofsted\.gov\.uk)/?
      | gov\.uk | ofsted\ is\ proud\ to\ use\ recycled\ paper
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def _may_be_address(line: str) -> bool:
    """False for a line _ADDRESS_STRONG cannot match, told quickly: a page's long lines need not try it.

    Its lines are at most 38 characters (a newline included) but four: "Piccadilly Gate …", a phone number
    ("Direct T: 0300 …", ending in a digit or space), an e-mail address ("@") and a web address ("www", "http").
    """
    return (
        len(line) <= 40
        or "@" in line
        or line[:1] in "pPwWhH"
        or (line[:1] in "dDtTfFmM" and (line[-1:].isdecimal() or line[-1:] in " \n"))
    )


_ADDRESS_WEAK = re.compile(r"^(?:(?:\d+ |[,.] ?)?ofsted|manchester|london|nottingham|[\d ]{3,})$", re.IGNORECASE)

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
_BOILERPLATE_LINE = re.compile(r"^(?:©\s*crown copyright\b.*|crown copyright\s*\d{4}\.?)$", re.IGNORECASE)
# The first line of a report's back page (or of its complaints notice): from there down the page is boilerplate.
_BACK_PAGE = re.compile(
    r"^(?:any complaints about the inspection or the report should be made"
    r"|the office for standards in education, children[’']s services and skills\b"
    r"|if you would like a copy of this document in a different format"
    r"|you may re-?use this (?:information|publication|document))",
    re.IGNORECASE,
)
# Paragraphs of the back page and imprint of reports.
_BOILERPLATE_PARAGRAPH = re.compile(
    r"""^(?:
        ©\s*crown\ copyright
      | the\ office\ for\ standards\ in\ education,\ children[’']s\ services\ and\ skills\ \(ofsted\)\ regulates
      | if\ you\ would\ like\ a\ copy\ of\ this\ document\ in\ a\ different\ format
      | you\ may\ re-?use\ this\ (?:information|publication)
      | this\ (?:report|publication|document)\ is\ available\ at
      | interested\ in\ our\ work\?
      | further\ copies\ of\ this\ report
      | this\ document\ may\ be\ reproduced
      | (?:website|web)[:.]?\ *www\.ofsted\.gov\.uk\.?$
      | if\ you\ are\ not\ happy\ with\ the\ inspection\ or\ the\ report,\ you\ can\ complain
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# --- PDF -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    """One printed line (two when pdfium already joined a hyphenated break), with where it sits."""

    text: str
    page: int
    left: float
    right: float
    top_baseline: float
    bottom_baseline: float
    size: float
    bold: bool
    first_word_width: float


def _pdf_text(document: Document) -> str:
    name = document.source
    head = document.content[:1024]
    if b"%PDF" not in head:
        raise ExtractionError(f"{name} is not a PDF: {_describe_non_pdf(document.content)}")
    try:
        pdf = pdfium.PdfDocument(document.content)
    except pdfium.PdfiumError as error:
        raise ExtractionError(f"{name} is a damaged PDF: {_pdfium_reason(error)}") from error
    try:
        pages = [_read_page(pdf, index, name) for index in range(len(pdf))]
    finally:
        pdf.close()
    if not pages:
        raise ExtractionError(f"{name} is a damaged PDF: it has no pages")
    text = _assemble(pages)
    if not text.strip():
        raise ExtractionError(f"{name} has no text layer: it is empty or a scanned image")
    return text


def _read_page(pdf: pdfium.PdfDocument, index: int, name: str) -> list[_Line]:
    # pdfium's own calls: pypdfium2's page objects (a finalizer and weak references each) cost more than a
    # short page's text. They fail as pypdfium2's would, with its words.
    try:
        page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
        if not page:
            raise pdfium.PdfiumError("Failed to load page.")
        try:
            textpage = pdfium_c.FPDFText_LoadPage(page)
            if not textpage:
                raise pdfium.PdfiumError("Failed to load text page.")
            try:
                return _page_lines(textpage, index)
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
        finally:
            pdfium_c.FPDF_ClosePage(page)
    except pdfium.PdfiumError as error:
        reason = _pdfium_reason(error)
        raise ExtractionError(f"{name} is a damaged PDF: page {index + 1} cannot be read ({reason})") from error


def _pdfium_reason(error: Exception) -> str:
    """pdfium's own words, e.g. "Failed to load document (PDFium: Data format error)." → "data format error"."""
    found = re.search(r"PDFium: ([^)]*)", str(error))
    return found.group(1).strip().lower() if found else str(error).strip() or type(error).__name__


def _describe_non_pdf(content: bytes) -> str:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not content.strip():
        return "the file is empty"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        title = BeautifulSoup(content, "html.parser").title
        heading = _normalise_spaces(title.get_text()) if title else ""
        return f"it is an HTML page titled {heading!r}" if heading else "it is an HTML page"
    if head.startswith(b"<"):
        return "it is an XML or HTML file"
    return f"it starts with {content[:16]!r}"


def _unchecked(function: Callable[..., int]) -> Callable[..., int]:
    """The same pdfium function without ctypes' conversion of each argument, which costs twice the call.

    Safe for the calls below, which pass a text page, an int index and pointers, and get an int back.
    """
    unchecked = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.cast(function, ctypes.c_void_p).value)
    unchecked.argtypes = None
    return unchecked


_CHARACTER_CALLS = tuple(
    map(
        _unchecked,
        (
            pdfium_c.FPDFText_GetCharBox,
            pdfium_c.FPDFText_GetCharOrigin,
            pdfium_c.FPDFText_GetLooseCharBox,
            pdfium_c.FPDFText_GetFontWeight,
            pdfium_c.FPDFText_GetCharIndexFromTextIndex,
        ),
    )
)


def _page_text(textpage: pdfium_c.FPDF_TEXTPAGE) -> tuple[str, int]:
    """The page's text as pdfium gives it (PdfTextPage.get_text_range's), and how many characters pdfium counts.

    Text may leave out a character pdfium counts or add one it does not; characters left out at either end
    are not asked for, as pdfium would read beyond them (pypdfium2 issue 261).
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count == -1:
        raise pdfium.PdfiumError("Failed to get character count.")
    first, last = 0, count - 1
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first) == -1:
        first += 1
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last) == -1:
        last -= 1
    if first > last:
        return "", count
    text_first = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)
    text_last = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)
    buffer = (ctypes.c_ushort * (text_last + 2 - text_first))()  # room for the closing NUL
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return codecs.decode(memoryview(buffer)[: written - 1], "utf-16-le", errors="ignore"), count


def _page_lines(textpage: pdfium_c.FPDF_TEXTPAGE, page: int) -> list[_Line]:
    """The page's lines as pdfium orders them, measured from a few characters each (fast: not every one)."""
    text, count = _page_text(textpage)
    aligned = len(text) == count
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    loose = pdfium_c.FS_RECTF()
    # Pointer arguments made once per page, not per call: this runs for every line.
    left_place, right_place, bottom_place, top_place = map(ctypes.byref, (left, right, bottom, top))
    x_place, y_place, loose_place = ctypes.byref(x), ctypes.byref(y), ctypes.byref(loose)
    get_box, get_origin, get_loose_box, get_weight, to_char_index = _CHARACTER_CALLS

    lines = []
    position = 0
    for raw_line in text.split("\r\n"):
        start = position
        position += len(raw_line) + 2
        stripped = raw_line.strip()
        clean = _normalise_spaces(stripped)
        if not clean:
            continue
        leading = 0 if raw_line[0] == stripped[0] else len(raw_line) - len(raw_line.lstrip())
        first = start + leading
        last = first + len(stripped) - 1
        space = raw_line.find(" ", leading)
        word_end = last if space < 0 or start + space > last else start + space - 1
        # Size and height come from the first letter: a leading digit may be a superscript footnote number.
        letter = first
        if not stripped[0].isalpha():
            letter = next((first + i for i, ch in enumerate(stripped) if ch.isalpha()), first)
        if not aligned:
            first, last, word_end, letter = (to_char_index(textpage, i) for i in (first, last, word_end, letter))
        get_box(textpage, first, left_place, right_place, bottom_place, top_place)
        first_left = left.value
        get_box(textpage, word_end, left_place, right_place, bottom_place, top_place)
        word_right = right.value
        if last != word_end:
            get_box(textpage, last, left_place, right_place, bottom_place, top_place)
        line_right = right.value
        get_origin(textpage, letter, x_place, y_place)
        top_baseline = y.value
        get_origin(textpage, last, x_place, y_place)
        # The loose box spans the font's ascent to descent: a size that survives text matrices scaling a
        # 1-point font, where pdfium's font size says 1 for every line.
        get_loose_box(textpage, letter, loose_place)
        bottom_baseline, size, bold = y.value, loose.top - loose.bottom, get_weight(textpage, letter) >= 600
        width = word_right - first_left
        lines.append(_Line(clean, page, first_left, line_right, top_baseline, bottom_baseline, size, bold, width))
    return lines


def _assemble(pages: list[list[_Line]]) -> str:
    pages = [_without_superscripts(_merge_rows(_in_reading_order(_without_address(ls)))) for ls in pages]
    pages = _without_page_furniture(pages)
    lines = [line for page in pages for line in page]
    if not lines:
        return ""
    line_ratio = _median_line_ratio(lines)
    margin = _right_margin(lines)
    body, footnotes = _footnotes_apart(pages, statistics.median(line.size for line in lines))
    paragraphs = _paragraphs(body, _header_end(pages[0]), line_ratio, margin)
    paragraphs += _paragraphs(footnotes, -1, line_ratio, margin)

    hyphenated = _HyphenJudge(" ".join(line.text for line in lines))
    paragraphs = [hyphenated.resolve(paragraph) for paragraph in paragraphs]
    # A number left alone (a contents page's page number, a stray mark) means nothing to a reader.
    paragraphs = [p for p in paragraphs if not _BOILERPLATE_PARAGRAPH.match(p) and not p.strip().isdigit()]
    paragraphs = [_without_footnote_mark(p) for p in paragraphs]
    return _tidy(paragraphs)


_FOOTNOTE_START = re.compile(r"\d{1,2} \S")


def _footnotes_apart(pages: list[list[_Line]], body_size: float) -> tuple[list[_Line], list[_Line]]:
    """The body's lines, and the footnotes from the foot of its pages to go after it.

    A footnote printed between the two halves of a paragraph broken by a page would split it.
    """
    body: list[_Line] = []
    footnotes: list[_Line] = []
    for lines in pages:
        small_from = len(lines)
        while small_from > 1 and lines[small_from - 1].size < 0.85 * body_size:
            small_from -= 1
        first_note = next(
            (i for i in range(small_from, len(lines)) if _FOOTNOTE_START.match(lines[i].text)), len(lines)
        )
        if len(lines) - first_note > 12:  # a page of small print (a table) rather than footnotes
            first_note = len(lines)
        body += lines[:first_note]
        footnotes += lines[first_note:]
    return body, footnotes


def _paragraphs(lines: list[_Line], header_end: int, line_ratio: float, margin: float) -> list[str]:
    """Lines joined into paragraphs; the first `header_end` + 1 lines are a letter's header."""
    paragraphs: list[str] = []
    current = ""
    previous: _Line | None = None
    for number, line in enumerate(lines):
        text, bullet = _without_bullet(line.text)
        if not text:
            continue  # an empty list item: a bullet beside its text is on the same line after _merge_rows
        is_bullet = bool(bullet)
        if bullet == "dash" and previous is not None and not current.startswith(BULLET):
            # A dash opens a list item after a hard break or a colon, else it continues a sentence.
            is_bullet = previous.text.endswith((":", ";")) or _is_break(previous, line, line_ratio, margin, text)
            text = text if is_bullet else line.text
        if previous is None:
            current = text
        elif number <= header_end:
            if _is_paragraph_gap(previous, line, line_ratio) or _starts_own_header_paragraph(previous, line):
                paragraphs.append(current)
                current = text
            else:
                current += "\n" + text
        elif is_bullet or _is_break(previous, line, line_ratio, margin, text):
            paragraphs.append(current)
            current = text
        else:
            current = _join(current, text)
        if is_bullet:
            current = BULLET + current
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _without_address(lines: list[_Line]) -> list[_Line]:
    keys = [line.text for line in lines]
    removed = [_may_be_address(key) and bool(_ADDRESS_STRONG.match(key)) for key in keys]
    # A block headed "Ofsted" is the office's address down to its phone, e-mail or web lines.
    for start, key in enumerate(keys if "Ofsted" in keys else ()):
        if key == "Ofsted":
            end = next((i for i in range(start + 1, min(start + 8, len(keys))) if removed[i]), None)
            if end is not None:
                removed[start:end] = [True] * (end - start)
    changed = any(removed)
    while changed:
        changed = False
        for index, key in enumerate(keys):
            if removed[index] or not _ADDRESS_WEAK.match(key):
                continue
            neighbours = removed[max(index - 1, 0) : index + 2]
            if any(neighbours):
                removed[index] = changed = True
    return [line for line, gone in zip(lines, removed, strict=True) if not gone]


_TRAILING_PAGE_NUMBER = re.compile(r"\s*\b(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)


def _furniture_key(text: str) -> str:
    """A running header or footer's text without the page number that changes from page to page."""
    if text[-1:].isdecimal() or text.endswith("\n"):  # where a page number can end it (\d, then $)
        text = _TRAILING_PAGE_NUMBER.sub("", text)
    return text.strip().lower()


def _edge_lines(lines: list[_Line], depth: int = 3) -> list[int]:
    """Indexes of the lines printed highest and lowest on a page, where headers and footers sit."""
    order = sorted(range(len(lines)), key=[-line.top_baseline for line in lines].__getitem__)
    return order[:depth] + order[-depth:] if len(order) > 2 * depth else order


def _without_page_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers, repeated running headers/footers and copyright lines."""
    edge_lines = [_edge_lines(lines) for lines in pages]
    # Each edge line's key, made once for counting and for dropping.
    edge_keys = [
        {i: _furniture_key(lines[i].text) for i in edge_indexes}
        for lines, edge_indexes in zip(pages, edge_lines, strict=True)
    ]
    seen: Counter[str] = Counter()
    for keys in edge_keys[1:]:
        seen.update(key for key in set(keys.values()) if key)
    enough = max(2, round(0.4 * (len(pages) - 1)))
    running = {key for key, count in seen.items() if count >= enough}

    cleaned = []
    for page, (lines, edge_indexes, keys) in enumerate(zip(pages, edge_lines, edge_keys, strict=True)):
        edges = keys.keys()
        top_of_first_page = set(edge_indexes[:3]) if page == 0 else set()
        back_page_from = next((line.top_baseline for line in lines if _BACK_PAGE.match(line.text)), None)
        page_label = str(page + 1)
        kept = []
        for index, line in enumerate(lines):
            text = line.text
            if back_page_from is not None and line.top_baseline <= back_page_from:
                continue
            if _BOILERPLATE_LINE.match(text):
                continue
            if (index in edges or text == page_label) and _PAGE_NUMBER.match(text):
                continue
            if index in edges and index not in top_of_first_page and keys[index] in running:
                continue
            kept.append(line)
        cleaned.append(kept)
    return cleaned


def _in_reading_order(lines: list[_Line]) -> list[_Line]:
    """Put the page's runs of lines top to bottom: some letters print their header after the body."""
    runs: list[list[_Line]] = []
    for line in lines:
        if runs and line.top_baseline <= runs[-1][-1].bottom_baseline + 1.5 * line.size:
            runs[-1].append(line)
        else:
            runs.append([line])
    runs.sort(key=lambda run: -run[0].top_baseline)
    return [line for run in runs for line in run]


def _merge_rows(lines: list[_Line]) -> list[_Line]:
    """Join pieces pdfium split off one printed line, such as "3" and "rd Floor" around a superscript."""
    merged: list[_Line] = []
    for line in lines:
        last = merged[-1] if merged else None
        if (
            last is not None
            and 0 <= line.left - last.right < 2 * last.size  # first: most lines start left of the last one's end
            and abs(line.top_baseline - last.bottom_baseline) < 0.4 * max(line.size, last.size)
        ):
            glue = "" if line.left - last.right < 0.1 * last.size else " "
            last.text = last.text + glue + line.text
            last.right = line.right
            if line.size > last.size:
                last.size, last.bottom_baseline = line.size, line.bottom_baseline
            continue
        merged.append(line)
    return merged


_MARK = re.compile(r"\d{1,2}")


def _without_superscripts(lines: list[_Line]) -> list[_Line]:
    """Footnote marks printed small: a note's own number joins its text, a mark in running text goes."""
    kept: list[_Line] = []
    for index, line in enumerate(lines):
        if not _MARK.fullmatch(line.text.strip()):
            kept.append(line)
            continue
        neighbours = [near for near in lines[max(index - 1, 0) : index + 2] if near is not line]
        body_size = max((near.size for near in neighbours), default=line.size)
        if line.size >= 0.85 * body_size:
            kept.append(line)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and following.left > line.left
            and abs(following.top_baseline - line.top_baseline) < following.size
        ):
            following.text = f"{line.text.strip()} {following.text}"
            following.left = line.left
    return kept


def _header_end(first_page: list[_Line]) -> int:
    """Index of the "Dear …" line that closes a letter's header, or -1 for a report (no header)."""
    for index, line in enumerate(first_page[:40]):
        if line.text.startswith("Dear "):
            return index
    return -1


_HEADER_DATE = re.compile(r"\d{1,2}(?:st|nd|rd|th)? [A-Z][a-z]+ \d{4}")


def _starts_own_header_paragraph(previous: _Line, line: _Line) -> bool:
    """The letter date and the salutation stand apart from the address lines around them."""
    return any(_HEADER_DATE.fullmatch(text) is not None for text in (previous.text, line.text)) or line.text.startswith(
        "Dear "
    )


def _median_line_ratio(lines: list[_Line]) -> float:
    """The usual distance between baselines of consecutive lines, as a multiple of the font size."""
    ratios = [
        (above.bottom_baseline - below.top_baseline) / below.size
        for above, below in itertools.pairwise(lines)
        if above.page == below.page and below.size > 0 and above.bottom_baseline > below.top_baseline
    ]
    # Capped, as in a short text made of one-line paragraphs most distances are paragraph gaps.
    return min(statistics.median(ratios), 1.5) if ratios else 1.2


def _right_margin(lines: list[_Line]) -> float:
    rights = sorted(line.right for line in lines)
    return rights[round(0.9 * (len(rights) - 1))]


def _is_paragraph_gap(above: _Line, below: _Line, line_ratio: float) -> bool:
    if above.page != below.page:
        return True
    gap = above.bottom_baseline - below.top_baseline
    return gap <= 0 or gap > 1.4 * line_ratio * max(below.size, above.size, 1.0)


def _is_break(above: _Line, below: _Line, line_ratio: float, margin: float, below_text: str) -> bool:
    """Whether a new paragraph starts at `below`, judged from where the two lines sit on the page."""
    if above.page == below.page and _is_paragraph_gap(above, below, line_ratio):
        return True
    if abs(above.size - below.size) > 1.0 or above.bold != below.bold:
        return True
    if above.text.endswith(("-", SOFT_HYPHEN)):
        return False
    # A short unpunctuated line after a finished sentence is a heading, even without space around it.
    if (
        above.text.endswith((".", "!", "?"))
        and below_text[:1].isupper()
        and below_text[-1:].isalnum()
        and below.right - below.left < 0.6 * (margin - below.left)
    ):
        return True
    # A sentence running on in lower case is one paragraph, whatever the line lengths (a table cell wraps short).
    if below_text[:1].islower() and not above.text.endswith((".", ":", ";", "!", "?")):
        return False
    # A line that stopped short of the margin although the next word would have fitted ended its paragraph.
    space = 0.3 * below.size
    return above.right + space + below.first_word_width < margin - 0.2 * below.size


def _without_bullet(text: str) -> tuple[str, str]:
    """The line without its bullet, and what the bullet was: "symbol", "dash" or "" for none."""
    first = text[:1]
    if first in BULLET_SYMBOLS:
        return text[1:].lstrip(), "symbol"
    if first in BULLET_DASHES and (text[1:2] == " " or first in "\u0336\u0335"):
        return text[1:].lstrip(), "dash"
    return text, ""


def _join(paragraph: str, text: str) -> str:
    if paragraph.endswith("-") and text[:1].isalpha() and not paragraph.endswith(" -"):
        return paragraph[:-1] + SOFT_HYPHEN + text
    return paragraph + " " + text


_HEADING_MARK = re.compile(r"(?<=[a-z?])\d$")


def _without_footnote_mark(paragraph: str) -> str:
    """A heading's footnote digit ("Main findings1") is not part of its words."""
    if len(paragraph) <= 90 and "\n" not in paragraph and not paragraph.endswith("."):
        return _HEADING_MARK.sub("", paragraph)
    return paragraph


class _HyphenJudge:
    """Decides, for each hyphen that ended a printed line, whether the word keeps it.

    Ofsted's writers use hyphenated compounds (decision-making, Stockton-on-Tees) far more than
    word processors split words, so the hyphen stays unless the same document spells the word whole.
    """

    _WORD = re.compile(r"[\w’']+(?:-[\w’']+)*")
    # A word starting here, not the rest of one that started earlier ("decision-making" holds no word "making").
    _WORD_HERE = re.compile(r"(?<![\w’'])(?<![\w’']-)" + _WORD.pattern)
    _WORD_CHARACTER = re.compile(r"[\w’'-]")

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _lowered(self) -> str | None:
        return lowered(self.text)

    @cached_property
    def _words(self) -> set[str]:
        return set(map(str.lower, self._WORD.findall(self.text)))

    def _has_word(self, word: str) -> bool:
        """Whether the text spells `word` (lower case) as a whole word of its own.

        Only the few words a line break split are asked about: looking each up costs far less than listing
        every word of the text.
        """
        text = self._lowered
        if text is None:
            return word in self._words
        start = text.find(word)
        while start >= 0:
            found = self._WORD_HERE.match(text, start)
            if found and found.end() == start + len(word):
                return True
            start = text.find(word, start + 1)
        return False

    def resolve(self, paragraph: str) -> str:
        """The paragraph with each line-break hyphen decided from the word characters on either side of it.

        Walks out from each mark: a pattern for the characters around it would try every position of the
        paragraph, and backtrack over every word, to find the few marks.
        """
        pieces = []
        done = 0  # the paragraph is copied up to here; a word decided before ends here
        mark = paragraph.find(SOFT_HYPHEN)
        while mark >= 0:
            start, end = mark, mark + 1
            while start > done and self._WORD_CHARACTER.match(paragraph, start - 1):
                start -= 1
            while self._WORD_CHARACTER.match(paragraph, end):
                end += 1
            pieces += (paragraph[done:start], self._decide(paragraph[start:mark], paragraph[mark + 1 : end]))
            done = end
            mark = paragraph.find(SOFT_HYPHEN, done)
        return "".join(pieces) + paragraph[done:] if pieces else paragraph

    def _decide(self, before: str, after: str) -> str:
        head = before.rsplit("-", 1)[-1]
        tail = after.split("-", 1)[0]
        if tail.lower() in {"and", "or", "to", "nor"} and after == tail:
            return f"{before}- {after}"  # "short- and long-term" printed across a line break
        if "-" in before or not head.isalpha() or not tail[:1].islower():
            return f"{before}-{after}"
        whole = (head + tail).lower()
        if self._has_word(whole) and not self._has_word(f"{head}-{tail}".lower()):
            return before + after
        return f"{before}-{after}"


# --- HTML and plain text -------------------------------------------------------------------------

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)
_NOT_TEXT = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "form", "button", "iframe", "head"}
)


def _html_text(document: Document) -> str:
    name = document.source
    head = document.content[:1024].lstrip()
    if head.startswith(b"%PDF"):
        raise ExtractionError(f"{name} is not an HTML page: it is a PDF")
    soup = BeautifulSoup(document.content, "html.parser")
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article") or soup.body or soup
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        paragraphs.append("".join(current))
        current.clear()

    def walk(node) -> None:
        for child in node.children:
            child_name = getattr(child, "name", None)
            if child_name is None:
                if type(child).__name__ in {"Comment", "Doctype", "Declaration", "ProcessingInstruction"}:
                    continue
                current.append(re.sub(r"\s+", " ", str(child)))
            elif child_name in _NOT_TEXT:
                continue
            elif child_name == "br":
                current.append("\n")
            elif child_name in _BLOCKS:
                flush()
                if child_name == "li":
                    current.append(BULLET)
                walk(child)
                flush()
            else:
                walk(child)

    walk(main)
    flush()
    text = _tidy(paragraphs)
    if not text:
        raise ExtractionError(f"{name} has no text: the HTML page is empty")
    return text


def _plain_text(document: Document) -> str:
    head = document.content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"%pdf", b"<!doctype html", b"<html")):
        kind = "a PDF" if head.startswith(b"%pdf") else "an HTML page"
        raise ExtractionError(f"{document.source} is not plain text: it is {kind}")
    try:
        text = document.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = document.content.decode("cp1252", errors="replace")
    # Plain text goes through the same cleaning as a PDF, each character one unit wide and each line
    # one unit high, so blank lines and short lines mark paragraphs as gaps and ragged edges do on paper.
    pages = []
    for page, page_text in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\f")):
        lines = []
        for row, line in enumerate(page_text.split("\n")):
            stripped = _normalise_spaces(line)
            if stripped:
                first_word = stripped.split(" ", 1)[0]
                lines.append(_Line(stripped, page, 0, len(stripped), -row, -row, 1.0, False, len(first_word)))
        pages.append(lines)
    return _assemble(pages)
