"""The gazetteer of English local authorities with children's services: names, aliases, ONS codes, URNs, regions.

It owns corpus/data/authorities.csv and answers which authority a name means and which one a document is about.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from corpus.casing import lowered

DATA_FILE = Path(__file__).with_name("data") / "authorities.csv"


@dataclass(frozen=True)
class Authority:
    """One local authority. Former authorities (abolished by a reorganisation) carry `ended` and `succeeded_by`."""

    name: str
    ons_code: str
    urn: str | None
    region: str
    aliases: tuple[str, ...] = ()
    ended: str | None = None
    succeeded_by: tuple[str, ...] = ()
    # ONS codes of the ten authorities the DfE names as statistically most similar, nearest first.
    neighbours: tuple[str, ...] = ()

    @property
    def current(self) -> bool:
        return self.ended is None


def _key(name: str) -> str:
    """A name reduced to lower-case words: punctuation, apostrophes, hyphens and "&" no longer matter."""
    text = unicodedata.normalize("NFKC", name).replace("\u00ad", "").replace("\ufffe", "-")
    text = text.replace("&", " and ").lower()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@cache
def _load() -> tuple[Authority, ...]:
    with open(DATA_FILE, newline="", encoding="utf-8") as handle:
        return tuple(
            Authority(
                name=row["name"],
                ons_code=row["ons_code"],
                urn=row["urn"] or None,
                region=row["region"],
                aliases=tuple(filter(None, row["aliases"].split("|"))),
                ended=row["ended"] or None,
                succeeded_by=tuple(filter(None, row["succeeded_by"].split("|"))),
                neighbours=tuple(filter(None, row["neighbours"].split("|"))),
            )
            for row in csv.DictReader(handle)
        )


def all_authorities(include_former: bool = False) -> list[Authority]:
    """The 153 current authorities (and, asked, the former ones old reports name), in name order."""
    return [authority for authority in _load() if include_former or authority.current]


@cache
def _by_key() -> dict[str, Authority]:
    keys: dict[str, Authority] = {}
    # Aliases first, so that a canonical name always wins over another authority's alias.
    for authority in _load():
        for alias in authority.aliases:
            keys.setdefault(_key(alias), authority)
    for authority in _load():
        keys[_key(authority.name)] = authority
    return keys


def authority_by_code(code: str) -> Authority | None:
    code = code.strip().upper()
    return next((a for a in _load() if a.ons_code == code), None)


def authority_by_urn(urn: str | int) -> Authority | None:
    urn = str(urn).strip()
    return next((a for a in _load() if a.urn == urn), None)


# Words around a name that say what kind of council it is, not which: "London Borough of X", "X City Council".
_LEADING_WORDS = {"the", "london", "royal", "borough", "metropolitan", "city", "county", "council", "of"}
_TRAILING_WORDS = {
    "council", "borough", "city", "county", "metropolitan", "district", "mbc", "unitary", "authority", "local",
    "area", "partnership", "children", "s", "services", "social", "care", "trust",
}


def authority_by_name(name: str) -> Authority | None:
    """The authority a name means, ignoring case, punctuation and council words ("London Borough of", "Council")."""
    keys = _by_key()
    words = _key(name).split()
    while words:
        key = " ".join(words)
        if key in keys:
            return keys[key]
        if words[0] in _LEADING_WORDS:
            words = words[1:]
        elif words[-1] in _TRAILING_WORDS:
            words = words[:-1]
        else:
            return None
    return None


@cache
def _mention_pattern() -> re.Pattern[str]:
    # Longest names first: at any position the longest alias wins ("North Lincolnshire", not "Lincolnshire").
    # Words may run together: extraction sometimes loses the break in "Stockton-on-\nTees".
    keys = sorted(_by_key(), key=len, reverse=True)
    words = (r"\s*".join(map(re.escape, key.split())) for key in keys)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


@cache
def _by_compact_key() -> dict[str, Authority]:
    return {key.replace(" ", ""): authority for key, authority in _by_key().items()}


def mentions(text: str) -> list[Authority]:
    """Every authority named in a text, in order, each mention once (the longest name at each place)."""
    compact = _by_compact_key()
    return [compact[m.group(0).replace(" ", "")] for m in _mention_pattern().finditer(_key(text))]


# The words of a title or opening sentence that lead into the name of the authority it is about.
_SUBJECT_LEAD = (
    r"focuss?ed visit to|monitoring visit (?:to|of|at)|joint targeted area inspection of|"
    r"send\)? (?:full )?(?:inspection|revisit) (?:of|in)|disabilities (?:full )?(?:inspection|revisit) (?:of|in)|"
    r"re-? ?inspection of|inspection of|annual engagement meeting (?:with|for)|progress (?:made )?in"
)
# Words that may come before them ("Ofsted focused visit to", "Joint local area SEND inspection in").
_SUBJECT_PREFIXES = ("ofsted", "re:?", "joint", "local", "area")
_PREFIXED_LEAD = rf"\s+(?:(?:{'|'.join(_SUBJECT_PREFIXES)})\s+)*(?:{_SUBJECT_LEAD})"
# Titles and opening sentences that name the authority a document is about, each capturing the words after.
# "(?:prefix\s+)*(?:lead)", written as one alternative per first prefix and then the leads: every alternative
# starts with a plain letter, which lets re skip the other characters of a lower-cased head instead of trying
# every place.
_SUBJECT = re.compile(
    "(?:" + "".join(f"{prefix}{_PREFIXED_LEAD}|" for prefix in _SUBJECT_PREFIXES) + rf"{_SUBJECT_LEAD})\s+(.{{3,180}})",
    re.IGNORECASE | re.DOTALL,
)
# The same (its pattern is in lower case) for a lower-cased copy: ignoring case, re tries each letter several ways.
_LOWER_SUBJECT = re.compile(_SUBJECT.pattern, re.DOTALL)
# The capture ends where the name must have ended.
_SUBJECT_END = re.compile(
    r"children[’']?s (?:social care )?services|local area partnership|\.\s|\n\s*\n|inspection dates?",
    re.IGNORECASE,
)
# Ofsted's own office addresses name towns that are also authorities (Manchester, Nottingham, Cumberland Place).
_OFSTED_POSTCODES = ("m1 2wd", "ng1 6hj", "wc2b 6se", "m2 7la")
_OFSTED_POSTCODE = "|".join(_OFSTED_POSTCODES)
_OFSTED_ADDRESS = re.compile(
    rf"^(?:[^\n]{{0,40}}\n){{0,6}}[^\n]*\b(?:{_OFSTED_POSTCODE})\b", re.IGNORECASE | re.MULTILINE
)
_SALUTATION = re.compile(r"^\s*Dear\b", re.MULTILINE)
# A report's cover (authority, title) ends where its dates begin.
_HEADER_END = re.compile(r"^\s*(?:inspection dates?|lead inspectors?|report published)\b", re.IGNORECASE | re.MULTILINE)
_HEAD_CHARS = 4000


# A header line that names the council itself, not a street or town in its postal address.
_COUNCIL_LINE = re.compile(
    r"\b(?:council|borough|city|county council|metropolitan|trust|children[’']?s services)\b", re.IGNORECASE
)


def _named(text: str, on: date | None) -> list[Authority]:
    """The authorities named in a text that existed on the document's date (all of them when it is unknown)."""
    return [a for a in mentions(text) if on is None or a.ended is None or on.isoformat() < a.ended]


def _subject_of(match: re.Match[str], on: date | None) -> Authority | None:
    subject = match.group(1)
    end = _SUBJECT_END.search(subject)
    found = _named(subject[: end.start()] if end else subject, on)
    return found[0] if found else None


def _header_council(header: str, on: date | None, council_lines_only: bool) -> Authority | None:
    lines = header.splitlines()
    for line in [line for line in lines if _COUNCIL_LINE.search(line)] + ([] if council_lines_only else lines):
        if found := _named(line, on):
            return found[0]
    return None


def _without_ofsted_address(text: str) -> str:
    # The address pattern tries six lines from every line start: only worth running where a postcode is, which
    # the lower-cased copy tells fastest.
    lower = lowered(text)
    if lower is None:
        postcode = re.search(_OFSTED_POSTCODE, text, re.IGNORECASE)
    else:
        postcode = any(code in lower for code in _OFSTED_POSTCODES)
    return _OFSTED_ADDRESS.sub("\n", text) if postcode else text


def _subjects(head: str) -> list[re.Match[str]]:
    """Every match of _SUBJECT in the head, found in its lower-cased copy where there is one."""
    lower = lowered(head)
    if lower is None:
        return list(_SUBJECT.finditer(head))
    return [_SUBJECT.match(head, found.start()) for found in _LOWER_SUBJECT.finditer(lower)]


def find_authority(text: str, on: date | None = None) -> Authority | None:
    """The authority a letter or report is about, not the first one it happens to mention.

    In order: the title line ("Focused visit to X children's services", "Inspection of X …", "Area SEND
    inspection of X Local Area Partnership", …); else the council named in the header above the salutation or
    title (the recipient's address, a report's cover line); else an opening sentence ("the focused visit to X",
    "progress in X children's services"); else any authority in that header; else the one named most often.
    Given the document's date `on`, authorities abolished by then are passed over (an NHS body may still bear a
    former county's name).
    """
    head = _without_ofsted_address(text[:_HEAD_CHARS])
    subjects = _subjects(head)
    # The title: a capitalised line of its own, not a sentence that wraps at "inspection of".
    title = next(
        (m for m in subjects if m.group(0)[0].isupper() and not head[: m.start()].split("\n")[-1].strip()), None
    )
    if title and (authority := _subject_of(title, on)):
        return authority
    stops = [m.start() for m in (_SALUTATION.search(head), _HEADER_END.search(head)) if m]
    header = head[: min(stops)] if stops else ""
    if authority := _header_council(header, on, council_lines_only=True):
        return authority
    for match in subjects:
        if authority := _subject_of(match, on):
            return authority
    # A bare postal address names towns ("Leicester" for Leicestershire's County Hall): the weakest sign.
    if authority := _header_council(header, on, council_lines_only=False):
        return authority
    counts: dict[Authority, int] = {}
    for authority in _named(_without_ofsted_address(text), on):
        counts[authority] = counts.get(authority, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None
