"""Authorities and inspectors as the index knows them: each one's letters, latest judgements and history.

One Directory is built per index generation from the facet table, so every page it answers agrees with search.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any

from corpus.findings import GRADES, JUDGEMENTS
from corpus.gazetteer import Authority, all_authorities, authority_by_code, authority_by_name, authority_by_urn
from corpus.site import DEFAULT_BASE_URL, provider_url
from corpus.visittypes import FOCUSED, INSPECTION
from indexer.request import InvalidRequest, Problem
from indexer.schema import displayed

FIRST_IMPROVEMENTS = 3  # improvement items a timeline shows per letter


def slug(name: str) -> str:
    """A name as a URL part, accents folded, lower case, hyphens between words: bristol-city-of."""
    folded = unicodedata.normalize("NFKD", name.replace("’", "").replace("'", ""))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


def inspector_key(name: str) -> str:
    """One inspector however their name is printed: accents, case and middle initials do not count."""
    words = name.split()
    if len(words) > 2:
        words = [words[0], *(word for word in words[1:-1] if len(word.strip(".")) > 1), words[-1]]
    return slug(" ".join(words))


@dataclass
class LetterBrief:
    """One letter as the authority and inspector pages list it."""

    id: str
    title: str | None
    authority: str | None
    visit_type: str | None
    date: date | None  # the visit's start, else publication: the date search sorts by
    published: date | None
    inspectors: list[str]
    framework: str | None = None
    judgements: dict[str, str] = field(default_factory=dict)
    send_outcome: str | None = None
    priority_action: bool | None = None
    focus_areas: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        for name in ("date", "published"):
            record[name] = record[name].isoformat() if record[name] else None
        return record


# A brief's fields read as they are stored (indexer.schema.displayed); its date and improvements are derived.
BRIEF_FIELDS = tuple(f.name for f in dataclass_fields(LetterBrief) if f.name not in ("date", "improvements"))


@dataclass
class AuthoritySummary:
    """One authority's row of the national picture."""

    name: str
    slug: str
    ons_code: str
    urn: str | None
    region: str
    current: bool
    letters: int
    latest_inspection: LetterBrief | None
    latest_focused_visit: LetterBrief | None

    @property
    def overall(self) -> str | None:
        """The overall effectiveness grade of the latest full inspection that gave one."""
        return self.latest_inspection.judgements.get("overall_effectiveness") if self.latest_inspection else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "slug": self.slug,
            "ons_code": self.ons_code,
            "urn": self.urn,
            "region": self.region,
            "current": self.current,
            "letters": self.letters,
            "latest_inspection": self.latest_inspection.to_dict() if self.latest_inspection else None,
            "latest_focused_visit": self.latest_focused_visit.to_dict() if self.latest_focused_visit else None,
        }


@dataclass
class AuthorityDetail:
    """Everything the authority page shows: its summary, judgement history, timeline and neighbours."""

    summary: AuthoritySummary
    ofsted_page: str | None
    history: list[LetterBrief]  # graded inspections, newest first
    timeline: list[LetterBrief]  # every letter, newest first
    neighbours: list[AuthoritySummary]
    inspectors: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "ofsted_page": self.ofsted_page,
            "history": [brief.to_dict() for brief in self.history],
            "timeline": [brief.to_dict() for brief in self.timeline],
            "neighbours": [neighbour.to_dict() for neighbour in self.neighbours],
            "inspectors": [[name, count] for name, count in self.inspectors],
        }


@dataclass
class InspectorSummary:
    """One inspector: the names they are printed under, their letters, years and visit types."""

    name: str
    slug: str
    variants: list[str]
    letters: int
    first_year: int | None
    last_year: int | None
    visit_types: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["visit_types"] = [[name, count] for name, count in self.visit_types]
        return record


@dataclass
class InspectorDetail:
    """An inspector's page: their letters, the authorities they visited and who they inspected with."""

    summary: InspectorSummary
    letters: list[LetterBrief]
    authorities: list[tuple[str, int]]
    colleagues: list[tuple[InspectorSummary, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "letters_list": [brief.to_dict() for brief in self.letters],
            "authorities": [[name, count] for name, count in self.authorities],
            "colleagues": [[colleague.name, count] for colleague, count in self.colleagues],
        }


class Directory:
    """Authorities and inspectors over one searcher's letters (built once per index generation)."""

    def __init__(self, searcher: Any, table: Any) -> None:
        self._searcher = searcher
        self._briefs: dict[int, LetterBrief] = {}
        live = sorted(table.live)
        days = table.days
        authorities, visit_types = table.values["authority"], table.values["visit_type"]
        inspectors = table.values["inspectors"]
        newest_first = sorted(live, key=lambda d: (-days[d], table.ids[d]))
        self._by_authority: dict[str, list[int]] = defaultdict(list)
        self._by_inspector: dict[str, list[int]] = defaultdict(list)
        printed: dict[str, Counter[str]] = defaultdict(Counter)
        for docnum in newest_first:
            if authorities[docnum]:
                self._by_authority[authorities[docnum]].append(docnum)
            for name in inspectors[docnum]:
                key = inspector_key(name)
                if key not in self._by_inspector or self._by_inspector[key][-1] != docnum:
                    self._by_inspector[key].append(docnum)
                printed[key][name] += 1
        self._visit_types = visit_types
        self._days = days
        self._inspector_names = inspectors
        self._by_slug = {slug(authority.name): authority for authority in self._authorities()}
        self._summaries = {authority.name: self._summarise(authority, self._by_authority.get(authority.name, []))
                           for authority in self._by_slug.values()}
        self._inspectors = {
            key: self._inspector_summary(key, names, self._by_inspector[key]) for key, names in printed.items()
        }

    # Letters ---------------------------------------------------------------------------------------

    def brief(self, docnum: int) -> LetterBrief:
        """A letter's brief, read from its stored fields once."""
        found = self._briefs.get(docnum)
        if found is None:
            shown = displayed(self._searcher.stored_fields(docnum))
            found = self._briefs[docnum] = LetterBrief(
                **{name: shown[name] for name in BRIEF_FIELDS},
                date=shown["visit_start"] or shown["published"],
                improvements=shown["improvements"][:FIRST_IMPROVEMENTS],
            )
        return found

    # Authorities -----------------------------------------------------------------------------------

    def _authorities(self) -> list[Authority]:
        """Every current authority, and the former ones that have letters."""
        return [authority for authority in all_authorities(include_former=True)
                if authority.current or authority.name in self._by_authority]

    def _summarise(self, authority: Authority, letters: list[int]) -> AuthoritySummary:
        latest_inspection = next((self.brief(d) for d in letters if self._visit_types[d] == INSPECTION
                                  and self.brief(d).judgements), None)
        latest_focused = next((self.brief(d) for d in letters if self._visit_types[d] == FOCUSED), None)
        return AuthoritySummary(
            name=authority.name,
            slug=slug(authority.name),
            ons_code=authority.ons_code,
            urn=authority.urn,
            region=authority.region,
            current=authority.current,
            letters=len(letters),
            latest_inspection=latest_inspection,
            latest_focused_visit=latest_focused,
        )

    def authorities(self) -> list[AuthoritySummary]:
        """The national picture: one summary per authority, in name order."""
        return list(self._summaries.values())

    def find_authority(self, name_or_code: str) -> Authority | None:
        """The authority a slug, name (any usual form), ONS code or URN means."""
        wanted = name_or_code.strip()
        if wanted.lower() in self._by_slug:
            return self._by_slug[wanted.lower()]
        found = authority_by_code(wanted) or authority_by_urn(wanted) or authority_by_name(wanted)
        return found if found and found.name in self._summaries else None

    def authority(self, name_or_code: str) -> AuthorityDetail | None:
        """One authority's page; None for a name or code no authority has."""
        authority = self.find_authority(name_or_code)
        if authority is None:
            return None
        letters = self._by_authority.get(authority.name, [])
        timeline = [self.brief(d) for d in letters]
        people = Counter(name for brief in timeline for name in brief.inspectors)
        neighbours = [self._summaries[found.name] for code in authority.neighbours
                      if (found := authority_by_code(code)) and found.name in self._summaries]
        return AuthorityDetail(
            summary=self._summaries[authority.name],
            ofsted_page=provider_url(DEFAULT_BASE_URL, authority.urn) if authority.urn else None,
            history=[brief for brief in timeline if brief.visit_type == INSPECTION and brief.judgements],
            timeline=timeline,
            neighbours=neighbours,
            inspectors=sorted(people.items(), key=lambda item: (-item[1], item[0])),
        )

    def grade_by_region(self) -> dict[str, Counter[str]]:
        """Current authorities per region, counted by the overall grade of their latest inspection."""
        regions: dict[str, Counter[str]] = defaultdict(Counter)
        for summary in self._summaries.values():
            if summary.current:
                regions[summary.region][summary.overall or "Not graded"] += 1
        return dict(sorted(regions.items()))

    def grade_by_year(self) -> dict[int, Counter[str]]:
        """Full inspections per year of the visit, counted by their overall grade."""
        years: dict[int, Counter[str]] = defaultdict(Counter)
        for letters in self._by_authority.values():
            for docnum in letters:
                if self._visit_types[docnum] != INSPECTION or not self._days[docnum]:
                    continue
                grade = self.brief(docnum).judgements.get("overall_effectiveness")
                if grade in GRADES:
                    years[date.fromordinal(self._days[docnum]).year][grade] += 1
        return dict(sorted(years.items()))

    # Inspectors ------------------------------------------------------------------------------------

    def _inspector_summary(self, key: str, names: Counter[str], letters: list[int]) -> InspectorSummary:
        years = [date.fromordinal(self._days[d]).year for d in letters if self._days[d]]
        types = Counter(self._visit_types[d] for d in letters if self._visit_types[d])
        return InspectorSummary(
            # The form printed most often; ties go to capitals, then the longest (accents and full names say more).
            name=max(names, key=lambda name: (names[name], name != name.lower(), len(name), name)),
            slug=key,
            variants=sorted(names),
            letters=len(letters),
            first_year=min(years) if years else None,
            last_year=max(years) if years else None,
            visit_types=sorted(types.items(), key=lambda item: (-item[1], item[0])),
        )

    def inspectors(self) -> list[InspectorSummary]:
        """Every inspector named in a letter, in order of their surname."""
        return sorted(self._inspectors.values(), key=lambda s: (s.slug.split("-")[-1], s.slug))

    def inspector_for(self, name: str) -> InspectorSummary | None:
        """The inspector a printed name (or slug) means."""
        return self._inspectors.get(inspector_key(name))

    def inspector(self, name: str) -> InspectorDetail | None:
        """One inspector's page; None for a name no letter prints."""
        summary = self.inspector_for(name)
        if summary is None:
            return None
        letters = [self.brief(d) for d in self._by_inspector[summary.slug]]
        authorities = Counter(brief.authority for brief in letters if brief.authority)
        colleagues = Counter(
            inspector_key(other) for brief in letters for other in dict.fromkeys(brief.inspectors)
            if inspector_key(other) != summary.slug
        )
        return InspectorDetail(
            summary=summary,
            letters=letters,
            authorities=sorted(authorities.items(), key=lambda item: (-item[1], item[0])),
            colleagues=[(self._inspectors[key], count)
                        for key, count in sorted(colleagues.items(), key=lambda item: (-item[1], item[0]))],
        )

    def names_like(self, text: str, authorities: bool) -> list[str]:
        """Names close to `text`, for a did-you-mean on a page that does not exist."""
        names = ([summary.name for summary in self._summaries.values()] if authorities
                 else [summary.name for summary in self._inspectors.values()])
        keys = {slug(name): name for name in names}
        return [keys[key] for key in difflib.get_close_matches(slug(text), list(keys), n=3, cutoff=0.6)]



# The national table's columns: name → (heading, sort key of a summary). One home for the page, CSV and CLI.
def _grade_rank(grade: str | None) -> int:
    return GRADES.index(grade) if grade in GRADES else len(GRADES)


def _judgement(key: str) -> Any:
    return lambda s: _grade_rank(s.latest_inspection.judgements.get(key) if s.latest_inspection else None)


def _day(brief: LetterBrief | None) -> int:
    return brief.date.toordinal() if brief and brief.date else 0


# Column headings of the national table where a judgement's own label is too long for it.
SHORT_LABELS = {"overall_effectiveness": "Overall", "impact_of_leaders": "Leaders", "children_in_care": "In care"}
AUTHORITY_SORTS: dict[str, tuple[str, Any]] = {
    "name": ("Authority", lambda s: s.name.lower()),
    "region": ("Region", lambda s: (s.region, s.name.lower())),
    "inspected": ("Latest inspection", lambda s: _day(s.latest_inspection)),
    **{key: (SHORT_LABELS.get(key, label), _judgement(key)) for key, label in JUDGEMENTS.items()},
    "focused": ("Latest focused visit", lambda s: _day(s.latest_focused_visit)),
    "letters": ("Letters", lambda s: s.letters),
}


NOT_GRADED = "Not graded"
GRADE_CHOICES = (*GRADES, NOT_GRADED)
MAX_ARGUMENT_CHARS = 200


def select_authorities(
    summaries: list[AuthoritySummary],
    *,
    region: str | None = None,
    grade: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> list[AuthoritySummary]:
    """The rows of the national table: of one region and latest overall grade if given (any case), sorted by a
    column. `grade` "Not graded" picks authorities with no graded inspection; rows with no value sort last.

    The page, its JSON and CSV and `letters authorities` all choose through here: InvalidRequest lists every
    value that cannot be used, with the ones that can.
    """
    problems = []
    regions = sorted({summary.region for summary in summaries})
    if region is not None and region.lower() not in {known.lower() for known in regions}:
        problems.append(Problem("region", f"There is no region “{region[:MAX_ARGUMENT_CHARS]}”: choose one of "
                                          f"{', '.join(regions)}."))
    if grade is not None and grade.lower() not in {known.lower() for known in GRADE_CHOICES}:
        problems.append(Problem("grade", f"“{grade[:MAX_ARGUMENT_CHARS]}” is not a grade: choose one of "
                                         f"{', '.join(GRADE_CHOICES)}."))
    if sort not in AUTHORITY_SORTS:
        problems.append(Problem("sort", f"Sort by one of {', '.join(AUTHORITY_SORTS)}, not “{sort[:40]}”."))
    if problems:
        raise InvalidRequest(problems)
    rows = [s for s in summaries
            if (region is None or s.region.lower() == region.lower())
            and (grade is None or (s.overall or NOT_GRADED).lower() == grade.lower())]
    key = AUTHORITY_SORTS[sort][1]
    rows.sort(key=lambda s: s.name.lower())
    rows.sort(key=key, reverse=descending)
    return rows


AUTHORITY_COLUMNS = (
    "name", "slug", "ons_code", "urn", "region", "current", "letters",
    "inspection_id", "inspection_date", "framework", *JUDGEMENTS,
    "focused_visit_id", "focused_visit_date", "focus_areas", "priority_action",
)


def authority_row(summary: AuthoritySummary) -> dict[str, Any]:
    """One row of /authorities.csv and `letters authorities --csv` (columns: AUTHORITY_COLUMNS)."""
    inspection, visit = summary.latest_inspection, summary.latest_focused_visit
    judgements = inspection.judgements if inspection else {}
    return {
        "name": summary.name,
        "slug": summary.slug,
        "ons_code": summary.ons_code,
        "urn": summary.urn or "",
        "region": summary.region,
        "current": "yes" if summary.current else "no",
        "letters": summary.letters,
        "inspection_id": inspection.id if inspection else "",
        "inspection_date": inspection.date.isoformat() if inspection and inspection.date else "",
        "framework": (inspection.framework or "") if inspection else "",
        **{key: judgements.get(key, "") for key in JUDGEMENTS},
        "focused_visit_id": visit.id if visit else "",
        "focused_visit_date": visit.date.isoformat() if visit and visit.date else "",
        "focus_areas": "; ".join(visit.focus_areas) if visit else "",
        "priority_action": ("yes" if visit.priority_action else "no")
        if visit and visit.priority_action is not None else "",
    }


def authorities_csv(summaries: list[AuthoritySummary]) -> str:
    """The national table as CSV text: /authorities.csv and `letters authorities --csv` alike."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AUTHORITY_COLUMNS)
    writer.writeheader()
    writer.writerows(authority_row(summary) for summary in summaries)
    return buffer.getvalue()
