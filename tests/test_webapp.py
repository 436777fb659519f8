"""The web front end through Flask's test client: every page, parameter, error and machine interface.

One data directory of fictional sample letters (plus one hostile letter) is built per session.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from corpus.findings import JUDGEMENTS
from corpus.letters import Found, Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.generations import current_generation
from letters.cli import main
from webapp import create_app
from webapp.text import letter_html

SAMPLE_COUNT = 150
HOSTILE_ID = "hostile-letter-1"
HOSTILE_TITLE = "<script>alert('title')</script> Focused visit to Leeds"
HOSTILE_INSPECTOR = "Zed <b>Bold</b> O'Person"
ATOM = "{http://www.w3.org/2005/Atom}"
HIT_KEYS = {"id", "title", "authority", "authority_code", "visit_type", "published", "visit_start",
            "visit_end", "inspectors", "url", "score", "snippet", "snippet_text", "snippet_spans", "framework",
            "judgements", "send_outcome", "priority_action", "focus_areas"}
LETTERS = Path(sys.executable).with_name("letters")
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def letters(data_dir: Path, *args: str) -> None:
    """Run one `letters` command in this process, failing the test with its output if it fails."""
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def build_sample_data(data_dir: Path, count: int = SAMPLE_COUNT) -> Path:
    """Sample `count` fictional letters and one letter full of markup into `data_dir`, and index them."""
    letters(data_dir, "sample", "--count", str(count))
    save_hostile_letter(data_dir)
    letters(data_dir, "reindex")
    return data_dir


def save_hostile_letter(data_dir: Path) -> None:
    text = ("Dear Director\n\nFocused visit to Leeds children’s services\n\n"
            "Inspectors found <script>alert('text')</script> & an <img src=x onerror=alert(1)> "
            "in the zebrafinch records.\n\n• first bullet about zebrafinch care\n• second bullet")
    metadata = {
        "title": HOSTILE_TITLE,
        "authority": "Leeds",
        "visit_type": "Focused visit",
        "published": "2021-06-01",
        "visit_start": "2021-05-04",
        "visit_end": "2021-05-05",
        "inspectors": [HOSTILE_INSPECTOR],
    }
    letter = Letter(
        id=HOSTILE_ID, text=text, source="test:hostile",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        url="javascript:alert('url')",
        metadata={name: Found(value, "text") for name, value in metadata.items()},
    )
    with LetterStore(data_dir) as store:
        store.save(letter)


@pytest.fixture(scope="session")
def web_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_data(tmp_path_factory.mktemp("web") / "data")


@pytest.fixture(scope="session")
def app(web_data_dir: Path):
    return create_app(web_data_dir, {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def everything(app) -> dict:
    """The JSON of a search for all letters: the facet values the other tests choose from."""
    return app.test_client().get("/api/search?per_page=100").get_json()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def shown_total(page: BeautifulSoup) -> int:
    text = page.select_one("#result-count").get_text(" ", strip=True)
    if text.startswith("No letters"):
        return 0
    return int(re.match(r"([\d,]+) letters?", text).group(1).replace(",", ""))


def two_values(everything: dict, facet: str) -> list[tuple[str, int]]:
    return [tuple(pair) for pair in everything["facets"][facet][:2]]


# The search page ---------------------------------------------------------------------------------

def test_search_page_lists_letters_with_facets_chart_and_count(client, everything):
    response = client.get("/")
    assert response.status_code == 200
    page = soup_of(response)
    assert shown_total(page) == everything["total"] == SAMPLE_COUNT + 1
    assert page.select_one("#result-count")["role"] == "status"
    assert len(page.select("ol.hits > li")) == 20
    legends = [legend.get_text(" ", strip=True) for legend in page.select("legend")]
    assert legends[:5] == ["Authority", "Visit type", "Inspector", "Year", "Region"]
    bars = page.select("svg.year-chart a")
    assert bars and all("year=" in bar["href"] for bar in bars)
    assert page.select_one("label[for=q]") and page.select_one("main#main")
    assert page.select_one("a[href='/help']")


def test_every_form_control_has_a_label(client):
    page = soup_of(client.get("/?q=children"))
    for control in page.select("input:not([type=hidden]), select"):
        assert page.select_one(f"label[for='{control['id']}']"), control


def test_query_highlights_words_in_snippets_and_shows_the_interpretation(client):
    page = soup_of(client.get("/?q=children"))
    assert shown_total(page) > 0
    marks = [mark.get_text().lower() for mark in page.select(".hit__snippet mark")]
    assert marks and all(mark.startswith("child") for mark in marks)
    assert page.select_one(".interpreted").get_text(strip=True)
    first = page.select_one(".hit__title a")["href"]
    assert parse_qs(urlsplit(first).query)["q"] == ["children"]


def test_two_values_of_one_facet_are_either_and_counts_agree(client, everything):
    (first, first_count), (second, second_count) = two_values(everything, "authority")
    response = client.get("/api/search", query_string=[("authority", first), ("authority", second),
                                                          ("per_page", "100")])
    data = response.get_json()
    assert data["total"] == first_count + second_count
    assert {hit["authority"] for hit in data["hits"]} == {first, second}
    page = soup_of(client.get("/", query_string=[("authority", first), ("authority", second)]))
    assert shown_total(page) == first_count + second_count
    checked = [box["value"] for box in page.select("input[name=authority][checked]")]
    assert checked == [first, second]


def test_chips_remove_one_filter_each(client, everything):
    (first, _), (second, _) = two_values(everything, "authority")
    page = soup_of(client.get("/", query_string=[("q", "children"), ("authority", first),
                                                 ("authority", second), ("page", "2")]))
    chips = {chip.get_text(" ", strip=True).split(" × ")[0]: chip["href"] for chip in page.select("a.chip")}
    remove_first = chips[f"Authority: {first}"]
    args = parse_qs(urlsplit(remove_first).query)
    assert args == {"q": ["children"], "authority": [second]}  # the page starts again
    after = soup_of(client.get(remove_first))
    assert [chip.get_text(" ", strip=True).split(" × ")[0] for chip in after.select("a.chip")] == [
        f"Authority: {second}"]


def test_filters_of_different_facets_all_apply(client, everything):
    visit_type = everything["facets"]["visit_type"][0][0]
    year = everything["facets"]["year"][0][0]
    data = client.get("/api/search", query_string={"type": visit_type, "year": year,
                                                   "per_page": 100}).get_json()
    assert data["total"] > 0
    for hit in data["hits"]:
        assert hit["visit_type"] == visit_type
        assert int((hit["visit_start"] or hit["published"])[:4]) == int(year)


def test_date_range_and_sorting(client):
    data = client.get("/api/search?from=2019-01-01&to=2021-12-31&sort=oldest&per_page=100").get_json()
    days = [hit["visit_start"] or hit["published"] for hit in data["hits"]]
    assert days and all("2019-01-01" <= day <= "2021-12-31" for day in days)
    assert days == sorted(days)
    newest = client.get("/api/search?sort=newest&per_page=50").get_json()["hits"]
    newest_days = [hit["visit_start"] or hit["published"] for hit in newest]
    assert newest_days == sorted(newest_days, reverse=True)


def test_pagination_links_move_through_pages_without_repeats(client, everything):
    page_one = soup_of(client.get("/?per_page=10"))
    next_link = page_one.select_one("a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_link).query) == {"per_page": ["10"], "page": ["2"]}
    page_two = soup_of(client.get(next_link))
    titles_one = [a["href"] for a in page_one.select(".hit__title a")]
    titles_two = [a["href"] for a in page_two.select(".hit__title a")]
    assert len(titles_two) == 10 and not set(titles_one) & set(titles_two)
    assert page_two.select_one("a[rel=prev]")["href"] == "/?per_page=10"
    assert page_two.select_one("[aria-current=page]").get_text(strip=True).endswith("2")


def test_year_chart_bars_link_to_their_year(client, everything):
    page = soup_of(client.get("/"))
    bar = page.select_one("svg.year-chart a")
    year = parse_qs(urlsplit(bar["href"]).query)["year"][0]
    counts = dict((str(value), count) for value, count in everything["facets"]["year"])
    assert bar["aria-label"].startswith(f"{year}: {counts[year]} letter")
    assert shown_total(soup_of(client.get(bar["href"]))) == counts[year]


def test_a_misspelt_word_gets_a_did_you_mean(client):
    data = client.get("/api/search?q=chilldren").get_json()
    assert data["suggestion"]
    page = soup_of(client.get("/?q=chilldren"))
    link = page.select_one(".suggestion a")
    assert link.get_text() == data["suggestion"]
    assert shown_total(soup_of(client.get(link["href"]))) > 0


def test_nothing_found_explains_what_to_do(client):
    page = soup_of(client.get("/?q=xylophonequartz"))
    assert shown_total(page) == 0
    assert "Nothing found" in page.select_one(".empty").get_text()
    assert page.select_one(".empty a[href='/help']")


def test_help_page_explains_the_query_syntax(client):
    page = soup_of(client.get("/help"))
    text = page.get_text(" ")
    for example in ('"care leavers"', "OR", "-covid", "safeguard*", "authority:", "inspector:"):
        assert example in text


# Bad input: a helpful page or a 400 JSON error, never a 500 -------------------------------------

BAD_SEARCHES = [
    ("page", str(10**9)),
    ("page", "0"),
    ("page", "two"),
    ("per_page", "100000"),
    ("from", "yesterday"),
    ("to", "2021-02-30"),
    ("year", "twenty-nineteen"),
    ("sort", "sideways"),
    ("authority", "Atlantis"),
    ("q", "care " * 2000),
]


@pytest.mark.parametrize(("name", "value"), BAD_SEARCHES)
def test_bad_parameters_get_a_helpful_page(client, name, value):
    response = client.get("/", query_string={name: value})
    assert response.status_code == 400
    page = soup_of(response)
    problems = page.select(".error-summary li")
    assert problems and page.select_one("#q")  # the form is still there to fix the search


@pytest.mark.parametrize(("name", "value"), BAD_SEARCHES)
@pytest.mark.parametrize("path", ["/api/search", "/search.csv", "/search.atom"])
def test_bad_parameters_get_a_400_json_error(client, path, name, value):
    response = client.get(path, query_string={name: value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and body["problems"][0]["parameter"] == name
    assert body["problems"][0]["message"]


ODD_INPUTS = [
    {"q": "\x00care\x01"}, {"q": "(((("}, {"q": '"'}, {"q": "AND OR NOT"}, {"q": "*"},
    {"q": "authority:"}, {"q": "year:abcd"}, {"q": "ümlaut café Máire"}, {"q": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂"},
    {"q": "a" * 1999}, {"authority": ""}, {"year": "2019", "from": "", "to": ""},
    {"authority": ["Leeds"] * 60}, {"from": "2021-13-01"}, {"from": "0001-01-01"},
    {"to": "9999-12-31"}, {"page": "-1"}, {"page": "1e3"}, {"page": "٣"}, {"per_page": "0"},
    {"sort": ""}, {"type": "x" * 5000}, {"region": "\u202eevil"},
]


@pytest.mark.parametrize("path", ["/", "/api/search", "/search.csv", "/search.atom"])
def test_odd_input_never_breaks_a_page(client, path):
    for args in ODD_INPUTS:
        response = client.get(path, query_string=args)
        response.get_data()  # the CSV streams: read it all, as a client would
        response.close()
        assert response.status_code in (200, 400), (args, response.status_code)
        if response.status_code == 400 and path != "/":
            assert response.get_json()["problems"]


def test_an_unknown_facet_value_suggests_a_close_one(client, everything):
    authority = everything["facets"]["authority"][0][0]
    response = client.get("/", query_string={"authority": authority[:-1]})
    assert f"Did you mean “{authority}”?" in soup_of(response).select_one(".error-summary").get_text()


def test_dates_the_wrong_way_round_are_explained(client):
    response = client.get("/?from=2022-01-01&to=2020-01-01")
    assert response.status_code == 400
    assert "before" in soup_of(response).select_one(".error-summary").get_text()


def test_a_page_past_the_last_links_back_to_the_last(client, everything):
    response = client.get("/?page=500")
    assert response.status_code == 400
    link = soup_of(response).find("a", string="Go to the last page")["href"]
    assert shown_total(soup_of(client.get(link))) == everything["total"]


def test_unbalanced_query_syntax_is_searched_not_refused(client):
    for query in ('"care leavers', "(children AND", "OR", "-", "authority:"):
        assert client.get("/", query_string={"q": query}).status_code == 200
        assert client.get("/api/search", query_string={"q": query}).status_code == 200


def test_unknown_letters_are_404_pages(client):
    for path in ("/letters/no-such-letter", "/letters/..%2F..%2Fetc%2Fpasswd", "/letters/a.json",
                 "/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in soup_of(response).h1.get_text()
    response = client.get("/api/letters/no-such-letter")
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_without_an_index_pages_say_how_to_build_one(tmp_path):
    client = create_app(tmp_path / "empty", {"TESTING": True}).test_client()
    response = client.get("/")
    assert response.status_code == 503 and "reindex" in response.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and "reindex" in health.get_json()["error"]


def test_debug_is_off_unless_a_test_turns_it_on(web_data_dir):
    assert not create_app(web_data_dir).debug


# The letter page ---------------------------------------------------------------------------------

def letter_with_inspectors(client) -> dict:
    hits = client.get("/api/search?q=children&per_page=50").get_json()["hits"]
    return next(hit for hit in hits if hit["inspectors"] and hit["id"] != HOSTILE_ID)


def test_letter_page_shows_metadata_links_text_and_related_letters(client):
    hit = letter_with_inspectors(client)
    response = client.get(f"/letters/{hit['id']}")
    assert response.status_code == 200
    page = soup_of(response)
    assert page.h1.get_text(strip=True) == hit["title"]
    links = {a.get_text(strip=True): a["href"] for a in page.select(".summary-list a")}
    assert client.get(links[hit["authority"]], follow_redirects=True).status_code == 200
    assert parse_qs(urlsplit(links["search its letters"]).query) == {"authority": [hit["authority"]]}
    assert parse_qs(urlsplit(links[hit["visit_type"]]).query) == {"type": [hit["visit_type"]]}
    searches = [parse_qs(urlsplit(a["href"]).query) for a in page.select(".summary-list a.hint")]
    for name in hit["inspectors"]:
        assert links[name].startswith("/inspectors/")
        assert {"inspector": [name]} in searches
    if hit["url"]:
        assert hit["url"] in links.values()
    assert len(page.select(".letter-text p")) > 3
    assert page.select("#similar-title + ul li a")
    timeline = page.select(".timeline li")
    assert any(item.select_one("[aria-current=page]") for item in timeline)


def test_letter_page_links_to_the_authority_on_ofsteds_site(client, app):
    hits = client.get("/api/search?per_page=100").get_json()["hits"]
    for hit in hits:
        urn = client.get(f"/api/letters/{hit['id']}").get_json().get("urn")
        if urn:
            page = soup_of(client.get(f"/letters/{hit['id']}"))
            assert page.select_one(f"a[href='https://reports.ofsted.gov.uk/provider/44/{urn}']")
            return
    pytest.fail("no sample letter has a URN to link to Ofsted's site")


def test_letter_page_highlights_the_search_words(client):
    hit = letter_with_inspectors(client)
    page = soup_of(client.get(f"/letters/{hit['id']}?q=children"))
    marks = page.select(".letter-text mark")
    assert marks and {mark.get_text().lower()[:5] for mark in marks} == {"child"}
    assert page.select_one(".back-link")["href"] == "/?q=children"


def test_letter_text_keeps_its_bullets_as_a_list(client):
    page = soup_of(client.get(f"/letters/{HOSTILE_ID}"))
    items = [item.get_text(strip=True) for item in page.select(".letter-text ul li")]
    assert items == ["first bullet about zebrafinch care", "second bullet"]


def test_letter_text_reads_as_paragraphs_lists_and_marked_phrases(tmp_path):
    text = ("3 May 2024\n\nA. Person\nDirector of Children’s Services\nTown Hall\n\nDear Ms Person\n\n"
            "Inspectors met care leavers, and leavers of care.\n\nThis visit looked at:\n\n"
            "• housing for care leavers\n\n• keeping in touch\n\nMain findings\n\n"
            "Permanency plans were weak for children, not covid.")
    with LetterStore(tmp_path) as store:
        store.save(Letter(id="marked-letter", text=text, source="test:marked", sha256="marked-v1"))
    letters(tmp_path, "reindex")
    with LetterIndex.open(tmp_path) as index:
        matches = index.highlighter('"care leavers" permanence -covid')
    page = BeautifulSoup(str(letter_html(text, matches)), "html.parser")
    paragraphs = page.find_all("p")
    assert [line for line in paragraphs[1].stripped_strings] == [
        "A. Person", "Director of Children’s Services", "Town Hall"]  # the address keeps its lines
    assert [item.get_text() for item in page.select("ul li")] == [
        "housing for care leavers", "keeping in touch"]  # one list across the blank line
    assert [mark.get_text() for mark in page.find_all("mark")] == [
        "care leavers", "care leavers", "Permanency"]
    assert page.select_one(".letter-text__heading").get_text() == "Main findings"
    assert not [p for p in paragraphs[:3] if "letter-text__heading" in p["class"]]


def test_letter_json_has_metadata_and_text(client):
    hit = letter_with_inspectors(client)
    data = client.get(f"/api/letters/{hit['id']}").get_json()
    assert data["id"] == hit["id"] and data["title"] == hit["title"]
    assert data["inspectors"] == hit["inspectors"] and len(data["text"]) > 500


# Escaping and headers ----------------------------------------------------------------------------

def test_markup_in_letters_and_queries_is_shown_as_text(client):
    pages = [client.get("/?q=zebrafinch").get_data(as_text=True),
             client.get(f"/letters/{HOSTILE_ID}?q=<script>zebrafinch").get_data(as_text=True),
             client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in pages[0]
    letter = soup_of(client.get(f"/letters/{HOSTILE_ID}?q=zebrafinch"))
    assert letter.h1.get_text() == HOSTILE_TITLE
    assert HOSTILE_INSPECTOR in [a.get_text() for a in letter.select(".inspector-link")]
    assert "<img src=x onerror=alert(1)>" in letter.select_one(".letter-text").get_text()
    assert letter.select(".letter-text mark")
    assert not letter.select("main script, main img")
    assert not letter.select("a[href^='javascript:']")  # a letter's address that is not a web one
    feed = client.get("/search.atom?q=zebrafinch").get_data(as_text=True)
    assert "javascript:" not in feed


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/help", "/api/search", "/search.csv", "/search.atom", "/healthz",
                 "/letters/nope", "/static/letters.css"):
        response = client.get(path)
        for header in SECURITY_HEADERS:
            assert header in response.headers, (path, header)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/?q=children", f"/letters/{HOSTILE_ID}", "/help", "/letters/nope"):
        page = soup_of(client.get(path))
        assert all(script.get("src") and not script.string for script in page.find_all("script"))
        assert not page.find_all("style") and not page.select("[style]")
        assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


# Machine interfaces ------------------------------------------------------------------------------

def test_search_json_contract(client):
    data = client.get("/api/search?q=children&per_page=5").get_json()
    assert {"total", "page", "pages", "took_ms", "hits", "facets", "suggestion",
            "interpreted"} <= set(data)
    assert data["page"] == 1 and len(data["hits"]) == 5
    assert set(data["hits"][0]) >= HIT_KEYS
    assert {"authority", "visit_type", "year", "region"} <= set(data["facets"])
    date.fromisoformat(data["hits"][0]["published"])


def test_csv_has_every_matching_row_with_the_json_columns(client):
    total = client.get("/api/search?q=children").get_json()["total"]
    response = client.get("/search.csv?q=children")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == total and len({row["id"] for row in rows}) == total
    pages = [client.get(f"/api/search?q=children&per_page=100&page={page}").get_json()["hits"] for page in (1, 2)]
    assert total > 100 and [row["id"] for row in rows] == [hit["id"] for hits in pages for hit in hits]
    assert set(rows[0]) == HIT_KEYS - {"snippet", "snippet_text", "snippet_spans", "judgements"} | set(JUDGEMENTS)
    hostile = next(row for row in csv.DictReader(io.StringIO(
        client.get("/search.csv?q=zebrafinch").get_data(as_text=True))))
    assert hostile["title"] == HOSTILE_TITLE and hostile["inspectors"] == HOSTILE_INSPECTOR


def test_atom_feed_is_valid_and_newest_first(client):
    response = client.get("/search.atom?q=children")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert "children" in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    newest = client.get("/api/search?q=children&sort=newest&per_page=50").get_json()["hits"]
    ids = [entry.findtext(f"{ATOM}id").rsplit("/", 1)[1] for entry in entries]
    assert ids == [hit["id"] for hit in newest]  # newest visit first, as the search sorts
    assert all(entry.findtext(f"{ATOM}updated")[:10] == hit["published"]
               for entry, hit in zip(entries, newest, strict=True))
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("http://localhost/letters/")
        assert entry.findtext(f"{ATOM}title") and entry.find(f"{ATOM}link").get("href")
    hostile = ElementTree.fromstring(client.get("/search.atom?q=zebrafinch").data)
    assert hostile.find(f"{ATOM}entry").findtext(f"{ATOM}title") == HOSTILE_TITLE


def test_search_page_offers_its_data_and_feed(client):
    page = soup_of(client.get("/?q=children&authority=Leeds&page=1"))
    feed = page.select_one("link[rel=alternate][type='application/atom+xml']")["href"]
    assert feed == "/search.atom?q=children&authority=Leeds"
    links = {a.get_text(): a["href"] for a in page.select(".data-links a")}
    assert links["JSON"] == "/api/search?q=children&authority=Leeds"
    assert links["CSV"] == "/search.csv?q=children&authority=Leeds"


def test_healthz_reports_letters_and_build_time(client, everything):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["letters"] == everything["total"]


# `letters serve` ---------------------------------------------------------------------------------

@pytest.mark.parametrize("threads", [[], ["--threads", "3"]], ids=["one thread each", "three threads each"])
def test_serve_answers_on_127_0_0_1_by_default(web_data_dir, threads):
    port = free_port()
    server = subprocess.Popen([str(LETTERS), "--data-dir", str(web_data_dir), "serve", "--port",
                               str(port), *threads], stdout=subprocess.PIPE, text=True)
    try:
        assert f"at http://127.0.0.1:{port}/" in server.stdout.readline()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
            assert json.load(answer)["letters"] == SAMPLE_COUNT + 1
            assert answer.headers["Server"].startswith("gunicorn")  # pre-fork workers, not a development server
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=permanence", timeout=30) as answer:
            assert json.load(answer)["total"] > 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_on_a_taken_port_says_so(web_data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(LETTERS), "--data-dir", str(web_data_dir), "serve", "--port",
                                 str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_a_running_site_follows_a_reindex(tmp_path):
    data_dir = tmp_path / "data"
    letters(data_dir, "sample", "--count", "20")
    letters(data_dir, "reindex")
    client = create_app(data_dir, {"TESTING": True}).test_client()
    assert client.get("/healthz").get_json()["letters"] == 20
    letters(data_dir, "sample", "--count", "30")
    letters(data_dir, "reindex")
    assert client.get("/healthz").get_json()["letters"] == 30
    assert shown_total(soup_of(client.get("/"))) == 30


def test_a_site_running_for_long_follows_a_reindex_into_the_same_index(tmp_path):
    # Searches check for changes with two stats; an index last changed an hour ago must still show one made now.
    data_dir = tmp_path / "data"
    letters(data_dir, "sample", "--count", "20")
    letters(data_dir, "reindex")
    generation = current_generation(data_dir)

    def changed_hours_ago(hours: int) -> None:
        then = time.time_ns() - hours * 3600 * 10**9
        os.utime(generation, ns=(then, then))

    changed_hours_ago(2)
    client = create_app(data_dir, {"TESTING": True}).test_client()
    assert [client.get("/healthz").get_json()["letters"] for _ in range(3)] == [20, 20, 20]
    letters(data_dir, "sample", "--count", "30")
    letters(data_dir, "reindex")
    assert current_generation(data_dir) == generation  # added to the live index, not rebuilt
    changed_hours_ago(1)  # and the next search comes long after
    assert client.get("/healthz").get_json()["letters"] == 30


def test_a_letter_without_a_title_never_shows_its_id_as_one(tmp_path):
    data_dir = tmp_path / "data"
    untitled = {
        "0123456789abcdef": {"title": Found("Annual engagement meeting with Leeds, 3 June 2019", "composed"),
                             "authority": Found("Leeds", "text"),
                             "visit_type": Found("Annual engagement meeting", "text")},
        "fedcba9876543210": {},
    }
    with LetterStore(data_dir) as store:
        for letter_id, metadata in untitled.items():
            text = f"Dear Director\n\nA letter about wombats, number {letter_id}."
            store.save(Letter(id=letter_id, text=text, source=f"test:{letter_id}",
                              sha256=hashlib.sha256(text.encode()).hexdigest(), metadata=metadata))
    letters(data_dir, "reindex")
    client = create_app(data_dir, {"TESTING": True}).test_client()
    titles = [link.get_text(strip=True) for link in soup_of(client.get("/?q=wombats")).select(".hit__title a")]
    assert sorted(titles) == ["Annual engagement meeting with Leeds, 3 June 2019", "Untitled document"]
    composed = soup_of(client.get("/letters/0123456789abcdef"))
    assert "its title is composed" in composed.get_text()
    bare = soup_of(client.get("/letters/fedcba9876543210"))
    assert bare.select_one("h1").get_text(strip=True) == "Untitled document"
    assert "fedcba9876543210" not in bare.select_one("title").get_text()
    feed = client.get("/search.atom?q=wombats").get_data(as_text=True)
    assert "<title>Untitled document</title>" in feed


def test_the_year_chart_shows_a_topics_share_of_each_years_letters(client):
    everything = dict(map(tuple, client.get("/api/search").get_json()["facets"]["year"]))
    matching = dict(map(tuple, client.get("/api/search?q=permanence").get_json()["facets"]["year"]))
    page = soup_of(client.get("/?q=permanence"))
    share_link = page.find("a", string="share of the year’s letters")
    assert share_link is not None and parse_qs(urlsplit(share_link["href"]).query)["chart"] == ["share"]
    shares = soup_of(client.get(share_link["href"]))
    labels = {link["aria-label"] for link in shares.select("svg.year-chart a")}
    for year, count in matching.items():
        assert f"{year}: {count:,} of {everything[year]:,} letters ({count / everything[year]:.0%})" in labels
    # The view survives a new search from the form, and the other view is one link away.
    assert shares.find("input", {"name": "chart", "value": "share"}) is not None
    assert shares.find("a", string="number of letters") is not None
