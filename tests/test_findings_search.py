"""Searching by what reports conclude: judgements, focus areas, SEND outcomes, priority action, improvements.

A small store of invented letters carries findings as the extractor records them (Found(value, "text")).
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import indexed_store

from corpus.findings import FOCUS_AREAS, GRADES, JUDGEMENTS, SEND_OUTCOMES
from corpus.letters import Found, Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.build import reindex
from indexer.facets import BY_NAME, FACETS
from webapp import create_app

CSS = Path(__file__).resolve().parent.parent / "webapp" / "static" / "letters.css"

AUTHORITIES = ["Leeds", "Dorset", "Kent", "York"]


def letter(letter_id: str, text: str, **fields: object) -> Letter:
    metadata = {name: Found(value, "text") for name, value in fields.items() if value is not None}
    return Letter(id=letter_id, text=text, source=f"test:{letter_id}", sha256=f"{letter_id}-v1", metadata=metadata)


def invented_letters() -> list[Letter]:
    """Reports with random judgements, visits with random focus areas, SEND reports with outcomes."""
    rng = random.Random(8)
    letters = []
    for number in range(30):
        judgements = {key: rng.choice(GRADES) for key in JUDGEMENTS if rng.random() < 0.8}
        letters.append(letter(
            f"report-{number:02d}", "The inspection of services for children found practice that varies.",
            title=f"Report {number}", authority=rng.choice(AUTHORITIES), visit_type="Children's services inspection",
            visit_start=f"{rng.randint(2015, 2024)}-03-0{rng.randint(1, 9)}", framework=rng.choice(["ILACS", "SIF"]),
            judgements=judgements, priority_action=rng.random() < 0.3,
            improvements=[rng.choice(["The quality of care plans.", "Supervision of social workers.",
                                      "Management oversight of strategy discussions."]),
                          "Timeliness of assessments for disabled children."],
        ))
    for number in range(20):
        letters.append(letter(
            f"visit-{number:02d}", "Inspectors looked at care plans and the front door during the visit.",
            title=f"Visit {number}", authority=rng.choice(AUTHORITIES), visit_type="Focused visit",
            visit_start=f"{rng.randint(2019, 2024)}-05-1{rng.randint(0, 9)}",
            focus_areas=rng.sample(FOCUS_AREAS, rng.randint(1, 2)), priority_action=rng.random() < 0.2,
        ))
    for number in range(8):
        letters.append(letter(
            f"send-{number:02d}", "The local area partnership's arrangements for children with SEND.",
            title=f"SEND {number}", authority=rng.choice(AUTHORITIES), visit_type="Area SEND inspection",
            visit_start="2024-01-15", framework="SEND 2023", send_outcome=SEND_OUTCOMES[number % 3],
        ))
    return letters


ALL = invented_letters()
BY_ID = {item.id: item for item in ALL}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_store(tmp_path_factory.mktemp("findings"), ALL)


@pytest.fixture(scope="module")
def index(data_dir: Path):
    with LetterIndex.open(data_dir) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(data_dir: Path):
    return create_app(data_dir, {"TESTING": True}).test_client()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def ids(results) -> set[str]:
    return {hit.id for hit in results.hits}


def grade(item: Letter, key: str) -> str | None:
    return (item.get("judgements") or {}).get(key)


@pytest.mark.parametrize("key", list(JUDGEMENTS))
def test_every_hit_satisfies_every_judgement_filter(index, key) -> None:
    for chosen in [[GRADES[3]], [GRADES[0], GRADES[2]]]:
        results = index.search("", per_page=100, **{key: chosen})
        assert ids(results) == {item.id for item in ALL if grade(item, key) in chosen}
    # Two judgements at once: both must hold.
    other = next(k for k in JUDGEMENTS if k != key)
    results = index.search("", per_page=100, **{key: ["Good", "Outstanding"], other: ["Inadequate"]})
    assert ids(results) == {item.id for item in ALL
                            if grade(item, key) in ("Good", "Outstanding") and grade(item, other) == "Inadequate"}


@pytest.mark.parametrize("name", ["overall_effectiveness", "focus_areas", "send_outcome", "priority_action"])
def test_facet_counts_equal_the_filtered_totals(index, name) -> None:
    facet = BY_NAME[name]
    everything = index.search("", authority=["Leeds", "Kent"])
    assert everything.facets[name], name
    for value, count in everything.facets[name]:
        assert index.search("", authority=["Leeds", "Kent"], **{facet.keyword: [value]}).total == count
    # Counted as if its own selection were not applied.
    value = everything.facets[name][0][0]
    assert index.search("", authority=["Leeds", "Kent"], **{facet.keyword: [value]}).facets[name] == \
        everything.facets[name]


def test_grades_and_focus_areas_are_listed_in_their_own_order(index) -> None:
    results = index.search("")
    grades = [value for value, _ in results.facets["overall_effectiveness"]]
    assert grades == [value for value in GRADES if value in grades] and len(grades) > 1
    areas = [value for value, _ in results.facets["focus_areas"]]
    assert areas == [value for value in FOCUS_AREAS if value in areas] and len(areas) > 3
    assert [value for value, _ in results.facets["priority_action"]] == ["yes", "no"]


QUERY_FORMS = {
    "help_and_protection:inadequate": lambda item: grade(item, "help_and_protection") == "Inadequate",
    "protection:inadequate": lambda item: grade(item, "help_and_protection") == "Inadequate",
    "in_care:RI": lambda item: grade(item, "children_in_care") == "Requires improvement",
    'overall:"requires improvement"': lambda item: grade(item, "overall_effectiveness") == "Requires improvement",
    "leavers:outstanding OR adoption:outstanding": lambda item: "Outstanding" in (
        grade(item, "care_leavers"), grade(item, "adoption")),
    'focus:"front door"': lambda item: "front door" in (item.get("focus_areas") or []),
    "priority:yes": lambda item: item.get("priority_action") is True,
    "priority:no type:focused": lambda item: item.get("priority_action") is False
    and item.get("visit_type") == "Focused visit",
    'send:"systemic failings"': lambda item: item.get("send_outcome") == "systemic failings",
}


@pytest.mark.parametrize("query", list(QUERY_FORMS))
def test_query_language_forms_of_the_findings(index, query) -> None:
    results = index.search(query, per_page=100)
    expected = {item.id for item in ALL if QUERY_FORMS[query](item)}
    assert expected and ids(results) == expected


def test_search_in_the_improvement_points_only(index) -> None:
    everywhere = index.search('"care plans"', per_page=100)
    within = index.search('improve:"care plans"', per_page=100)
    expected = {item.id for item in ALL if any("care plans" in point for point in item.get("improvements") or [])}
    assert expected and ids(within) == expected
    # The visits mention care plans in their text, not as improvement points.
    assert ids(everywhere) and all(found.startswith("visit") for found in ids(everywhere))
    assert ids(index.search("care plans", in_improvements=True, per_page=100)) == expected
    assert ids(index.search("improve:(care plans)", per_page=100)) == expected
    # The snippet is the improvement point itself, with the words marked.
    assert all(hit.to_dict()["snippet"] == "The quality of <mark>care plans</mark>." for hit in within.hits)
    assert "in what to improve" in within.interpreted
    assert ids(index.search("improve:(supervision OR oversight)", per_page=100)) == {
        item.id for item in ALL if any(word in " ".join(item.get("improvements") or []).lower()
                                       for word in ("supervision", "oversight"))}


def test_hits_carry_the_findings_in_json(index) -> None:
    hit = index.search("", visit_type=["Area SEND inspection"], sort="oldest").hits[0]
    assert hit.framework == "SEND 2023" and hit.send_outcome in SEND_OUTCOMES
    report = index.search("", overall_effectiveness=["Inadequate"]).to_dict()["hits"][0]
    source = BY_ID[report["id"]]
    assert report["judgements"] == source.get("judgements") and report["framework"] == source.get("framework")
    assert report["priority_action"] is source.get("priority_action")
    visit = index.search("", focus_area=["front door"]).to_dict()["hits"][0]
    assert "front door" in visit["focus_areas"] and visit["judgements"] == {}
    json.dumps(index.search("").to_dict())


def test_typed_values_resolve_as_people_write_them() -> None:
    assert BY_NAME["help_and_protection"].resolve("RI", []) == ["Requires improvement"]
    assert BY_NAME["priority_action"].resolve("Yes", []) == ["yes"]
    assert BY_NAME["focus_areas"].resolve("Front Door", []) == ["front door"]
    names = list(itertools.chain.from_iterable(facet.query_names for facet in FACETS))
    assert len(names) == len(set(names)), "two facets share a query-language name"


# On the search page ------------------------------------------------------------------------------


def test_each_report_shows_its_grades_in_words_with_a_colour(client) -> None:
    page = soup(client.get("/", query_string={"overall": "inadequate", "per_page": "100"}))
    hits = page.select("ol.hits > li")
    assert hits
    for hit in hits:
        badges = {badge.get_text(" ", strip=True): badge["class"] for badge in hit.select(".grade")}
        assert "Overall effectiveness: Inadequate" in badges
        assert "grade--inadequate" in badges["Overall effectiveness: Inadequate"]
    send = soup(client.get("/", query_string={"send": "systemic failings"})).select(".grade--systemic-failings")
    assert send and send[0].get_text(" ", strip=True) == "SEND outcome: systemic failings"


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_grade_colours_have_aa_contrast() -> None:
    rules = re.findall(r"(\.grade--[^{]+)\{([^}]*)\}", CSS.read_text())
    assert len(rules) >= 4
    for selector, body in rules:
        background = re.search(r"background: (#[0-9a-f]{6})", body).group(1)
        colour = {"#fff": "#ffffff"}.get(re.search(r"[^-]color: (#[0-9a-f]+)", body).group(1))
        colour = colour or re.search(r"[^-]color: (#[0-9a-f]{6})", body).group(1)
        light, dark = sorted([_luminance(background), _luminance(colour)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, selector


def test_the_sidebar_counts_the_findings_in_their_order(client) -> None:
    page = soup(client.get("/"))
    legends = [legend.get_text(" ", strip=True) for legend in page.select(".facet__legend")]
    for label in ("Overall effectiveness", "Focus area", "SEND outcome", "Areas for priority action"):
        assert label in legends
    grades = [box["value"] for box in page.select("input[name=overall]")]
    assert grades == [grade for grade in GRADES if grade in grades] and len(grades) > 1


def test_the_improvements_box_searches_only_the_improvement_points(client, index) -> None:
    expected = index.search('improve:"care plans"').total
    page = soup(client.get("/", query_string={"q": '"care plans"', "improvements": "1"}))
    assert page.select_one("#improvements").has_attr("checked")
    assert len(page.select("ol.hits > li")) == expected
    assert all(snippet.get_text() == "The quality of care plans." for snippet in page.select(".hit__snippet"))
    data = client.get("/api/search", query_string={"q": '"care plans"', "improvements": "1"}).get_json()
    assert data["total"] == expected and "in what to improve" in data["interpreted"]


def test_values_written_otherwise_are_held_as_the_contract_writes_them(tmp_path: Path) -> None:
    with LetterStore(tmp_path) as store:
        store.save(letter("one", "A visit.", focus_areas=["Front Door", "kinship care"],
                          judgements={"adoption": "good", "lscb": "Splendid"}))
        store.save(letter("two", "A visit.", focus_areas=["front door"]))
    reindex(tmp_path, workers=1)
    with LetterIndex.open(tmp_path) as index:
        results = index.search("")
        # Known areas in their order, an area outside the list after them; a grade that is none is left out.
        assert results.facets["focus_areas"] == [("front door", 2), ("kinship care", 1)]
        assert index.search("", adoption="Good").total == 1
        assert index.search("", lscb=["Good", "Inadequate"]).total == 0
