"""How values read on a page: dates in words, visit date ranges, counts; registered as Jinja filters.

Templates stay dumb by calling these instead of formatting in place.
"""

from __future__ import annotations

from datetime import date

from flask import Flask

from corpus.letters import UNTITLED


def long_date(value: date | str | None) -> str:
    """17 May 2023; '' for no date."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def date_range(start: date | str | None, end: date | str | None) -> str:
    """17 to 18 May 2023, 31 July to 1 August 2019, 30 December 2019 to 2 January 2020."""
    if isinstance(start, str):
        start = date.fromisoformat(start)
    if isinstance(end, str):
        end = date.fromisoformat(end)
    if not start:
        return long_date(end)
    if not end or end == start:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} to {long_date(end)}"
    return f"{long_date(start)} to {long_date(end)}"


def external_url(value: str | None) -> str | None:
    """The address when it is a web address (http or https) and so safe to link to; else None."""
    return value if value and value.lower().startswith(("https://", "http://")) else None


def shown_title(title: str | None) -> str:
    """A document's title, or words saying it has none: never its id."""
    return title or UNTITLED


def number(value: int) -> str:
    return f"{value:,}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 letter', '2,013 letters'."""
    word = singular if count == 1 else plural_form or f"{singular}s"
    return f"{count:,} {word}"


def init_app(app: Flask) -> None:
    from webapp.text import marked_snippet

    app.add_template_filter(marked_snippet)
    app.add_template_filter(long_date)
    app.add_template_filter(date_range)
    app.add_template_filter(number)
    app.add_template_filter(shown_title)
    app.add_template_filter(plural)
