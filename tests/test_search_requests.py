"""One parser of search requests: each case through `letters search`/`letters values` and through the web.

Values typed as people write them, problems reported all at once, bounded numbers, dates, pages past the end.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import indexed_store

from corpus.letters import Found, Letter
from indexer import LetterIndex
from indexer.facets import COUNTED, FACETS
from indexer.request import DEFAULT_PER_PAGE, InvalidRequest
from letters.cli import main
from webapp import create_app

PLACES = {  # canonical name → (region, how many letters)
    "Leeds": ("Yorkshire and the Humber", 6),
    "Kingston Upon Hull, City of": ("Yorkshire and the Humber", 3),
    "Bristol, City of": ("South West", 4),
    "St. Helens": ("North West", 2),
    "Stockton-on-Tees": ("North East", 5),
    "Gateshead": ("North East", 1),
}


def invented_letters() -> list[Letter]:
    letters = []
    for authority, (region, count) in PLACES.items():
        for number in range(count):
            visit_type = "Focused visit" if number % 2 else "Children's services inspection"
            inspectors = ["Brenda McInerney"] if number == 0 else ["Oskar Quill", "Tamsin Wren"]
            fields = {
                "title": f"Letter {number} to {authority}", "authority": authority, "region": region,
                "visit_type": visit_type, "visit_start": f"{2016 + number}-04-1{number}",
                "inspectors": inspectors,
            }
            if visit_type == "Focused visit":
                fields["focus_areas"] = ["front door"]
            else:
                fields["judgements"] = {"overall_effectiveness": ["Good", "Inadequate"][number % 4 // 2]}
            text = f"A letter to {authority} about children in need and their plans, number {number}."
            letter_id = re.sub(r"\W+", "-", f"{authority}-{number}").lower()
            letters.append(Letter(id=letter_id, text=text, source=f"test:{letter_id}", sha256=f"{letter_id}-1",
                                  metadata={name: Found(value, "text") for name, value in fields.items()}))
    return letters


ALL = invented_letters()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_store(tmp_path_factory.mktemp("requests"), ALL)


@pytest.fixture(scope="module")
def client(data_dir: Path):
    return create_app(data_dir, {"TESTING": True}).test_client()


def cli(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)


def cli_ids(data_dir: Path, *args: str) -> set[str]:
    result = cli(data_dir, "search", *args, "--all", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return {json.loads(line)["id"] for line in result.output.splitlines()}


def web_ids(client, **args) -> set[str]:
    response = client.get("/search.csv", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["id"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def page_problems(client, **args) -> list[str]:
    response = client.get("/", query_string=args)
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(" ", strip=True) for item in page.select(".error-summary li")]


TYPED = [  # (parameter, as typed, as the index holds it, which letters have it)
    ("authority", "leeds", "Leeds", lambda item: item.get("authority") == "Leeds"),
    ("authority", "Hull", "Kingston Upon Hull, City of",
     lambda item: item.get("authority") == "Kingston Upon Hull, City of"),
    ("authority", "Bristol", "Bristol, City of", lambda item: item.get("authority") == "Bristol, City of"),
    ("authority", "St Helens", "St. Helens", lambda item: item.get("authority") == "St. Helens"),
    ("authority", "Stockton", "Stockton-on-Tees", lambda item: item.get("authority") == "Stockton-on-Tees"),
    ("type", "focused", "Focused visit", lambda item: item.get("visit_type") == "Focused visit"),
    ("region", "north east", "North East", lambda item: item.get("region") == "North East"),
    ("inspector", "mcinerney", "Brenda McInerney", lambda item: "Brenda McInerney" in item.get("inspectors")),
    ("overall", "inadequate", "Inadequate",
     lambda item: (item.get("judgements") or {}).get("overall_effectiveness") == "Inadequate"),
    ("focus", "Front Door", "front door", lambda item: "front door" in (item.get("focus_areas") or [])),
]


@pytest.mark.parametrize(("parameter", "typed", "held", "wanted"), TYPED, ids=[f"{p}={t}" for p, t, _, _ in TYPED])
def test_values_match_as_people_type_them(data_dir, client, parameter, typed, held, wanted) -> None:
    expected = {item.id for item in ALL if wanted(item)}
    assert expected
    assert cli_ids(data_dir, f"--{parameter}", typed) == expected
    assert web_ids(client, **{parameter: typed}) == expected
    assert client.get("/api/search", query_string={parameter: typed}).get_json()["total"] == len(expected)
    # The page ticks the value as the index holds it, and its chip removes that filter.
    page = BeautifulSoup(client.get("/", query_string={parameter: typed}).get_data(as_text=True), "html.parser")
    assert [box["value"] for box in page.select(f"input[name={parameter}][checked]")] == [held]
    chip = page.select_one(".chip")
    assert held in chip.get_text() and f"{parameter}=" not in chip["href"]


def test_the_python_api_checks_its_keywords_the_same_way(data_dir) -> None:
    with LetterIndex.open(data_dir) as index:
        assert index.search("", authority="hull").total == 3
        assert index.search("", authority=["Stockton", "gateshead"]).total == 6
        with pytest.raises(InvalidRequest) as raised:
            index.search("", authority="Leedz", visit_type="focussed")
        assert [problem.message for problem in raised.value.problems] == [
            "No letter has the authority “Leedz”. Did you mean “Leeds”?",
            "No letter has the visit type “focussed”. Did you mean “Focused visit”?",
        ]
        with pytest.raises(TypeError, match="unknown filters colour"):
            index.search("", colour="blue")


def test_an_unknown_value_gets_a_did_you_mean_everywhere(data_dir, client) -> None:
    sentence = "No letter has the authority “Leedz”. Did you mean “Leeds”?"
    result = cli(data_dir, "search", "--authority", "Leedz")
    assert result.exit_code != 0 and sentence in result.output
    assert page_problems(client, authority="Leedz") == [sentence]
    body = client.get("/api/search?authority=Leedz").get_json()
    assert [problem["message"] for problem in body["problems"]] == [sentence]
    assert page_problems(client, overall="splendid") == [
        "Overall effectiveness cannot be “splendid”: choose Outstanding, Good, Requires improvement or Inadequate."]


BROKEN = {"authority": "Atlantis", "from": "2020-02-30", "to": "2019-13-01", "sort": "sideways",
          "page": "two", "per_page": "0", "year": "twenty"}


def test_every_problem_of_a_request_is_reported_at_once(data_dir, client) -> None:
    problems = page_problems(client, **BROKEN)
    assert len(problems) == len(BROKEN)
    body = client.get("/api/search", query_string=BROKEN).get_json()
    assert {problem["parameter"] for problem in body["problems"]} == set(BROKEN)
    result = cli(data_dir, "search", "--authority", "Atlantis", "--from", "2020-02-30", "--to", "2019-13-01",
                 "--sort", "newest", "--page", "two", "--per-page", "0", "--year", "twenty")
    assert result.exit_code != 0
    for problem in problems:
        if "Sort by" not in problem:  # (the CLI offers only the sorts there are)
            assert problem in result.output


def test_one_query_length_limit_everywhere(data_dir, client) -> None:
    long_query = "care " * 201  # 1 004 characters
    message = "The search is 1,004 characters long; the limit is 1,000."
    assert message in page_problems(client, q=long_query)[0]
    assert message in client.get("/api/search", query_string={"q": long_query}).get_json()["problems"][0]["message"]
    result = cli(data_dir, "search", long_query)
    assert result.exit_code != 0 and message in result.output
    assert client.get("/", query_string={"q": "care " * 199}).status_code == 200
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    assert page.select_one("#q")["maxlength"] == "1000"


@pytest.mark.parametrize("parameter", ["page", "per_page", "year"])
def test_numbers_of_thousands_of_digits_are_a_clear_problem(data_dir, client, parameter) -> None:
    digits = "9" * 5000
    problem = page_problems(client, **{parameter: digits})[0]
    assert "5,000 characters" in problem or "not a year" in problem
    result = cli(data_dir, "search", f"--{parameter.replace('_', '-')}", digits)
    assert result.exit_code != 0 and problem in result.output


def test_a_page_past_the_end_names_the_last_page(data_dir, client) -> None:
    sentence = "There is no page 1,000,000,000: this search has 3 pages."
    result = cli(data_dir, "search", "--page", "1000000000", "--per-page", "8")
    assert result.exit_code != 0 and sentence in result.output
    assert page_problems(client, page="1000000000", per_page="8") == [sentence]
    assert client.get("/api/search?page=1000000000&per_page=8").get_json()["problems"][0]["message"] == sentence


def test_impossible_and_reversed_dates_get_a_plain_sentence(data_dir, client) -> None:
    impossible = "From: “2020-02-30” is not a day: February 2020 has 29 days."
    reversed_ = "The “to” date (1 January 2019) is before the “from” date (1 March 2020): swap them."
    cases = [({"from": "2020-02-30"}, impossible), ({"from": "2020-03-01", "to": "2019-01-01"}, reversed_)]
    for args, sentence in cases:
        assert page_problems(client, **args) == [sentence]
        options = [part for name, value in args.items() for part in (f"--{name}", value)]
        result = cli(data_dir, "search", *options)
        assert result.exit_code != 0 and sentence in result.output


@pytest.mark.parametrize("facet", FACETS, ids=lambda facet: facet.name)
def test_values_lists_every_facets_values_with_counts(data_dir, facet) -> None:
    result = cli(data_dir, "values", facet.parameter, "--json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    with LetterIndex.open(data_dir) as index:
        for entry in values:
            assert index.search("", **{facet.keyword: [entry["value"]]}).total == entry["count"]
    if facet.name in ("authority", "overall_effectiveness", "focus_areas", "inspectors"):
        assert values
    text = cli(data_dir, "values", facet.query_names[-1])
    assert text.exit_code == 0 and text.output.startswith(facet.label)


def test_values_of_an_unknown_facet_lists_the_facets(data_dir) -> None:
    result = cli(data_dir, "values", "colour")
    assert result.exit_code != 0 and "No facet is called “colour”" in result.output and "authority" in result.output


def test_all_matches_as_csv_are_the_web_csv(data_dir, client) -> None:
    result = cli(data_dir, "search", "children", "--region", "north east", "--all", "--format", "csv")
    assert result.exit_code == 0, result.output
    web = client.get("/search.csv?q=children&region=North+East").get_data(as_text=True)

    def without_score(text: str) -> list[dict]:
        return [{k: v for k, v in row.items() if k != "score"} for row in csv.DictReader(io.StringIO(text))]

    assert without_score(result.output) == without_score(web) and len(without_score(web)) == 6
    assert result.output.splitlines()[0] == web.splitlines()[0]
    assert cli(data_dir, "search", "--all").exit_code != 0  # --all writes rows: it needs csv or jsonl


def test_cli_text_output_reads_like_the_web(data_dir, client) -> None:
    one = cli(data_dir, "search", "--authority", "gateshead")
    assert one.exit_code == 0 and one.output.startswith("1 letter,") and "1 letters" not in one.output
    none = cli(data_dir, "search", "zebrafinch")
    assert none.exit_code == 0 and none.output.startswith("No letters") and "shown so far" not in none.output
    everything = cli(data_dir, "search")
    assert f"1–{DEFAULT_PER_PAGE} shown" in everything.output
    labels = [line.split(":")[0] for line in everything.output.splitlines()
              if line.split(":")[0] in {facet.label for facet in COUNTED}]
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    legends = [legend.get_text(" ", strip=True).split(" (")[0] for legend in page.select(".facet__legend")]
    assert labels == [label for label in legends if label in labels] and len(labels) >= 5
    assert len(page.select("ol.hits > li")) == DEFAULT_PER_PAGE


def test_a_facet_no_letter_has_is_left_out_of_the_sidebar(client) -> None:
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    legends = [legend.get_text(" ", strip=True) for legend in page.select(".facet__legend")]
    assert "Overall effectiveness" in legends and "Focus area" in legends
    assert "SEND outcome" not in legends  # none of these letters is an Area SEND report
    chosen = BeautifulSoup(client.get("/?send=positive").get_data(as_text=True), "html.parser")
    assert "SEND outcome (1 chosen)" in [legend.get_text(" ", strip=True) for legend in chosen.select(".facet__legend")]


def test_a_missing_index_is_named_by_its_full_path(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["search", "permanence", "--data-dir", "nowhere"])
    assert result.exit_code == 1
    assert f"There is no index in {tmp_path / 'nowhere'}" in result.output
