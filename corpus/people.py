"""The people a letter or report names: its inspectors, the person who signed it and the person it is addressed to.

Names come back as printed, without titles ("Ms", "Dr") or roles ("HMI", "Her Majesty's Inspector").
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.casing import each_case, in_order
from corpus.dates import ONE_DATE, SALUTATION, normalise
from corpus.visittypes import INSPECTION, SEND

_UPPER = "A-ZÀ-ÖØ-Þ"
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
# One word of a name: "Máire", "McEntee", "O’Brien", "Thomson-Jones", "Jenny-ellen", or an initial "J." .
_WORD = rf"(?:[{_UPPER}][{_LETTER}]*(?:[’'‘-][{_LETTER}]+)*|[{_UPPER}]\.?(?=\s))"
_PARTICLE = r"(?:de|van|von|der|den|du|da|di|le|la|del|bin|al)"
_NAME_RUN = re.compile(rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_WORD})*")

TITLES = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Cllr|Councillor|Rev|Revd)\.?\s+)+")
_POST_NOMINALS = {"OBE", "CBE", "MBE", "DBE", "KBE", "QPM", "BA", "MA", "MSc", "PhD", "FRSA"}

# Capitalised words that are never part of a person's name in these documents.
_NOT_NAME = {
    word.lower()
    # One string keeps this long list readable; a list literal would put each word on its own line.
    for word in """
    Her His Majesty Majesty's Majesty’s Inspector Inspectors Inspector's Inspector’s HMI HMIs SHMI HMCI
    Senior Lead Team Deputy Designate Ofsted CQC Care Quality Commission Social Schools School Children
    Children's Children’s Services Service Council Borough County City Local Authority Authorities
    Metropolitan District The This That These Their Our And With Both All Two Three Four Five Six Who Visit
    Focused Inspection Inspections Manager Assurance Director Regional Executive Chief Officer Education
    Skills England London Royal Trust Partnership Area SEND Judgement Grade Age Group Published Report
    Shadow Observer Additional Associate Health Commissioning Thank Yours Dear Department COVID Coronavirus
    ILACS JTAI Framework Government Office Standards Piccadilly Gate Store Street Manchester Textphone Dates
    Date Previous Outcome HMIs’ Observed Agreed Following People People's People’s Inspectorate Probation
    Constabulary Rescue Safeguarding Board Agency Regulatory
    """.split()  # noqa: SIM905
}

# Roles printed next to names: removed before names are read, so that "A, HMI, and B" splits cleanly.
_ROLES = re.compile(
    r"\((?:[^()]{0,60})\)"
    r"|\b(?:Her|His)\s+Majesty[’'‘]?s?\s+(?:Chief\s+)?Inspectors?\b"
    r"|\bSenior\s+HMI\b|\bS?HMIs?\b|\bOfsted\s+(?:HMI\s+)?Inspectors?\b"
    r"|\b(?:HMI\s+)?[Dd]esignate\b|\b(?:[Ll]ead|[Tt]eam|[Dd]eputy\s+lead|[Ss]hadow)\s+[Ii]nspectors?\b"
    r"|\bSocial\s+Care\b|\bSchools\b|\b[Qq]uality\s+[Aa]ssurance\s+[Mm]anager\b",
)

# Sentences of a letter that name its visitors, and where in each the names begin.
_NAMING = re.compile(
    r"\binspectors?\b(?:\s*\([^)]{0,20}\))?(?:\s+for\s+(?:this|the)\s+(?:focused\s+|monitoring\s+)?"
    r"(?:visit|inspection))?\s+(?:were|was|are|is|included?)\b"
    r"|\b(?:conducted|carried\s+out|undertaken|led|completed|made|observed|shadowed|supported|accompanied)\s+by\b"
    r"|\binspectors?\s*:\s*(?=[A-ZÀ-Þ])"
    r"|\bquality\s+assurance\s+manager\s+(?:was|is)\b"
    r"|\b(?:lead|team)\s+inspectors?,?\s+(?=[A-ZÀ-Þ])"
    r"|\b(?:meeting|met)\s+with\b",
    re.IGNORECASE,
)
_WHOLE_SENTENCE = re.compile(
    r"\bshadow(?:ed|ing|s)?\b|\bobserved\s+(?:the|this)\s+(?:visit|inspection)\b|\bdesignate\b"
    r"|\b(?:HMI|Ofsted\s+Inspector)\b|Majesty[’'‘]s\s+Inspector",
    re.IGNORECASE,
)
# Where a letter's opening stops and its findings start.
_FINDINGS = re.compile(
    r"\b(?:Inspectors|They)\s+(?:looked|evaluated|considered|reviewed|focused|also)\b|\barrangements\s+for\b"
    r"|\bHeadline findings\b|\bMain findings\b|\bOverview\b|\bAreas? for priority action\b|\bYours\s+sincerely",
    re.IGNORECASE,
)
# The full stop that ends a sentence: before a capital or an opening quote, not after an initial or a title ("J. Ann",
# "Mrs. Jones"). The stop leads (the letters before it checked after it): a fast scan.
_SENTENCE_END = re.compile(r"\.(?<!\b[A-Z]\.)(?<!\bM[rs]\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)\s+(?=[A-Z‘“\"(])")


@lru_cache(maxsize=16)  # finding inspectors and the signatory flatten the same whole text
def _flatten(text: str) -> str:
    """One line of text: line-break hyphens and PDF soft hyphens rejoined, so names split over lines read whole."""
    text = text.replace("\ufffe", "-").replace("\u00ad", "-").replace("\u2010", "-").replace("\u2011", "-")
    text = normalise(text)
    return re.sub(rf"-(?<=[{_LETTER}]-) (?=[{_LETTER}])", "-", text)  # starts with its literal: a fast scan


def _clean_name(name: str) -> str | None:
    name = TITLES.sub("", name.strip(" ,.")).strip()
    words = [word for word in name.split() if word not in _POST_NOMINALS]
    if len(words) < 2 or len(words) > 5:
        return None
    return " ".join(words)


def _names_in(clause: str) -> list[str]:
    """Every person's name in a stretch of text, in order, roles and titles removed."""
    clause = _ROLES.sub(" , ", clause)
    names = []
    for run in _NAME_RUN.finditer(clause):
        part: list[str] = []
        # A run like "Teresa Godfrey Inspectors" (no full stop before the next sentence) ends at the first non-name.
        for word in [*run.group().split(), ""]:
            is_title = bool(TITLES.fullmatch(word + " "))
            if word and not is_title and word.strip(".").lower() not in _NOT_NAME:
                part.append(word)
                continue
            if is_title and not part:
                continue
            name = _clean_name(" ".join(part))
            if name:
                names.append(name)
            part = []
    return names


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        key = name.lower().replace("-", " ")
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def _letter_body(flat: str) -> str:
    """The letter from its salutation to its sign-off."""
    dear = SALUTATION.search(flat)
    body = flat[dear.end() :] if dear else flat
    sign_off = next(in_order(_SIGN_OFFS, body), None)
    return body[: sign_off.start()] if sign_off else body


def _letter_opening(body: str) -> str:
    """The letter's first paragraphs, before its findings start: where visitors are named."""
    end = _FINDINGS.search(body)
    return body[: end.start() if end else 3000][:3000]


def _visitors_in(sentences: list[str]) -> tuple[list[str], list[str]]:
    """Names in sentences that name visitors, and names merely printed beside an inspector's role."""
    names: list[str] = []
    loose: list[str] = []
    for sentence in sentences:
        if re.search(r"Chief\s+Inspector", sentence):
            continue
        cue = _NAMING.search(sentence)
        if cue:
            clause = (
                sentence[cue.start() :] if cue.group().lower().startswith(("lead", "team")) else sentence[cue.end() :]
            )
            if re.match(r"(?:meeting|met)", cue.group(), re.IGNORECASE):
                # "Thank you for meeting with A, Senior HMI, B HMI and me on 16 July": "me" is the signer, who
                # is no name here; the names end where the meeting's date or purpose begins.
                clause = re.split(r"\s+on\s+(?:the\s+)?\d|\s+(?:to|about|at|in)\s+[a-z]", clause)[0]
            names += _names_in(clause)
            if _WHOLE_SENTENCE.search(sentence[: cue.start()]) and re.search(
                r"shadow|observ|designate", sentence, re.I
            ):
                names += _names_in(sentence[: cue.start()])
        elif _WHOLE_SENTENCE.search(sentence):
            found = _names_in(sentence)
            if re.search(r"shadow|observ|designate", sentence, re.IGNORECASE):
                names += found
            else:
                loose += found
    return names, loose


def _visitors_in_letter(flat: str) -> list[str]:
    body = _letter_body(flat)
    names, loose = _visitors_in(_sentences(_letter_opening(body)))
    if names or loose:
        return _unique(names or loose)
    # Some letters name their inspectors after the findings begin: there, only a sentence that both names
    # visitors and gives an inspector's role counts, so people merely mentioned in the findings stay out.
    later = [
        sentence
        for sentence in _sentences(body)
        if _NAMING.search(sentence) and _WHOLE_SENTENCE.search(sentence) and not re.search(r"meeting|met\s", sentence)
    ]
    return _unique(_visitors_in(later)[0])


# "Lead inspector: A", "Reporting inspector A": one pattern per first word, each led by it (the word boundary before
# it checked after it), for a fast scan of the whole text.
_REPORT_LEADS = tuple(
    re.compile(rf"{word}(?<!\w{word})\s+{role}\s*:?\s*(?=[A-ZÀ-Þ])")
    for word, role in (("Lead", "inspectors?"), ("Reporting", "inspector"))
)
_REPORT_FIELD_END = re.compile(
    r"\b(?:Judgement|Deputy|Team\s+inspectors?|Senior\s+data|Quality\s+assurance|Shadow|Age\s+group|Published"
    r"|Report\s+published|Inspection|Overall|The\s+overall|Any\s+complaints|Contents|Additional)\b"
)


def _lead_inspectors_of_report(flat: str) -> list[str]:
    for cue in in_order(_REPORT_LEADS, flat):
        if not re.match(r"Reporting|Lead\s+inspectors?\s*:", cue.group(), re.IGNORECASE):
            continue
        field = flat[cue.end() : cue.end() + 200]
        end = _REPORT_FIELD_END.search(field)
        names = _names_in(field[: end.start() if end else len(field)])
        if names:
            return _unique(names)
    return []


def _lead_inspectors_of_send(flat: str) -> list[str]:
    """Everyone the team table at the end of an Area SEND report calls a lead inspector (Ofsted's and the CQC's)."""
    team = flat.rfind("Inspection team")
    if team < 0:
        return []
    table = flat[team + len("Inspection team") : team + 1500]
    names = []
    previous_end = 0
    for lead in re.finditer(r"\blead\s+inspector\b(\s*:)?", table, re.IGNORECASE):
        if lead.group(1):
            # "Ofsted lead inspector: A": the name follows the role.
            candidates = _names_in(table[lead.end() : lead.end() + 60])[:1]
        else:
            # "A, Ofsted HMI Lead inspector": the name is the last one printed before the role.
            candidates = _names_in(table[previous_end : lead.start()])[-1:]
        names += candidates
        previous_end = lead.end()
    return _unique(names)


def find_inspectors(text: str, visit_type: str | None = None) -> list[str]:
    """The inspectors a document names, in order of appearance, without titles or roles; [] when nobody is named.

    Letters: everyone named as visiting (shadowing and quality-assurance inspectors included); annual engagement
    meetings: those met, not the signer; full inspection reports: the lead inspector(s); Area SEND reports: the
    lead inspectors in the closing team table (Ofsted's and the CQC's).
    """
    flat = _flatten(text)
    # A report has no salutation; its shape decides when the visit type is unknown or mistaken.
    is_letter = bool(SALUTATION.search(flat[:5000]))
    leads: list[str] = []
    if visit_type == SEND or (not is_letter and re.search(r"Area SEND", flat[:3000])):
        leads = _lead_inspectors_of_send(flat)
    elif visit_type == INSPECTION or (not is_letter and any(lead.search(flat) for lead in _REPORT_LEADS)):
        leads = _lead_inspectors_of_report(flat)
    else:
        return _visitors_in_letter(flat)
    # Older SEND and inspection outcomes came as letters: read them as letters when no report header names anyone.
    return leads or (_visitors_in_letter(flat) if is_letter else [])


# "Yours sincerely", split by its first letter's case (casing.each_case), for a fast scan of the whole text.
_SIGN_OFFS = each_case("y", r"(?<!\w.)ours?\s+(?:sincerely|faithfully|truly)\s*,?\s*")


def find_signatory(text: str) -> str | None:
    """The name signed under "Yours sincerely" (or, with no sign-off, above the closing role line)."""
    flat = _flatten(text)
    sign_offs = list(in_order(_SIGN_OFFS, flat))
    if sign_offs:
        sign_off = sign_offs[-1]
        names = _names_in(flat[sign_off.end() : sign_off.end() + 120])
        return names[0] if names else None
    if not SALUTATION.search(flat[:5000]):
        return None  # a report, not a letter: nobody signs it
    closing = re.search(
        rf"({_WORD}(?:\s+{_WORD}){{1,3}})\.?,?\s+(?:Her|His)\s+Majesty[’'‘]?s\s+Inspector\W*$", flat[-300:]
    )
    if closing:
        names = _names_in(closing.group(1))
        return names[-1] if names else None
    return None


_ROLE_LINE = re.compile(
    r"\b(?:Director|Executive|Chief|Officer|Council|Borough|County|Corporate|Interim|Acting|Head|Manager|Services"
    r"|Department|Directorate|Hall|House|Offices?|Street|Road|Centre|Leader|Chair|Commissioner|Buildings?|Civic"
    r"|Square|Lane|Avenue|Place|Court|Park|Gate|Gateway|Way|Floor|Box|Quay|Wharf|Crescent|Terrace|Drive|Close)\b",
    re.IGNORECASE,
)


def _is_date_line(line: str) -> bool:
    return bool(ONE_DATE.fullmatch(re.sub(r"^Date\s*:?\s*", "", line).rstrip(".,")))


def find_recipient(text: str) -> str | None:
    """The addressee's full name from the letter's header (the name line after its date), without title; else None.

    Joint addressees come back as printed ("A Person and B Person"). A salutation alone ("Dear Ms X") is not a
    full name, so a letter whose header names nobody gives None.
    """
    head = SALUTATION.split(text, maxsplit=1)
    if len(head) != 2:
        return None
    # Raw PDF text may print page 1's header block after the salutation, so look on page 1 too.
    lines = [normalise(_flatten(line)).strip() for line in head[0].splitlines()]
    if not any(map(_is_date_line, lines)):
        lines = [normalise(_flatten(line)).strip() for line in text.split("\f", 1)[0][:5000].splitlines()]
    dated = [number for number, line in enumerate(lines) if _is_date_line(line)]
    if not dated:
        return None
    after = []
    for line in lines[dated[0] + 1 : dated[0] + 12]:
        if re.match(r"Dear\b", line):
            break
        after.append(line)
    # The name usually follows the date; a few letters print the address block first.
    for line in [*after, *lines[max(0, dated[0] - 10) : dated[0]]]:
        candidate = re.sub(r"\([^)]*\)", "", line).split(",")[0].strip()
        if not candidate or _ROLE_LINE.search(candidate):
            continue
        people = [TITLES.sub("", person).strip() for person in re.split(r"\s+(?:and|&)\s+", candidate)]
        names = [_clean_name(person) for person in people]
        if all(names) and all(_names_in(person) == [person] for person in names):
            return " and ".join(names)
    return None
