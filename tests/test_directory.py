"""Authority and inspector pages, the national table and their JSON, CSV and CLI, on invented letters.

Every count on these pages must equal the matching filtered search; grades equal the latest report's.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import indexed_store

from corpus.gazetteer import all_authorities, authority_by_name
from corpus.letters import Found, Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.build import reindex
from indexer.directory import inspector_key, slug
from letters.cli import main
from webapp import create_app

ATOM = "{http://www.w3.org/2005/Atom}"

INSPECTION, FOCUSED = "Children's services inspection", "Focused visit"
HOSTILE_INSPECTOR = "Zed <b>Bold</b> O'Person"


def letter(letter_id: str, **fields: object) -> Letter:
    metadata = {name: Found(value, "text") for name, value in fields.items()}
    text = f"{fields.get('title', letter_id)}. The inspectors wrote about children and their plans."
    return Letter(id=letter_id, text=text, source=f"test:{letter_id}", sha256=f"{letter_id}-v1", metadata=metadata)


def inspection(letter_id: str, authority: str, start: str, judgements: dict[str, str], inspectors: list[str],
               framework: str = "ILACS") -> Letter:
    found = authority_by_name(authority)
    assert found is not None
    return letter(letter_id, title=f"Inspection of {authority}", authority=found.name, region=found.region,
                  authority_code=found.ons_code, visit_type=INSPECTION, visit_start=start, published=start,
                  framework=framework, judgements=judgements, inspectors=inspectors,
                  improvements=["Improve the quality of plans.", "Strengthen management oversight."])


def focused(letter_id: str, authority: str, start: str, focus: list[str], priority: bool,
            inspectors: list[str]) -> Letter:
    found = authority_by_name(authority)
    assert found is not None
    return letter(letter_id, title=f"Focused visit to {authority}", authority=found.name, region=found.region,
                  authority_code=found.ons_code, visit_type=FOCUSED, visit_start=start, published=start,
                  focus_areas=focus, priority_action=priority, improvements=["Reduce drift for children."],
                  inspectors=inspectors)


GOOD = "Good"
LETTERS = [
    inspection("leeds-2018", "Leeds", "2018-03-05", {"overall_effectiveness": "Requires improvement",
               "impact_of_leaders": GOOD, "help_and_protection": "Requires improvement",
               "children_in_care": GOOD}, ["Máire O'Neill", "Tom Baker"]),
    inspection("leeds-2024", "Leeds", "2024-01-15", {"overall_effectiveness": "Outstanding",
               "impact_of_leaders": "Outstanding", "help_and_protection": GOOD, "children_in_care": "Outstanding",
               "care_leavers": GOOD}, ["Maire O'Neill", "Ann Lee"]),
    focused("leeds-fv-2021", "Leeds", "2021-06-02", ["front door"], False, ["Máire J. O'Neill"]),
    focused("leeds-fv-2022", "Leeds", "2022-09-12", ["care leavers"], True, ["Tom Baker", HOSTILE_INSPECTOR]),
    inspection("dorset-2019", "Dorset", "2019-11-04", {"overall_effectiveness": "Inadequate",
               "impact_of_leaders": "Inadequate", "help_and_protection": "Inadequate",
               "children_in_care": "Requires improvement"}, ["Ann Lee"]),
    inspection("kent-2015", "Kent", "2015-02-02", {"overall_effectiveness": GOOD, "lscb": GOOD,
               "adoption": "Outstanding"}, ["Sam Hill"], framework="SIF"),
    focused("kent-fv-2020", "Kent", "2020-10-06", ["covid-19"], False, ["sam hill"]),
    inspection("northants-2016", "Northamptonshire", "2016-05-09", {"overall_effectiveness": "Inadequate"},
               ["Jo Park"], framework="SIF"),
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_store(tmp_path_factory.mktemp("directory"), LETTERS)


@pytest.fixture(scope="module")
def index(data_dir: Path):
    with LetterIndex.open(data_dir) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(data_dir: Path):
    return create_app(data_dir, {"TESTING": True}).test_client()


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_every_current_authority_is_listed_and_former_ones_only_with_letters(index) -> None:
    names = {summary.name for summary in index.authorities()}
    assert {authority.name for authority in all_authorities()} <= names
    assert "Northamptonshire" in names  # former, with a letter
    former_without = {a.name for a in all_authorities(include_former=True) if not a.current} - {"Northamptonshire"}
    assert not names & former_without


def test_latest_grades_are_the_latest_reports_judgements(index) -> None:
    leeds = next(summary for summary in index.authorities() if summary.name == "Leeds")
    assert leeds.latest_inspection.id == "leeds-2024"
    assert leeds.latest_inspection.judgements == LETTERS[1].get("judgements")
    assert leeds.overall == "Outstanding"
    assert leeds.latest_focused_visit.id == "leeds-fv-2022"
    assert leeds.latest_focused_visit.priority_action is True
    assert leeds.latest_focused_visit.focus_areas == ["care leavers"]


def test_authority_counts_equal_the_filtered_search(index) -> None:
    for summary in index.authorities():
        if summary.letters:
            assert summary.letters == index.search("", authority=summary.name).total, summary.name


def test_authority_found_by_slug_name_code_and_urn(index) -> None:
    leeds = authority_by_name("Leeds")
    for asked in ("leeds", "Leeds City Council", leeds.ons_code, leeds.urn):
        detail = index.authority(asked)
        assert detail is not None and detail.summary.name == "Leeds", asked
    assert index.authority("Atlantis") is None
    detail = index.authority("leeds")
    assert [brief.id for brief in detail.history] == ["leeds-2024", "leeds-2018"]
    assert [brief.id for brief in detail.timeline] == ["leeds-2024", "leeds-fv-2022", "leeds-fv-2021", "leeds-2018"]
    assert len(detail.neighbours) == 10
    assert [n.ons_code for n in detail.neighbours] == list(leeds.neighbours)


def test_inspector_variants_are_one_inspector(index) -> None:
    assert inspector_key("Máire O'Neill") == inspector_key("maire o'neill") == inspector_key("Máire J. O'Neill")
    assert inspector_key("Ann Lee") != inspector_key("Anne Lee")
    maire = index.inspector("Maire O'Neill")
    assert maire is not None
    assert maire.summary.letters == 3
    assert set(maire.summary.variants) == {"Máire O'Neill", "Maire O'Neill", "Máire J. O'Neill"}
    assert maire.summary.letters == index.search("", inspector=maire.summary.variants).total
    assert dict((c.name, n) for c, n in maire.colleagues) == {"Tom Baker": 1, "Ann Lee": 1}
    assert maire.authorities == [("Leeds", 3)]
    for person in index.inspectors():
        assert person.letters == index.search("", inspector=person.variants).total, person.name


def test_national_table_page_json_and_csv_agree(client) -> None:
    soup = page(client, "/authorities?sort=overall_effectiveness")
    rows = soup.select("table.authorities-table tbody tr")
    names = [row.th.get_text(" ", strip=True) for row in rows]
    assert names[:2] == ["Leeds", "Kent"]  # Outstanding, then Good
    data = client.get("/authorities.json?sort=overall_effectiveness").get_json()["authorities"]
    assert [row["name"] for row in data] == [name.replace(" (former)", "") for name in names]
    table = list(csv.DictReader(io.StringIO(client.get("/authorities.csv?sort=overall_effectiveness")
                                            .get_data(as_text=True))))
    assert [row["name"] for row in table] == [row["name"] for row in data]
    leeds = next(row for row in table if row["name"] == "Leeds")
    assert leeds["overall_effectiveness"] == "Outstanding" and leeds["care_leavers"] == "Good"
    assert leeds["priority_action"] == "yes" and leeds["focus_areas"] == "care leavers"
    badge = rows[0].select_one(".grade")
    assert badge.get_text() == "Outstanding"  # the grade is written, not only coloured


def test_sorting_links_and_filters_work_without_javascript(client) -> None:
    soup = page(client, "/authorities")
    link = next(a for a in soup.select("thead a") if a.get_text(strip=True).startswith("Letters"))
    sorted_page = page(client, link["href"])
    first = sorted_page.select_one("table.authorities-table tbody tr th").get_text(" ", strip=True)
    assert first == "Leeds"  # most letters first
    again = sorted_page.select_one('thead th[aria-sort] a')["href"]
    assert "order=asc" in again
    london = client.get("/authorities.json?region=london").get_json()["authorities"]
    assert london and all(row["region"] == "London" for row in london)
    inadequate = client.get("/authorities.json?grade=inadequate").get_json()["authorities"]
    assert {row["name"] for row in inadequate} == {"Dorset", "Northamptonshire"}
    bad = client.get("/authorities?region=Atlantis&sort=colour")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "no region “Atlantis”" in text and "Sort by one of" in text


def test_charts_are_drawn_with_words_and_counts(client) -> None:
    soup = page(client, "/authorities")
    charts = soup.select("svg.stacked-chart")
    assert len(charts) == 2
    assert "Yorkshire and the Humber" in charts[0].get_text(" ")
    assert "Outstanding" in charts[0].get_text(" ")
    assert "2024 (1)" in charts[1].get_text(" ") and "100%" in charts[1].get_text(" ")


def test_authority_page_shows_history_timeline_and_neighbours(client) -> None:
    soup = page(client, "/authorities/leeds")
    assert soup.h1.get_text() == "Leeds"
    history = soup.select("table.history-table tbody tr")
    assert [row.th.a["href"] for row in history] == ["/letters/leeds-2024", "/letters/leeds-2018"]
    assert "Outstanding" in history[0].get_text(" ")
    assert len(soup.select("table.neighbours-table tbody tr")) == 10
    assert soup.select_one(".priority-flag") is not None
    assert soup.find("input", {"name": "authority", "value": "Leeds"}) is not None
    assert soup.select_one(".breadcrumbs a[href='/authorities']") is not None
    leeds = authority_by_name("Leeds")
    for other in (leeds.ons_code, leeds.urn, "Leeds City Council"):
        response = client.get(f"/authorities/{other}")
        assert response.status_code == 301 and response.headers["Location"].endswith("/authorities/leeds")


def test_every_gazetteer_authority_has_a_page(client) -> None:
    for authority in all_authorities():
        soup = page(client, f"/authorities/{slug(authority.name)}")
        assert soup.h1.get_text() == authority.name
        if authority.name not in {"Leeds", "Dorset", "Kent"}:
            assert "No letters yet" in soup.get_text()


def test_unknown_names_get_a_404_with_a_suggestion(client) -> None:
    response = client.get("/authorities/leds")
    assert response.status_code == 404
    assert "Did you mean" in response.get_data(as_text=True) and "/authorities/Leeds" in response.get_data(as_text=True)
    response = client.get("/inspectors/tom-bakker")
    assert response.status_code == 404 and "Tom Baker" in response.get_data(as_text=True)
    assert client.get("/authorities/" + "x" * 5000).status_code == 404


def test_inspector_pages_escape_names_and_link_everywhere(client) -> None:
    soup = page(client, "/inspectors")
    hostile = next(a for a in soup.select("table a") if "Zed" in a.get_text())
    assert hostile.get_text() == HOSTILE_INSPECTOR  # shown as text, not markup
    assert soup.find("b") is None
    person = page(client, hostile["href"])
    assert person.h1.get_text() == HOSTILE_INSPECTOR
    assert person.select_one(".related a.authority-link[href='/authorities/Leeds']") is not None
    maire = page(client, "/inspectors/maire-oneill")
    assert "3 letters" in maire.select_one(".lede").get_text()


def test_the_command_line_gives_the_same_table(data_dir: Path, client) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(data_dir), "authorities", "--csv", "--sort", "letters", "--desc"])
    assert result.exit_code == 0, result.output
    web = client.get("/authorities.csv?sort=letters&order=desc").get_data(as_text=True)
    assert result.output.replace("\r\n", "\n") == web.replace("\r\n", "\n")
    result = runner.invoke(main, ["--data-dir", str(data_dir), "authority", "Leeds City Council"])
    assert result.exit_code == 0 and "Overall effectiveness: Outstanding" in result.output
    result = runner.invoke(main, ["--data-dir", str(data_dir), "authority", "Leds"])
    assert result.exit_code == 1 and "Did you mean Leeds" in result.output
    result = runner.invoke(main, ["--data-dir", str(data_dir), "inspectors", "--json"])
    people = {person["name"]: person for person in json.loads(result.output)["inspectors"]}
    assert people["Sam Hill"]["letters"] == 2 and people["Sam Hill"]["variants"] == ["Sam Hill", "sam hill"]
    result = runner.invoke(main, ["--data-dir", str(data_dir), "authorities", "--region", "Atlantis"])
    assert result.exit_code == 1 and "no region" in result.output


def test_the_original_file_is_offered_and_served(tmp_path: Path, corpus_dir: Path) -> None:
    pdf = next((corpus_dir / "focused-visits").rglob("*.pdf"))
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "import", str(pdf)])
    assert result.exit_code == 0, result.output
    reindex(tmp_path / "d")
    client = create_app(tmp_path / "d", {"TESTING": True}).test_client()
    hit = client.get("/api/search").get_json()["hits"][0]
    soup = page(client, f"/letters/{hit['id']}")
    link = soup.find("a", string="Download the original")
    assert link is not None
    response = client.get(link["href"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == pdf.read_bytes()
    # The feed's entry for a letter with no address on the site points at the same kept file.
    entry = ElementTree.fromstring(client.get("/search.atom").data).find(f"{ATOM}entry")
    related = entry.find(f"{ATOM}link[@rel='related']")
    assert related.get("href") == f"http://localhost{link['href']}" and related.get("type") == "application/pdf"
    assert client.get("/letters/..%2Fcatalog.sqlite/original").status_code == 404
    assert client.get("/letters/nosuchletter/original").status_code == 404


def test_the_letter_page_shows_what_the_inspectors_concluded(client) -> None:
    soup = page(client, "/letters/leeds-2024")
    table = soup.select_one("table.judgements-table")
    rows = {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in table.select("tbody tr")}
    assert rows == {"Overall effectiveness": "Outstanding", "Impact of leaders": "Outstanding",
                    "Help and protection": "Good", "Children in care": "Outstanding", "Care leavers": "Good"}
    grade_link = table.select_one("tbody tr a")["href"]
    assert client.get(grade_link).status_code == 200
    assert [li.get_text() for li in soup.select(".findings__improvements li")] == [
        "Improve the quality of plans.", "Strengthen management oversight."]
    visit = page(client, "/letters/leeds-fv-2022")
    assert "Areas for priority action" in visit.select_one(".notice--priority").get_text()
    focus = visit.select_one(".findings a.tag")
    assert focus.get_text() == "care leavers"
    results = client.get("/api/search?" + focus["href"].split("?", 1)[1]).get_json()
    assert {hit["id"] for hit in results["hits"]} == {"leeds-fv-2022"}
    assert page(client, "/letters/leeds-fv-2021").find(string=lambda s: s and "No areas for priority action" in s)


def test_pages_stay_right_while_a_reindex_swaps_the_index(tmp_path: Path) -> None:
    import re
    import threading

    folder = indexed_store(tmp_path / "data", LETTERS)
    client = create_app(folder, {"TESTING": True}).test_client()

    def leeds_letters() -> int:
        response = client.get("/authorities/leeds")
        assert response.status_code == 200
        return int(re.search(r"(\d+) letters?", BeautifulSoup(response.data, "html.parser")
                             .select_one(".lede").get_text()).group(1))

    assert leeds_letters() == 4
    with LetterStore(folder) as store:
        store.save(focused("leeds-fv-2025", "Leeds", "2025-03-03", ["permanence"], False, ["New Person"]))
    seen: list[int] = []
    done = threading.Event()

    def keep_reading() -> None:
        while not done.is_set():
            seen.append(leeds_letters())

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        reindex(folder, full=True)
    finally:
        done.set()
        reader.join()
    assert seen and set(seen) <= {4, 5}
    assert leeds_letters() == 5
    assert client.get("/inspectors/new-person").status_code == 200
    assert client.get("/authorities.json").get_json()["authorities"][0]["name"] == "Barking and Dagenham"
