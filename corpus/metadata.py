"""Metadata extraction: a letter's or report's fields (title, authority, type, dates, people, focus) from its text.

Each field comes with its origin; the file name only fills fields the text leaves empty, and nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from typing import Any

from corpus import dates, people
from corpus.casing import in_order
from corpus.findings import FOCUS_CUES, find_findings, opening
from corpus.gazetteer import find_authority
from corpus.letters import FIELDS, Found
from corpus.visittypes import (
    ANNUAL,
    BY_NAME,
    FOCUSED,
    INSPECTION,
    JTAI,
    MONITORING,
    OTHER,
    REPORTS,
    SEND,
    type_named_in,
)


def visit_type_from_label(label: str) -> str:
    """The visit type a site label names ("Children's services focused visit, pdf - 11 May 2018"); else "Other"."""
    words = " ".join(label.split())
    words = re.sub(r",?\s*(?:as\s+)?pdf\b.*$", "", words, flags=re.IGNORECASE)
    return type_named_in(words) or OTHER


# A title line's first words: the kinds of document this project reads.
_TITLE_START = re.compile(
    r"^[ \t]*(?:(?:ofsted |re:? )?focuss?ed visit to|monitoring visit\b|joint targeted area inspection|"
    r"(?:joint )?(?:local )?area (?:send|special educational needs)|"
    r"(?:(?:annual )?unannounced |re-? ?)?inspection of|review of the effectiveness|annual engagement meeting)",
    re.IGNORECASE | re.MULTILINE,
)
# Where a title ends ("… children's services", "… Local Area Partnership", a trust's name).
_TITLE_END = re.compile(
    r"children[’']?s (?:social care )?services\b|local area partnership\b|care leavers\b|"
    r"children[’']?s (?:services )?trust\b|families trust\b|children first\b|"
    r"safeguarding children board\b|looked after children services\b|protection of children\b",
    re.IGNORECASE,
)
# Lines that start what follows a title, never its continuation.
_AFTER_TITLE = re.compile(
    r"^(?:this|the|these|between|from|on|dear|inspection dates?|lead inspectors?|report published|"
    r"published|judgement|dates? of|inspection outcome|ofsted|her|his|since|overview|summary|"
    r"headline|information|\d)\b",
    re.IGNORECASE,
)
_HEAD_CHARS = 4000


def find_title(text: str) -> str | None:
    """The document's title line, its wrapped lines joined: "Focused visit to X children's services", …"""
    head = text[:_HEAD_CHARS]
    # A title is capitalised; a sentence wrapped at "inspection of" or "monitoring visit" is not.
    start = next((m for m in _TITLE_START.finditer(head) if m.group(0).strip()[0].isupper()), None)
    if not start:
        return None
    lines = head[start.start():].splitlines()
    title = ""
    for number, line in enumerate(lines[:5]):
        line = " ".join(line.split())
        if number and (not line or _AFTER_TITLE.match(line)):
            break
        title = f"{title} {line}".strip()
        end = _TITLE_END.search(title)
        if end:
            title = title[: end.end()]
            break
        if title.endswith("."):
            break
    return title.replace("\ufffe", "-").rstrip(".") or None


# Without a title, a letter's opening words (or a report's header) still say what kind of document it is.
_LETTER_OPENINGS = (
    (FOCUSED, re.compile(r"findings of (?:a|the|our) focuss?ed visit", re.IGNORECASE)),
    (MONITORING, re.compile(r"findings of (?:a|the|our) (?:\w+ )?monitoring visit", re.IGNORECASE)),
    (JTAI, re.compile(r"findings of (?:a|the|our) joint targeted area inspection", re.IGNORECASE)),
    (ANNUAL, re.compile(r"annual (?:engagement )?(?:meeting|conversation)", re.IGNORECASE)),
    (SEND, re.compile(r"joint (?:local )?area send inspection", re.IGNORECASE)),
)
_REPORT_HEADERS = (
    (SEND, re.compile(r"\blocal area partnership\b", re.IGNORECASE)),
    (INSPECTION, re.compile(r"\binspection dates?\s*:", re.IGNORECASE)),
)
_SALUTATION = re.compile(r"^\s*Dear\b", re.MULTILINE)
_OPENING_CHARS = 1500
_THANKS_FOR_MEETING = re.compile(r"thank you for meeting with", re.IGNORECASE)
_REGIONAL_DIRECTOR = re.compile(r"^\s*Regional Director\b", re.IGNORECASE | re.MULTILINE)
# Marks of an Ofsted letter or report, so that an unknown kind is "Other" and a stray text gets no type.
_LETTER_OR_REPORT = re.compile(
    r"^\s*Dear\b|Yours sincerely|Majesty[’']s Inspector|\bOfsted\b|Inspection dates?", re.IGNORECASE | re.MULTILINE
)


def find_visit_type(text: str, title: str | None) -> str | None:
    """The kind of document: from its title, else its opening words, else "Other" for an unknown letter."""
    if title and (visit_type := type_named_in(title)):
        return visit_type
    salutation = _SALUTATION.search(text[:_HEAD_CHARS])
    start = salutation.start() if salutation else 0
    opening = " ".join(text[start : start + _OPENING_CHARS].split())
    cues = _LETTER_OPENINGS + _REPORT_HEADERS if salutation else _REPORT_HEADERS + _LETTER_OPENINGS
    for visit_type, pattern in cues:
        if pattern.search(opening):
            return visit_type
    if _THANKS_FOR_MEETING.search(opening) and _REGIONAL_DIRECTOR.search(text):
        return ANNUAL
    return OTHER if _LETTER_OR_REPORT.search(text) else None


# The clause runs to the end of its sentence; a full stop inside closing quotes ("the 'front door.'") ends it too.
_ARRANGEMENTS = re.compile(
    r"\s*(?:the\s+)?(?:local\s+authority[’']s\s+|council[’']s\s+|their\s+)?arrangements"
    r"(?:\s+and\s+support)?\s+(?:for\s+)?(?P<focus>.+?)(?:\.(?P<quote>[’'”]?)(?=\s|$)|$)",
    re.IGNORECASE | re.DOTALL,
)
# A trailing clause that names the framework, not the focus.
_FOCUS_TAIL = re.compile(r",?\s+(?:in accordance with|in line with|under)\s+the\s+.*$", re.IGNORECASE)
# A list of bullets after "with a particular focus on:" is the visit's detail, not its focus.
_FOCUS_LIST = re.compile(r"(?:,?\s+(?:with|which included|focusing|in particular)\b[^,]*?)?:?\s*[◼•\uf06e\uf0b7].*$")


def find_focus(text: str, visit_type: str | None = None) -> str | None:
    """What a visit looked at: the words after "Inspectors looked at the local authority's arrangements for"."""
    if visit_type in REPORTS:  # reports mention past visits' arrangements in passing: only a letter states its own
        return None
    flat = opening(text)
    for cue in in_order(FOCUS_CUES, flat):
        found = _ARRANGEMENTS.match(flat, cue.end())
        if found:
            focus = _FOCUS_LIST.sub("", found["focus"])
            focus = _FOCUS_TAIL.sub("", focus).strip(" ,;:")
            if found["quote"] and not focus.endswith(found["quote"]):
                focus += found["quote"]
            if focus:
                return focus
    return None


def hints_from_filename(filename: str) -> dict[str, str]:
    """What a file named after the site's label says: "<type label> - <publication date>.pdf"."""
    stem = PurePath(filename).stem
    label, separator, printed_date = stem.rpartition(" - ")
    hints: dict[str, str] = {}
    if not separator:
        return hints
    visit_type = visit_type_from_label(label)
    if visit_type != OTHER:
        hints["visit_type"] = visit_type
    published = dates.parse_date(printed_date)
    if published:
        hints["published"] = published.isoformat()
    return hints


def extract_metadata(text: str, filename: str = "") -> dict[str, Found]:
    """Every field the text gives (origin "text"), plus what only the file name gives (origin "filename").

    A field neither gives is absent: never a guess.
    """
    found: dict[str, object] = {}
    title = find_title(text)
    found["title"] = title
    visit_type = find_visit_type(text, title)
    letter_date = dates.find_letter_date(text)
    visit = dates.find_visit_dates(text, letter_date)
    authority = find_authority(text, on=letter_date or (visit[0] if visit else None))
    if authority:
        found.update(
            authority=authority.name, authority_code=authority.ons_code, urn=authority.urn, region=authority.region
        )
    found["visit_type"] = visit_type
    found["published"] = _iso(letter_date)
    if visit:
        found["visit_start"], found["visit_end"] = _iso(visit[0]), _iso(visit[1])
    found["inspectors"] = people.find_inspectors(text, visit_type) or None
    found["signatory"] = people.find_signatory(text)
    found["recipient"] = people.find_recipient(text)
    found["focus"] = find_focus(text, visit_type)
    metadata = {name: Found(value, "text") for name, value in found.items() if value}
    # What the document concludes: False and [] are statements here (no priority action, nothing to improve).
    for name, value in find_findings(text, visit_type, found.get("visit_start"), found["focus"]).items():
        metadata[name] = Found(value, "text")
    for name, value in hints_from_filename(filename).items():
        # "Other" only says the text is of no known kind: a file name that names the kind says more.
        if name not in metadata or metadata[name].value == OTHER:
            metadata[name] = Found(value, "filename")
    return {name: metadata[name] for name in FIELDS if name in metadata}


def compose_title(fields: Mapping[str, Any]) -> str | None:
    """A title for a document with no title line, from its fields: "Annual engagement meeting with Stockton-on-Tees,
    16 July 2018" (its type's composed title, then the visit's first day or the letter's date); None without an
    authority or a known type."""
    visit_type = BY_NAME.get(fields.get("visit_type") or OTHER, BY_NAME[OTHER])
    authority = fields.get("authority")
    if authority:
        title = visit_type.title.format(authority=authority)
    elif visit_type.name != OTHER:
        title = visit_type.name
    else:
        return None
    when = str(fields.get("visit_start") or fields.get("published") or "")
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return title
    return f"{title}, {day.day} {day:%B %Y}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
