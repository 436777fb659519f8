"""Dates as Ofsted prints them: one date in any printed shape, a letter's own date, and a visit's first and last day.

Every parser takes text as printed (raw PDF text or cleaned), treats any whitespace run as a space, and returns None rather than a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                        "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![a-z])"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUMERIC = r"[0-3]?\d/[01]?\d/(?:\d\d){1,2}"

# One printed date: "Tuesday 17 May 2023", "the 15th of May 2018", "18 Feb 2014", "17 May", "12/09/2016".
_ONE_DATE = re.compile(
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

# Where a letter or report states its visit: a header, or the words that lead into the dates in prose.
_VISIT_CUES = (
    re.compile(r"inspection\s+dates?\s*:?\s*", re.IGNORECASE),
    re.compile(r"dates?\s+of\s+(?:the\s+)?(?:inspection|visit)\s*:?\s*", re.IGNORECASE),
    re.compile(
        r"(?:visit|inspection|inspected|meeting\s+with[^.]{0,200}?|met\s+with[^.]{0,200}?|took\s+place|"
        r"carried\s+out|undertaken|conducted)[^.]{0,250}?\b(?:on|between|from|during)\s+(?:the\s+)?(?=\d)",
        re.IGNORECASE,
    ),
)

# The longest a single inspection lasts, two periods joined by "and" included.
MAX_VISIT_DAYS = 92


def normalise(text: str) -> str:
    """Any whitespace run becomes one space; digits split by a space inside a day ("1 9 June") are joined."""
    text = re.sub(r"[\s\u00a0\u2009\u202f]+", " ", text)
    return re.sub(rf"\b([0-3]) (\d) (?={MONTH})", r"\1\2 ", text, flags=re.IGNORECASE)


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
    match = _ONE_DATE.search(normalise(text))
    if not match:
        return None
    if match["numeric"]:
        return _numeric_date(match["numeric"])
    day = int(re.match(r"\d+", match["day"]).group())
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        return None
    return _safe_date(year, _month_number(match["month"]), day)


def find_letter_date(text: str) -> date | None:
    """The letter's own date: a date alone on a line before "Dear"; for reports, the publication date printed."""
    head = re.split(r"^\s*Dear\b", text, maxsplit=1, flags=re.MULTILINE)
    if len(head) == 2:
        for line in head[0].splitlines():
            line = line.strip().rstrip(".,")
            match = _ONE_DATE.fullmatch(normalise(line))
            if match and (match["year"] or match["numeric"]):
                return parse_date(line)
    published = re.search(r"\b(?:Report\s+)?published\s*:?\s*(?:on\s+)?", text, re.IGNORECASE)
    if published:
        found = _ONE_DATE.match(normalise(text[published.end():published.end() + 60]))
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
    return _sensible(start, end)


def _sensible(start: date, end: date) -> tuple[date, date] | None:
    """The period, its end moved into the start's year when a printed year is a slip; None when still absurd."""
    if timedelta(0) <= end - start <= timedelta(days=MAX_VISIT_DAYS):
        return start, end
    for year in (start.year, start.year + 1):
        repaired = _safe_date(year, end.month, end.day)
        if repaired and timedelta(0) <= repaired - start <= timedelta(days=MAX_VISIT_DAYS):
            return start, repaired
    return None


def find_visit_dates(text: str, letter_date: date | None = None) -> tuple[date, date] | None:
    """The first and last day of the visit or inspection the text reports, or None when none is printed.

    Days printed without a year take it from `letter_date` (the visit precedes the letter).
    """
    flat = normalise(text)
    for cue in _VISIT_CUES:
        for found in cue.finditer(flat):
            run = _RANGE.match(flat, found.end())
            if run:
                period = _period(run.group(), letter_date)
                if period:
                    return period
    return None
