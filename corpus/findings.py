"""What a document concludes: framework, judgements, SEND outcome, priority action, improvements, focus areas.

The names and values below are the contract every later layer (index, facets, pages, exports) derives from;
`find_findings` reads them from a letter's text alone, and leaves out whatever the text does not state.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from corpus.casing import each_case, in_order, taken_for
from corpus.dates import single_spaced
from corpus.visittypes import FOCUSED, INSPECTION, MONITORING, REPORTS, SEND

# The frameworks a full report or SEND report is written under.
FRAMEWORKS = ("ILACS", "SIF", "SEND 2023", "SEND 2016")

# Judgement keys in the order tables show them, with the label a person reads.
JUDGEMENTS = {
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "adoption": "Adoption",
    "lscb": "LSCB",
}

# Grades, best first.
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")

# Outcomes of a 2023-framework Area SEND inspection, best first.
SEND_OUTCOMES = ("positive", "inconsistent", "systemic failings")

# What a focused or monitoring visit looked at, in the order the pages list them.
FOCUS_AREAS = (
    "front door",
    "children in need and child protection",
    "extra-familial risk",
    "children in care",
    "permanence",
    "care leavers",
    "placement decisions for older children",
    "disabled children",
    "covid-19",
    "other",
)

# The visit types whose letters carry a priority action and focus areas.
VISIT_LETTERS = frozenset({FOCUSED, MONITORING})
# The framework dropped the overall effectiveness judgement for inspections carried out from this day.
NO_OVERALL_FROM = "2026-04-01"
# Tables and outcome sentences sit on the first pages; reading no further keeps the pass fast.
_HEAD_CHARS = 6000
OPENING_CHARS = 8000


# --- paragraphs ------------------------------------------------------------------------------------


class _Paragraph(NamedTuple):  # a tuple: a frozen dataclass costs several times more to make, once per paragraph
    start: int
    end: int
    text: str


_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


def _paragraphs(text: str) -> list[_Paragraph]:
    """The text's paragraphs (corpus.extract separates them by a blank line) with their places in it."""
    return [_Paragraph(match.start(), match.end(), match.group(0).strip()) for match in _PARAGRAPH.finditer(text)]


def _following(paragraphs: list[_Paragraph], index: int) -> str:
    return paragraphs[index + 1].text if index + 1 < len(paragraphs) else ""


def _flat(text: str) -> str:
    return single_spaced(text).strip()


def _may_say(text: str, paragraphs: list[_Paragraph], words: tuple[re.Pattern[str], ...]) -> list[int]:
    """Indexes of the paragraphs a case-insensitive pattern that needs one of these words (casing.each_case's
    patterns) may match in, in order: a quick look that spares the slow search of most paragraphs.

    The words are found in the whole text; each lies on a line of the paragraph that starts last before it.
    """
    starts = [paragraph.start for paragraph in paragraphs]
    return sorted({bisect_right(starts, word.start()) - 1 for pattern in words for word in pattern.finditer(text)})


@lru_cache(maxsize=4)
def opening(text: str) -> str:
    """A letter's first 8 000 characters as one line, hyphens of broken lines restored: where its focus clause
    is looked for, by corpus.metadata (the clause) and here (its areas) alike, so flattened once."""
    return _flat(text[:OPENING_CHARS].replace("\ufffe", "-"))


# --- grades ----------------------------------------------------------------------------------------

_GRADE = r"(?:outstanding|good|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?|not\s+judged)"


def _grade(words: str) -> str | None:
    """A grade as stored: "requires improvement to be good" → "Requires improvement"; "Not judged" → None."""
    words = words.lower()
    if words.startswith("not"):
        return None
    if words.startswith("require"):
        return "Requires improvement"
    return words.capitalize()


# --- ILACS -----------------------------------------------------------------------------------------

# A row label of the ILACS table (or of the heading that repeats it), words sometimes missing in print.
_ILACS_LABELS = (
    (
        "impact_of_leaders",
        r"impact\s+of\s+leaders(?:\s+on\s+social\s+work\s+practice(?:\s+with\s+children\s+and\s+families)?)?",
    ),
    ("help_and_protection", r"children\s+who\s+need\s+help\s+and\s+protection"),
    ("combined_care", r"children\s+in\s+care\s+and\s+care\s+leavers"),
    ("children_in_care", r"children\s+in\s+care"),
    ("care_leavers", r"(?:progress\s+of\s+(?:children\s+)?)care\s+leavers"),
    ("overall_effectiveness", r"overall\s+effectiveness"),
)
_ILACS_TOKEN = re.compile(
    "|".join(f"(?P<{key}>{pattern})" for key, pattern in _ILACS_LABELS) + f"|(?P<grade>\\b{_GRADE}\\b)",
    re.IGNORECASE,
)
_ILACS_MARK = re.compile(r"impact\s+of\s+leaders\s+on\s+social\s+work\s+practice", re.IGNORECASE)
_ILACS_TABLE_START = re.compile(r"^\s*judgements?\b.*$", re.IGNORECASE | re.MULTILINE)
# A judgement repeated as a heading over its part of the report: "The experiences and progress of …: good".
_ILACS_HEADING = re.compile(
    r"^(?:the\s+)?(?:experiences\s+and\s+progress\s+of\s+|impact\s+of\s+leaders).{0,90}?"
    rf"(?::|\s+(?:is|are|requires?)\b:?)?\s*(?P<grade>{_GRADE})\.?$",
    re.IGNORECASE,
)
# The words every such heading starts with: a look at a paragraph's first word spares flattening most short ones.
_ILACS_HEADING_START = re.compile(r"(?:the|experiences|impact)\s", re.IGNORECASE)
_LONG_PARAGRAPH = 200


def _ilacs_rows(text: str) -> dict[str, str | None]:
    """Pairs each row label with the grade that follows it before the next label.

    A label followed by another label means the columns came apart (labels first, grades after): then no row
    is trusted, since pairing them would give a grade to the wrong judgement.
    """
    rows: dict[str, str | None] = {}
    label = None
    for token in _ILACS_TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "grade":
            if label and label not in rows:
                rows[label] = _grade(_flat(token.group(0)))
            label = None
        elif label:
            return {}
        else:
            label = kind
    if "combined_care" in rows:
        rows["children_in_care"] = rows.pop("combined_care")
    return rows


def _ilacs_table(text: str) -> str:
    """The judgement table: from "Judgement Grade" to the first paragraph of prose after it."""
    head = text[:_HEAD_CHARS]
    start = _ILACS_TABLE_START.search(head)
    table = []
    for paragraph in head[start.start() if start else 0 :].split("\n\n"):
        if len(paragraph) > _LONG_PARAGRAPH:
            if table:
                break
            continue
        table.append(paragraph)
    return "\n".join(table)


def _ilacs_judgements(text: str, paragraphs: list[_Paragraph], visit_start: str | None) -> dict[str, str]:
    table = _ilacs_rows(_ilacs_table(text))
    headings: dict[str, str | None] = {}
    for paragraph in paragraphs:
        if (
            len(paragraph.text) < 160
            and _ILACS_HEADING_START.match(paragraph.text)
            and (heading := _ILACS_HEADING.match(_flat(paragraph.text)))
        ):
            for key, grade in _ilacs_rows(heading.group(0)).items():
                if key in headings and headings[key] != grade:
                    grade = None  # two headings disagree: neither is trusted
                headings[key] = grade
    judgements = {}
    for key in JUDGEMENTS:
        in_table, in_heading = table.get(key), headings.get(key)
        if key in table and key in headings and in_table != in_heading:
            continue  # the table and the heading disagree: prefer saying nothing
        grade = in_table if key in table else in_heading
        if grade:
            judgements[key] = grade
    if visit_start and visit_start >= NO_OVERALL_FROM:
        judgements.pop("overall_effectiveness", None)
    return judgements


# --- SIF -------------------------------------------------------------------------------------------

_SIF_MARK = re.compile(
    r"children\s+in\s+need\s+of\s+help\s+and\s+protection,?\s+children\s+looked\s+after|"
    r"review\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding\s+children\s+board",
    re.IGNORECASE,
)
_SIF_ROWS = (
    ("help_and_protection", r"children\s+who\s+need\s+help\s+and\s+protection"),
    ("children_in_care", r"children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    ("adoption", r"adoption\s+performance"),
    ("care_leavers", r"experiences\s+and\s+progress\s+of\s+care\s+leavers"),
    ("impact_of_leaders", r"leadership,?\s+management\s+and\s+governance"),
)
# A row's number ("2.1"), led by its digit (the check that no letter or stop comes before follows it): a fast scan.
_SIF_NUMBER = r"\d(?<![\w.]\d)(?:\.\d)?\.?\s+"
# A numbered row of the table, its grade on the same line or the next ("2.1 Adoption performance Good").
_SIF_ROW = re.compile(
    _SIF_NUMBER
    + "(?:"
    + "|".join(f"(?P<{key}>{pattern}[\\s:]+(?P<{key}_grade>{_GRADE})\\b)" for key, pattern in _SIF_ROWS)
    + ")",
    re.IGNORECASE,
)
_SIF_LABEL = re.compile(_SIF_NUMBER + "(?:" + "|".join(pattern for _, pattern in _SIF_ROWS) + ")\\b", re.IGNORECASE)
# "Children's services in X are good" / "… require improvement to be good"; "The overall judgement is good";
# "The overall judgement is that children's services require improvement".
_SIF_OVERALL = re.compile(
    r"\b(?:children[’']?s\s+services\s+in\s+[^.]{1,80}?|the\s+overall\s+judgement\s+is"
    r"(?:\s+that\s+children[’']?s\s+services)?)"
    rf"\s+(?:are\s+|is\s+)?(?:judged\s+(?:to\s+be\s+)?)?(?P<grade>{_GRADE})",
    re.IGNORECASE,
)
_BOARD = r"(?:(?:local\s+)?safeguarding\s+children\s+board(?:\s+\(\w+\))?|lscb)"
_BOARD_WORDS = each_case("b", "oard") + each_case("l", "scb")  # one of them is in every match of _BOARD
# The LSCB review's own judgement, a statement of its own (not a sentence that mentions the board in passing).
_LSCB = re.compile(
    r"^(?:the\s+judgement\s+for\s+)?(?:the\s+)?(?:effectiveness\s+of\s+the\s+)?(?:(?-i:[A-Z])[\w’'&-]*\s+){0,4}"
    rf"{_BOARD}\s*(?:is|are)?:?\s*(?:judged\s+(?:to\s+be\s+)?)?(?P<grade>{_GRADE})\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# A statement whose grade went to the next line: "The effectiveness of the LSCB is" / "… (LSCB) requires".
_LSCB_CUT = re.compile(rf"{_BOARD}\s*(?:is|are|requires)?:?$", re.IGNORECASE)
# What its matches end with, whitespace aside: the last character of "board", "(LSCB)", "lscb", "is", "are",
# "requires" or ":", in any case re ignoring case reads. A look at the last character spares the search of every
# paragraph that ends otherwise (most end with a full stop).
_LSCB_CUT_LAST = frozenset(")" + ":" + "".join(map(taken_for, "dbse")))


def _sif_judgements(text: str, paragraphs: list[_Paragraph]) -> dict[str, str]:
    head = _flat(text[:_HEAD_CHARS])
    judgements: dict[str, str] = {}
    first_row = len(head)
    rows = list(_SIF_ROW.finditer(head))
    # Every numbered row label must carry its grade; otherwise the columns came apart and none is trusted.
    if len(rows) < len(_SIF_LABEL.findall(head)):
        rows = []
    for row in rows:
        key = row.lastgroup.removesuffix("_grade")
        first_row = min(first_row, row.start())
        if key not in judgements and (grade := _grade(row.group(f"{key}_grade"))):
            judgements[key] = grade
    overall = _SIF_OVERALL.search(head, 0, first_row)
    if overall and (grade := _grade(_flat(overall.group("grade")))):
        judgements = {"overall_effectiveness": grade, **judgements}
    lscb = _lscb(text, paragraphs)
    if lscb:
        judgements["lscb"] = lscb
    return judgements


def _lscb(text: str, paragraphs: list[_Paragraph]) -> str | None:
    """The board's grade where every statement of it agrees; a heading line or the head of the review."""
    grades = set()
    for index in _may_say(text, paragraphs, _BOARD_WORDS):
        words = _flat(paragraphs[index].text)
        if len(words) > 300 or words.lower().startswith(("an lscb", "a local safeguarding")):
            continue
        if words.rstrip()[-1:] in _LSCB_CUT_LAST and _LSCB_CUT.search(words) and index + 1 < len(paragraphs):
            words = f"{words} {_flat(paragraphs[index + 1].text)}"
        statement = _LSCB.match(words)
        if not statement:
            continue
        # A judgement ends its line, or its sentence goes on to say why ("… is good. The board …", "because").
        if re.match(r"\s*(?:$|[.:]|because\b|,\s*(?:as|because)\b)", statement.group("rest"), re.IGNORECASE):
            grades.add(_grade(_flat(statement.group("grade"))))
    grades.discard(None)
    return grades.pop() if len(grades) == 1 else None


# --- Area SEND -------------------------------------------------------------------------------------

_SEND_OUTCOMES = re.compile(
    r"(?P<positive>typically\s+lead\s+to\s+positive\s+experiences)|"
    r"(?P<inconsistent>lead\s+to\s+inconsistent\s+experiences)|"
    r"(?P<systemic>widespread\s+and/or\s+systemic\s+failings)",
    re.IGNORECASE,
)
_SEND_2023 = re.compile(r"local\s+area\s+partnership", re.IGNORECASE)
_SEND_2016 = re.compile(
    r"(?:joint\s+)?local\s+area\s+send\s+inspection|joint\s+area\s+send|local\s+area[’']s\s+"
    r"effectiveness|special\s+educational\s+needs\s+and\s+disability\s+reforms",
    re.IGNORECASE,
)
_REVISIT = re.compile(r"\brevisit\b", re.IGNORECASE)
_WSOA_REQUIRED = re.compile(
    r"(?:determined|decided)\s+that\s+a\s+written\s+statement\s+of\s+action\s+(?:\(wsoa\)\s+)?(?:is|was)\s+required|"
    r"required\s+to\s+produce\s+and\s+submit\s+a\s+written\s+statement\s+of\s+action",
    re.IGNORECASE,
)
_WSOA_NOT_REQUIRED = re.compile(
    r"written\s+statement\s+of\s+action\s+(?:\(wsoa\)\s+)?(?:is|was)\s+not\s+required|"
    r"not\s+(?:be\s+)?required\s+to\s+(?:produce|submit)\s+a\s+written\s+statement\s+of\s+action",
    re.IGNORECASE,
)


def _send(text: str) -> dict[str, Any]:
    head = _flat(text[:_HEAD_CHARS])
    outcome = _SEND_OUTCOMES.search(head)
    if outcome and _SEND_2023.search(head):
        name = outcome.lastgroup
        return {"framework": "SEND 2023", "send_outcome": "systemic failings" if name == "systemic" else name}
    if not _SEND_2016.search(head):
        return {}
    found: dict[str, Any] = {"framework": "SEND 2016"}
    flat = _flat(text)
    if _WSOA_NOT_REQUIRED.search(flat):
        found["wsoa"] = False
    elif _WSOA_REQUIRED.search(flat):
        found["wsoa"] = True
    elif not _REVISIT.search(head[:1500]):
        # A first inspection's letter always says so when a statement is required: silence means it is not.
        found["wsoa"] = False
    return found


# --- priority action -------------------------------------------------------------------------------

_PRIORITY_HEADING = re.compile(r"^areas?\s+(?:for|of)\s+priority\s+action:?$", re.IGNORECASE)
_NO_PRIORITY = re.compile(
    r"\b(?:there\s+(?:are|were)\s+no|did\s+not\s+(?:find|identify)\s+any|no)\s+(?:areas?\s+for\s+)?priority\s+actions?\b",
    re.IGNORECASE,
)
_PRIORITY_SENTENCE = re.compile(
    r"(?:notified|informed)\s+the\s+(?:dfe|department\s+for\s+education)\s+of\s+the\s+areas?(?:\(s\))?\s+for\s+priority"
    r"|areas?\s+for\s+priority\s+action\s+(?:being|have\s+been|has\s+been|were|was)\s+identified"
    r"|(?:inspectors|we)\s+(?:have\s+)?identified\s+(?:an?\s+|\w+\s+)?areas?\s+for\s+priority\s+action"
    r"(?![^.]{0,60}\b(?:previous|last|earlier)\b)",
    re.IGNORECASE,
)
_PRIORITY_WORD = each_case("p", "riority")  # every match of _PRIORITY_SENTENCE says it


def _priority_action(text: str, paragraphs: list[_Paragraph]) -> bool:
    for index, paragraph in enumerate(paragraphs):
        if _PRIORITY_HEADING.match(paragraph.text):
            return not _NO_PRIORITY.search(_following(paragraphs, index))
    for index in _may_say(text, paragraphs, _PRIORITY_WORD):
        paragraph = paragraphs[index]
        if _PRIORITY_SENTENCE.search(paragraph.text) and not _NO_PRIORITY.search(paragraph.text):
            return True
    return False


# --- improvements ----------------------------------------------------------------------------------

# A letter lists its improvements under "What needs to improve …"; a report may also say "Recommendations".
_LETTER_IMPROVE_HEADING = re.compile(r"^what\s+needs\s+to\s+improve\b.*$", re.IGNORECASE)
_REPORT_IMPROVE_HEADING = re.compile(
    r"^(?:what\s+needs\s+to\s+improve\b.*|what\s+does\s+the\s+local\s+authority\s+need\s+to\s+improve\??"
    r"|recommendations|areas\s+for\s+improvement:?)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\d{1,3}\.\s+")
# A paragraph in a list that only says what the list is ("The local authority needs to … the following:").
_INTRODUCES_LIST = re.compile(r":$|\bthe\s+following\b", re.IGNORECASE)
# A section that points back at an earlier inspection's list instead of giving one.
_POINTS_BACK = re.compile(
    r"\b(?:continue|remain)s?\s+to\s+be\s+those\b|\bno\s+(?:further\s+)?areas?\s+for\s+improvement", re.IGNORECASE
)
# A note where a list might be: "There are no priority or immediate actions."
_NOTHING_HERE = re.compile(r"^(?:\d{1,3}\.\s+)?(?:there\s+(?:are|were)\s+no\b|the\s+inspection\s+did\s+not\s+find)",
                           re.IGNORECASE)
# A topic heading inside a list of recommendations, not the next part of the report.
_SUB_HEADING = re.compile(
    r"^(?!.*(?:strength|summary|information|inspection|judgement|contents|executive|board|lscb))"
    r"(?:\S+\s+){0,5}\S+[^:]$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;:!?)’”'\"]$")
# A letter's sign-off ("Yours sincerely", also misprinted "Your sincerely"), and the closing paragraph before it.
_SIGN_OFF = re.compile(r"^yours?\s+(?:sincerely|faithfully)", re.IGNORECASE)
_CLOSING = re.compile(rf"^ofsted\s+will\s+take|{_SIGN_OFF.pattern}", re.IGNORECASE)


def _listed(paragraphs: list[_Paragraph], index: int) -> bool:
    """Whether a list item starts at this paragraph (after a heading that carries a footnote's digit)."""
    return index < len(paragraphs) and (
        paragraphs[index].text.startswith("• ") or bool(_NUMBERED.match(paragraphs[index].text))
    )


def _improvements(paragraphs: list[_Paragraph], heading_list: list[int], heading: re.Pattern) -> list[str] | None:
    """The items under the first "what needs to improve" heading that lists any; None where there is no such heading.

    A report may print the heading over a note ("Priority and immediate action: none") before the list's own
    heading, so each heading is tried in turn.
    """
    headings = set(heading_list)
    starts = [
        i for i, p in enumerate(paragraphs) if heading.match(p.text) and (i in headings or _listed(paragraphs, i + 1))
    ]
    for start in starts:
        if items := _items_after(paragraphs, start, headings):
            return items
    return [] if starts else None


def _items_after(paragraphs: list[_Paragraph], start: int, headings: set[int]) -> list[str]:
    """The list under a heading: bullets, numbered paragraphs or plain paragraphs, up to the next heading.

    A bullet ending in ":" takes the lower-case bullets after it as its parts; a paragraph starting in lower case
    is the rest of an item a page broke.
    """
    items: list[str] = []
    kind = None
    parts = False
    for index in range(start + 1, len(paragraphs)):
        text = paragraphs[index].text
        bullet = text.startswith("• ")
        numbered = bool(_NUMBERED.match(text))
        if items and not numbered and (text[:1].islower() or (bullet and parts and text[2:3].islower())):
            items[-1] = f"{items[-1]} {_flat(text.removeprefix('• '))}"
            continue
        if _CLOSING.match(text):
            break
        if index in headings:
            if kind != "bullet" and _SUB_HEADING.match(text) and any(
                _NUMBERED.match(p.text) for p in paragraphs[index + 1 : index + 3]
            ):
                continue  # a sub-heading inside a numbered list of recommendations ("Leadership and management")
            if items or not _INTRODUCES_LIST.search(text):
                break
            continue
        if not items and (_INTRODUCES_LIST.search(text) or _NOTHING_HERE.match(text)) and not bullet:
            continue
        this = "bullet" if bullet else "numbered" if numbered else "paragraph"
        if kind and this != kind:
            break
        if this == "paragraph" and (_POINTS_BACK.search(text) or not _SENTENCE_END.search(text)):
            break  # a plain paragraph is an item only as a sentence (not a line of a contents page)
        kind = this
        items.append(_flat(re.sub(r"^(?:•\s+|\d{1,3}\.\s+)", "", text)))
        parts = items[-1].endswith(":")
    return [item for item in items if item]


# --- focus areas -----------------------------------------------------------------------------------

# "… in line with the inspection of local authority children's services (ILACS) framework. However, the delivery
# model was adapted to reflect the COVID-19 context."
_COVID_VISIT = re.compile(
    r"in\s+line\s+with\s+the\s+(?:inspection\s+of\s+local\s+authority\s+children[’']?s\s+services\s+)?"
    r"\(?ilacs\)?\s+framework[^.]{0,40}\.\s+[^.]{0,120}?\badapted\b[^.]{0,60}\bcovid",
    re.IGNORECASE,
)
_FOCUS_VERBS = r"(?:looked\s+at|considered|evaluated|reviewed|focused\s+on|examined)"
# Words that say what a visit looked at: "Inspectors looked at …", "The focus of this visit was …". Split by their
# first letter's case (casing.each_case) and read as one pattern with casing.in_order, for a fast scan.
FOCUS_CUES = each_case("i", rf"nspectors?\s+{_FOCUS_VERBS}") + each_case(
    "t", rf"h(?:is|e)\s+visit\s+{_FOCUS_VERBS}|he\s+focus\s+of\s+(?:this|the)\s+visit\s+was(?:\s+on)?"
)
# Detail after the areas: "…, with a particular focus on …", "including …", a list after a colon.
_FOCUS_DETAIL = re.compile(
    r"(?:,?\s+(?:with\s+a\s+(?:\w+\s+)?focus|with\s+particular|in\s+particular|particularly|including|which\s+included?"
    r"|focusing)\b|:).*$",
    re.IGNORECASE,
)
_FOCUS_WORDS = (
    (
        "front door",
        r"front[\s-]*door|contacts?\s+and\s+referrals?|first\s+point\s+of\s+contact|receiving\s+referrals"
        r"|safeguarding\s+hub|\bmash\b",
    ),
    ("placement decisions for older children", r"placement\s+decisions?(?:[\s-]*making)?\s+for\s+older"),
    (
        "children in need and child protection",
        r"children\s+in\s+need\b|child\s+in\s+need|child[\s-]+protection"
        r"|protection\s+plan",
    ),
    ("extra-familial risk", r"extra[\s-]*familial|exploitation|adolescents|go(?:es)?\s+missing|missing\s+from"),
    ("permanence", r"permanen(?:ce|cy)"),
    ("care leavers", r"care\s+leavers|leaving\s+care|care[\s-]+experienced"),
    # "Children looked after who are eligible for care leaving services" are care leavers.
    ("children in care", r"children\s+in\s+care|looked\s+after(?!\s+who\s+are\s+eligible)|come\s+into\s+care"),
    # "Disabled children in care" are children in care.
    ("disabled children", r"disabled\s+children(?!\s+in\s+care)|children\s+with\s+disabilities"),
)
_FOCUS_AREA = re.compile("|".join(f"(?P<a{n}>{pattern})" for n, (_, pattern) in enumerate(_FOCUS_WORDS)), re.IGNORECASE)
_IN_CARE = re.compile(dict(_FOCUS_WORDS)["children in care"], re.IGNORECASE)
_PERMANENCE = re.compile(dict(_FOCUS_WORDS)["permanence"], re.IGNORECASE)
# "Help and protection" names the area only when nothing more precise does ("… for vulnerable adolescents").
_HELP_AND_PROTECTION = re.compile(r"help\s+and\s+protection", re.IGNORECASE)
# Where a letter's opening ends: its first heading (case matters: "the findings of this visit" is prose).
# The sentence after the clause, when it narrows it ("…, in accordance with the framework. Specifically, …").
_SPECIFICALLY = re.compile(r"[^.]*\.\s+(?:more\s+)?specifically,?\s+([^.]+)", re.IGNORECASE)
_OPENING_END = re.compile(r"\b(?:Headline [Ff]indings|Overview|Main [Ff]indings)\b")


def _focus_areas(text: str, focus: str | None) -> list[str] | None:
    """The areas a visit looked at, from its "arrangements for …" clause (`focus`); None where it names none."""
    head = opening(text)
    if focus:
        areas = _areas_in(_FOCUS_DETAIL.sub("", focus))
        # "… children who need help and protection. Specifically, inspectors looked at the 'front door' …"
        place = head.find(focus)
        specifically = _SPECIFICALLY.match(head, place + len(focus)) if place >= 0 else None
        if specifically and not _FOCUS_AREA.search(focus):
            areas = [area for area in _areas_in(_FOCUS_DETAIL.sub("", specifically.group(1))) if area != "other"]
            areas = areas or _areas_in(focus)
        return areas
    if _COVID_VISIT.search(head):
        return ["covid-19"]
    # Older letters say what inspectors looked at without the word "arrangements": the first such sentence.
    for cue in in_order(FOCUS_CUES, head):
        sentence = head[cue.end() : head.find(".", cue.end())]
        if _OPENING_END.search(head, 0, cue.start()):
            break
        areas = _areas_in(_FOCUS_DETAIL.sub("", sentence))
        if areas != ["other"]:
            return areas
    return None


def _areas_in(clause: str) -> list[str]:
    found = {_FOCUS_WORDS[int(match.lastgroup[1:])][0] for match in _FOCUS_AREA.finditer(clause)}
    if not found and _HELP_AND_PROTECTION.search(clause):
        found.add("children in need and child protection")
    if "front door" in found:
        # Help and protection "at the front door" is the front door, not a second area.
        found.discard("children in need and child protection")
    if "placement decisions for older children" in found:
        found.discard("children in care")
    in_care, permanence = _IN_CARE.search(clause), _PERMANENCE.search(clause)
    if in_care and permanence and permanence.start() < in_care.start():
        found.discard("children in care")  # "permanence for children in care": whose permanence, not another area
    return [area for area in FOCUS_AREAS if area in found] or ["other"]


# --- sections --------------------------------------------------------------------------------------

# A heading: a short line of its own that is no sentence, no bullet, no header field and no table cell.
_HEADING_WORDS = re.compile(r"^[A-Z\d][^\n]{2,150}+$")  # possessive: a long paragraph fails without backtracking
# What a line that is no heading starts with, or is: a bullet, a numbered sentence, a grade, a header field, …
_NOT_HEADING_START = re.compile(
    rf"^•|^\d{{1,3}}\.\s+\w+.{{80}}|^(?:{_GRADE}|judgement\s+grade|grade|and|dear\b.*|yours\s+\w+)$|"
    r"^[^:?]{1,40}:\s*\S|^(?:his|her)\s+majesty|^(?:page\s+)?\d+$",
    re.IGNORECASE,
)
# What it ends with: a stop or comma, a year, a page number. Four characters at most (a newline may follow): looked
# for in a line's last five only, not tried at every place along it.
_NOT_HEADING_END = re.compile(r"(?:[.,;]|\b(?:19|20)\d\d|\s\d{1,3})$")


_ENDS_WITH_GRADE = re.compile(rf"\b{_GRADE}$", re.IGNORECASE)
_JUDGEMENT_HEADING = re.compile(r"^the\s+(?:experiences\s+and\s+progress|impact\s+of\s+leaders)\b", re.IGNORECASE)
_GRADE_ALONE = re.compile(rf"^(?:requires\s*)?{_GRADE}\.?$", re.IGNORECASE)


def _heading_indexes(paragraphs: list[_Paragraph]) -> list[int]:
    """Indexes of the paragraphs that are headings: after a letter's header ("Dear …"), before its sign-off."""
    first = next((i + 1 for i, p in enumerate(paragraphs[:20]) if p.text.startswith("Dear ")), 0)
    indexes = []
    for index in range(first, len(paragraphs)):
        text = paragraphs[index].text
        if _SIGN_OFF.match(text):
            break
        if (
            _JUDGEMENT_HEADING.match(text)
            and _ENDS_WITH_GRADE.search(text.rstrip("."))
            and _NUMBERED.match(_following(paragraphs, index))
        ):
            indexes.append(index)  # "The experiences and progress of … requires improvement to be good." over "1. …"
            continue
        if "\n" in text or not _HEADING_WORDS.match(text) or _NOT_HEADING_START.match(text):
            continue
        if _NOT_HEADING_END.search(text, max(0, len(text) - 5)):
            continue
        if len(text.split()) > 20 or _GRADE_ALONE.match(_following(paragraphs, index)):
            continue  # a sentence, or a row of a judgement table with its grade on the next line
        if ":" not in text and _ENDS_WITH_GRADE.search(text):
            continue  # a row of a table with its grade on the same line, or a headline
        indexes.append(index)
    return indexes


def _sections(text: str, paragraphs: list[_Paragraph], headings: list[int]) -> list[dict[str, Any]]:
    """Each heading with the range of text it heads: from the heading to the next heading or the sign-off."""
    last = headings[-1] if headings else 0
    sign_off = next((p.start for p in paragraphs[last:] if _SIGN_OFF.match(p.text)), len(text.rstrip()))
    sections = []
    for number, index in enumerate(headings):
        end = paragraphs[headings[number + 1]].start if number + 1 < len(headings) else sign_off
        sections.append({"heading": paragraphs[index].text, "start": paragraphs[index].start, "end": end})
    return sections


# --- everything ------------------------------------------------------------------------------------


def find_findings(
    text: str, visit_type: str | None, visit_start: str | None = None, focus: str | None = None
) -> dict[str, Any]:
    """What the text concludes, as letter fields; a field the text does not state is left out.

    `visit_type` is the kind of document (corpus.visittypes' names); `visit_start` the ISO day the visit or
    inspection began, and `focus` a visit's "arrangements for …" clause (corpus.metadata.find_focus), where
    known. False and [] are statements (no priority action; no list of improvements).
    """
    paragraphs = _paragraphs(text)
    heading_list = _heading_indexes(paragraphs)
    found: dict[str, Any] = {}
    head = text[:_HEAD_CHARS]
    if visit_type == INSPECTION:
        if _SIF_MARK.search(_flat(text[:3000])):
            found["framework"] = "SIF"
            found["judgements"] = _sif_judgements(text, paragraphs)
        elif (judgements := _ilacs_judgements(text, paragraphs, visit_start)) or _ILACS_MARK.search(head):
            found["framework"] = "ILACS"
            found["judgements"] = judgements
    elif visit_type == SEND:
        found.update(_send(text))
    if visit_type in VISIT_LETTERS:
        found["priority_action"] = _priority_action(text, paragraphs)
        found["focus_areas"] = _focus_areas(text, focus)
    if visit_type in VISIT_LETTERS or visit_type in REPORTS:
        heading = _LETTER_IMPROVE_HEADING if visit_type in VISIT_LETTERS else _REPORT_IMPROVE_HEADING
        improvements = _improvements(paragraphs, heading_list, heading)
        # A letter without the section has nothing to improve; a report without it says nothing either way.
        found["improvements"] = improvements if improvements is not None or visit_type not in VISIT_LETTERS else []
    found["sections"] = _sections(text, paragraphs, heading_list) or None
    return {name: value for name, value in found.items() if value is not None and value != {}}


def judgement_rows(judgements: dict[str, str] | None) -> Iterator[tuple[str, str]]:
    """(label, grade) for each judgement a document grades, in the order tables show them."""
    for key, label in JUDGEMENTS.items():
        if judgements and key in judgements:
            yield label, judgements[key]
