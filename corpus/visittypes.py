"""The visit types: each one's name, whether it is a report or a letter, the words that name it, its composed title.

One table: corpus.letters, corpus.metadata, corpus.people and corpus.sample derive what they know of visit types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FOCUSED = "Focused visit"
MONITORING = "Monitoring visit"
ANNUAL = "Annual engagement meeting"
JTAI = "Joint targeted area inspection"
INSPECTION = "Children's services inspection"
SEND = "Area SEND inspection"
OTHER = "Other"


@dataclass(frozen=True)
class VisitType:
    name: str
    report: bool  # a report with header fields ("Inspection dates:", "Lead inspector:"), not a letter
    words: re.Pattern[str] | None  # what a site label or a title line naming this type contains
    title: str  # the title composed for a document of this type that has no title line


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Most specific words first: the first type whose words a label or title contains wins. Every full inspection is a
# "Children's services inspection": ILACS, SIF (with its LSCB review), and the 2009–13 inspections of safeguarding,
# looked after children and arrangements for the protection of children.
TYPES = (
    VisitType(FOCUSED, False, _words(r"focus(?:s)?ed visit"), "Focused visit to {authority}"),
    VisitType(MONITORING, False, _words(r"monitoring (?:visit|inspection)"), "Monitoring visit to {authority}"),
    VisitType(ANNUAL, False, _words(r"annual (?:engagement|conversation)"),
              "Annual engagement meeting with {authority}"),
    VisitType(JTAI, False, _words(r"joint targeted area inspection|\bjtai\b|joint area child protection|"
                                  r"joint inspection of (?:the )?(?:multi-agency|child protection)"),
              "Joint targeted area inspection in {authority}"),
    VisitType(SEND, True, _words(r"\bsend\b|special educational needs"), "Area SEND inspection of {authority}"),
    VisitType(INSPECTION, True, _words(
        r"inspection of (?:local authority )?children['’]?s services|children['’]?s services inspection|"
        r"\bilacs\b|single inspection|inspection of services for children|"
        r"children['’]?s social care|looked after children|safeguarding|protection of children|"
        r"contact,? referral and assessment|^(?:(?:annual )?unannounced |re-? ?)?inspection of"),
        "Children's services inspection of {authority}"),
    VisitType(OTHER, False, None, "Ofsted letter to {authority}"),
)
BY_NAME = {visit_type.name: visit_type for visit_type in TYPES}
NAMES = tuple(BY_NAME)
REPORTS = frozenset(visit_type.name for visit_type in TYPES if visit_type.report)


def type_named_in(words: str) -> str | None:
    """The visit type a label or title names, most specific first; None when it names none."""
    for visit_type in TYPES:
        if visit_type.words and visit_type.words.search(words):
            return visit_type.name
    return None
