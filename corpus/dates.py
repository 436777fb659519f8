"""Dates as Ofsted prints them: one date in any printed shape, a letter's own date, a visit's first and last day.

Parsers take text as printed (raw or cleaned), treat any whitespace run as a space, and give None, never a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from corpus.casing import each_case, in_order

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![a-z])"
)
_WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+"
)
_DAY = r"(?:[0-3]?\d)(?:\s?(?:st|nd|rd|th)\b)?"
_YEAR = r"(?:19|20)\d\d"
_NUMERIC = r"[0-3]?\d/[01]?\d/(?:\d\d){1,2}"

# One printed date: "Tuesday 17 May 2023", "the 15th of May 2018", "18 Feb 2014", "17 May", "12/09/2016".
ONE_DATE = re.compile(
    rf"(?<![\d/])(?:(?:{_WEEKDAY})?(?:the\s+)?(?P<day>{_DAY})(?:\s+of)?\s+(?P<month>{MONTH})"
    rf"(?:,?\s+(?P<year>{_YEAR}))?(?!\d)|(?P<numeric>{_NUMERIC}))(?![\d/])",
    re.IGNORECASE,
)

# The words and marks that join the days of one visit: "and", "to", "until", dashes, commas.
_JOIN = r"(?:\s*,?\s*(?:and|to|until|till|through|&|[-–—─‒]+)\s*|\s*,\s*)"
_ITEM = rf"(?:{_WEEKDAY})?(?:the\s+)?(?:{_NUMERIC}|{_DAY}(?:\s+of)?(?:\s+{MONTH}(?:,?\s+{_YEAR})?)?)"
_LAST_ITEM = rf"(?:{_WEEKDAY})?(?:the\s+)?(?:{_NUMERIC}|{_DAY}(?:\s+of)?\s+{MONTH}(?:,?\s+{_YEAR})?)"
# A run of days that ends in a month: "15, 16 and 21 July 2025", "29 and 30 September, and 1 October 2020".
_RANGE = re.compile(rf"(?<![\d/])(?:{_ITEM}{_JOIN})*{_LAST_ITEM}(?![\d/])", re.IGNORECASE)

_ITEM_PARTS = re.compile(
    rf"(?P<numeric>{_NUMERIC})|(?P<day>{_DAY})(?:\s+of)?(?:\s+(?P<month>{MONTH})(?:,?\s+(?P<year>{_YEAR}))?)?",
    re.IGNORECASE,
)

# Any character but a full stop; the stop of "St. Helens" or "Dr. Ann Example" does not end a sentence.
_IN_SENTENCE = r"(?:[^.]|(?<=\bSt)\.|(?<=\bDr)\.|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.)"

# Where a letter or report states its visit, each cue with whether it is prose (a header's dates are this visit's):
# a header, or the words that lead into the dates in prose. A cue's patterns are read as one (casing.in_order); a
# header's are split by their first letter's case (casing.each_case), for a fast scan of the whole text.
_VISIT_CUES = (
    (False, each_case("i", r"nspection\s+dates?\s*:?\s*")),
    (False, each_case("d", r"ates?\s+of\s+(?:the\s+)?(?:inspection|visit)\s*:?\s*")),
    (
        True,
        (
            re.compile(
                rf"(?:visit|inspection|inspected|meeting\s+with{_IN_SENTENCE}{{0,200}}?|"
                rf"met\s+with{_IN_SENTENCE}{{0,200}}?|thank\s+you|took\s+place|carried\s+out|undertaken|conducted)"
                rf"{_IN_SENTENCE}{{0,250}}?\b(?:on|between|from|during)\s+(?:the\s+)?(?=\d|{_WEEKDAY})",
                re.IGNORECASE,
            ),
        ),
    ),
    # Joint inspections open with the period: "Between 11 and 15 March 2019, Ofsted, the CQC and ...".
    (True, (re.compile(r"(?:^|(?<=[.\n]))\s*(?:Between|From|During)\s+(?:the\s+)?(?=\d)", re.IGNORECASE),)),
)

# Dates of something else than this visit: an earlier inspection, a report's publication, a judgement.
_OTHER_EVENT = re.compile(r"\b(?:previous|last|earlier|prior|published|judged|dated|report)\b", re.IGNORECASE)

# The longest a single inspection lasts, two periods joined by "and" included.
MAX_VISIT_DAYS = 92


# "Dear Ms X", "Dear Martin": where a letter's header ends (on its own line in clean text, maybe not in raw).
# Led by its literal word (the check that a space or the start comes before follows it): a fast scan.
SALUTATION = re.compile(r"Dear(?<!\SDear)\s+(?=[A-ZÀ-Þ])")

_LETTERHEAD_PLACES = ("Piccadilly Gate", "Aviation House", "Agora")
# Ofsted's address block, which raw PDF text interleaves into page 1, even mid-sentence.
_LETTERHEAD = re.compile(
    rf"(?:\bOfsted )?\b(?:{'|'.join(_LETTERHEAD_PLACES)})\b.{{0,220}}?"
    r"(?:www\.gov\.uk/ofsted|www\.ofsted\.gov\.uk)\S*\s?"
)

# A day whose digits came apart: "1 9 June".
_SPLIT_DAY = re.compile(rf"([0-3])(?<!\w[0-3]) (\d) (?={MONTH})", re.IGNORECASE)
# Whether a text has one at all (most have none), asked of one pattern per first digit, each led by its literal digit
# (the word boundary before it checked after it): a scan several times faster than for a choice of four digits.
_SPLIT_DAY_BY_DIGIT = tuple(re.compile(rf"{digit}(?<!\w{digit}) (\d) (?={MONTH})", re.IGNORECASE) for digit in "0123")


def single_spaced(text: str) -> str:
    """One line: every whitespace run, line breaks included, becomes one space (at either end too)."""
    # Extracted text breaks lines with "\n" and paragraphs with "\n\n", and mostly has no other whitespace than
    # single spaces. Where replacing those breaks leaves no double space and nothing unprintable (every whitespace
    # character but the space is), every run has become one space: the same line, made several times faster.
    flat = text.replace("\n\n", " ").replace("\n", " ")
    if "  " not in flat and flat.isprintable():
        return flat
    words = text.split()  # str.split and the regex \s know the same whitespace
    flat = " ".join(words)
    if words and text[0].isspace():
        flat = " " + flat
    if text[-1:].isspace():
        flat += " "
    return flat


# Cached: every metadata parser flattens the same whole text, and a letter's text is ~30 kB.
@lru_cache(maxsize=16)
def normalise(text: str) -> str:
    """One line: whitespace runs become a space, Ofsted's address block goes, split day digits ("1 9 June") join."""
    flat = single_spaced(text)
    # Every address block names one of the places and an address on gov.uk: looks that spare most texts its pattern.
    if "gov.uk" in flat and any(place in flat for place in _LETTERHEAD_PLACES):
        flat = _LETTERHEAD.sub("", flat)
    if any(split_day.search(flat) for split_day in _SPLIT_DAY_BY_DIGIT):
        flat = _SPLIT_DAY.sub(r"\1\2 ", flat)
    return flat


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or _MONTH_ABBREVIATIONS[name]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_date(printed: str) -> date | None:
    day, month, year = (int(part) for part in printed.split("/"))
    if year < 100:
        year += 2000
    return _safe_date(year, month, day)


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The first date printed in `text`; a date printed without a year takes `default_year`, else None."""
    match = ONE_DATE.search(normalise(text))
    if not match:
        return None
    if match["numeric"]:
        return _numeric_date(match["numeric"])
    day = int(re.match(r"\d+", match["day"]).group())
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        return None
    return _safe_date(year, _month_number(match["month"]), day)


# "Published: 3 May 2024", "Report published on …": where the date starts. ("Report" before it moves no date.)
# Split by its first letter's case (casing.each_case), for a fast scan of the whole text.
_PUBLISHED = each_case("p", r"(?<!\w.)ublished\s*:?\s*(?:on\s+)?")


def find_letter_date(text: str) -> date | None:
    """The letter's own date: a date alone on a line before "Dear"; for reports, the publication date printed."""
    head = SALUTATION.split(text, maxsplit=1)
    if len(head) == 2:
        # Raw PDF text may print page 1's header block after the salutation, so look on page 1 too.
        first_page = text.split("\f", 1)[0][:5000]
        for line in [*head[0].splitlines(), *first_page.splitlines()]:
            line = re.sub(r"^\s*Date\s*:?\s*", "", line).strip().rstrip(".,")
            match = ONE_DATE.fullmatch(normalise(line))
            if match and (match["year"] or match["numeric"]):
                return parse_date(line)
    published = next(in_order(_PUBLISHED, text), None)
    if published:
        found = ONE_DATE.match(normalise(text[published.end() : published.end() + 60]))
        if found and (found["year"] or found["numeric"]):
            return parse_date(found.group())
    return None


def _days_of(run: str) -> list[tuple[int, int, int | None, bool]] | None:
    """(day, month, year, year printed?) of every day in a run; a day lacking month or year takes the next one's."""
    days: list[list] = []
    for part in _ITEM_PARTS.finditer(run):
        if part["numeric"]:
            found = _numeric_date(part["numeric"])
            if not found:
                return None
            days.append([found.day, found.month, found.year])
        else:
            month = _month_number(part["month"]) if part["month"] else None
            year = int(part["year"]) if part["year"] else None
            days.append([int(re.match(r"\d+", part["day"]).group()), month, year])
    if not days or days[-1][1] is None:
        return None
    filled = []
    month = year = None
    for day, printed_month, printed_year in reversed(days):
        month = printed_month or month
        year = printed_year or year
        filled.append((day, month, year, printed_year is not None))
    return filled[::-1]


def _with_year(day: int, month: int, year: int | None, letter_date: date | None) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    if letter_date is None:
        return None
    # A visit precedes its letter: a December visit in a January letter was the year before.
    found = _safe_date(letter_date.year, month, day)
    if found and found > letter_date:
        found = _safe_date(letter_date.year - 1, month, day)
    return found


def _period(run: str, letter_date: date | None) -> tuple[date, date] | None:
    days = _days_of(run)
    if not days:
        return None
    (first_day, first_month, first_year, first_printed) = days[0]
    (last_day, last_month, last_year, _) = days[-1]
    start = _with_year(first_day, first_month, first_year, letter_date)
    end = _with_year(last_day, last_month, last_year, letter_date)
    if start is None or end is None:
        return None
    if start > end and not first_printed:
        # "29 December to 2 January 2020": the year printed once belongs to the end.
        start = _safe_date(start.year - 1, start.month, start.day)
        if start is None:
            return None
    return _sensible(start, end, letter_date)


def _sensible(start: date, end: date, letter_date: date | None) -> tuple[date, date] | None:
    """The period as printed, or with one mistyped year repaired; None when no repair gives a short visit.

    "24 October 2022 to 25 October 2023": one year is a slip. Without a letter date the end moves into the start's
    year; with one, the repair whose visit ends nearest before the letter wins (visits precede their letters).
    """
    if timedelta(0) <= end - start <= timedelta(days=MAX_VISIT_DAYS):
        return start, end
    repairs = [(start, _safe_date(year, end.month, end.day)) for year in (start.year, start.year + 1)] + [
        (_safe_date(year, start.month, start.day), end) for year in (end.year, end.year - 1)
    ]
    short = [
        (first, last)
        for first, last in repairs
        if first and last and timedelta(0) <= last - first <= timedelta(days=MAX_VISIT_DAYS)
    ]
    if letter_date:
        before_letter = [period for period in short if period[1] <= letter_date]
        if before_letter:
            return max(before_letter, key=lambda period: period[1])
    return short[0] if short else None


def find_visit_dates(text: str, letter_date: date | None = None) -> tuple[date, date] | None:
    """The first and last day of the visit or inspection the text reports, or None when none is printed.

    Days printed without a year take it from `letter_date` (the visit precedes the letter).
    """
    flat = normalise(text)
    for in_prose, cue in _VISIT_CUES:
        for found in in_order(cue, flat):
            if in_prose and _OTHER_EVENT.search(flat, max(0, found.start() - 30), found.end()):
                continue
            run = _RANGE.match(flat, found.end())
            if run:
                period = _period(run.group(), letter_date)
                if period:
                    return period
    return None
