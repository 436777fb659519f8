"""LetterIndex.search on a small store of invented letters: query language, filters, facets, pages, snippets."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path

import pytest

from corpus.letters import Found, Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.build import reindex

FOCUSED, MONITORING, JTAI = "Focused visit", "Monitoring visit", "Joint targeted area inspection"


def letter(letter_id: str, text: str, **fields: object) -> Letter:
    metadata = {name: Found(value, "generated") for name, value in fields.items() if value is not None}
    return Letter(id=letter_id, text=text, source=f"test:{letter_id}", sha256=f"{letter_id}-v1", metadata=metadata)


NAMED = [
    letter(
        "leeds-2019",
        "Focused visit to Leeds children’s services. Inspectors looked at planning and achieving permanence. "
        "Applications under Section 8 were timely. Máire O'Neill met the <b>team</b> & the court.",
        title="Focused visit to Leeds", authority="Leeds", region="Yorkshire and the Humber",
        visit_type=FOCUSED, visit_start="2019-05-14", visit_end="2019-05-15", published="2019-06-20",
        inspectors=["Máire O'Neill", "Tom Baker"],
    ),
    letter(
        "leeds-2021",
        "Monitoring visit. Care leavers told inspectors about permanency planning and their pathway plans.",
        title="Monitoring visit to Leeds", authority="Leeds", region="Yorkshire and the Humber",
        visit_type=MONITORING, visit_start="2021-02-02", published="2021-03-01", inspectors=["Tom Baker"],
    ),
    letter(
        "dorset-2018",
        "The front door works well. Leavers of care homes and young people aged 18 to 25 had s47 enquiries.",
        title="Focused visit to Dorset", authority="Dorset", region="South West", visit_type=FOCUSED,
        visit_start="2018-03-06", published="2018-04-02", inspectors=["Ann Lee"],
    ),
    letter(
        "kent-2017",
        "Joint inspection of the children's services in Kent. Maire Byrne led the review of risk.",
        title="Joint inspection in Kent", authority="Kent", region="South East", visit_type=JTAI,
        published="2017-09-01", inspectors=["Maire Byrne"],
    ),
    letter(
        "stockton-2020",
        "Stockton-on-Tees safeguarding partners met the lead inspector, Jasper Quennell, in the autumn.",
        title="Focused visit to Stockton-on-Tees", authority="Stockton-on-Tees", region="North East",
        visit_type=FOCUSED, visit_start="2020-01-08", published="2020-02-03", inspectors=["Jasper Quennell"],
    ),
    letter(
        "york-undated",
        "A letter with no date at all <script>alert('x')</script> about risk & harm.",
        title="A letter from York", authority="York", region="Yorkshire and the Humber", visit_type="Other",
    ),
]

AUTHORITIES = ["Leeds", "Dorset", "Kent", "York", "Bury"]
REGIONS = {"Leeds": "Yorkshire and the Humber", "York": "Yorkshire and the Humber", "Dorset": "South West",
           "Kent": "South East", "Bury": "North West"}
PEOPLE = ["Ann Lee", "Tom Baker", "Sam Hill", "Jo Park"]
VOCABULARY = ["court", "risk", "plan", "review", "audit", "drift", "school", "health", "housing", "police", "nurse"]


def bulk_letters() -> list[Letter]:
    """Forty letters with varied metadata (some without dates) for the rules that hold over many letters."""
    rng = random.Random(3)
    letters = []
    for number in range(40):
        authority = rng.choice(AUTHORITIES)
        day = date(rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28))
        dated = number % 7 != 0
        letters.append(
            letter(
                f"bulk-{number:02d}",
                " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 40))),
                title=f"Bulk letter {number}", authority=authority, region=REGIONS[authority],
                visit_type=rng.choice([FOCUSED, MONITORING, JTAI]),
                visit_start=day.isoformat() if dated and number % 3 else None,
                published=day.isoformat() if dated else None,
                inspectors=rng.sample(PEOPLE, rng.randint(1, 3)),
            )
        )
    return letters


ALL = NAMED + bulk_letters()
BY_ID = {item.id: item for item in ALL}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("data")
    with LetterStore(data_dir) as store:
        for item in ALL:
            store.save(item)
    reindex(data_dir, workers=1)
    with LetterIndex.open(data_dir) as opened:
        yield opened


def ids(results) -> set[str]:
    return {hit.id for hit in results.hits}


def marked(hit) -> list[str]:
    """The words a hit's snippet marks."""
    return [hit.snippet_text[start:end] for start, end in hit.snippet_spans]


def search_date(item: Letter) -> date | None:
    value = item.get("visit_start") or item.get("published")
    return date.fromisoformat(value) if value else None


def has_word(item: Letter, word: str) -> bool:
    return re.search(rf"\b{word}\b", item.text.lower()) is not None


# Filters and facets ----------------------------------------------------------------------------

FILTER_CASES = [
    {"authority": ["Leeds", "Kent"]},
    {"visit_type": [FOCUSED], "inspector": ["Tom Baker", "Jo Park"]},
    {"region": ["Yorkshire and the Humber"], "year": [2019, 2021, 2016]},
    {"date_from": date(2017, 1, 1), "date_to": date(2020, 12, 31), "authority": ["Bury", "Dorset", "York"]},
    {"date_from": date(2021, 6, 1)},
    {"date_to": date(2016, 12, 31), "visit_type": [MONITORING, JTAI]},
]


def satisfies(item: Letter, filters: dict) -> bool:
    day = search_date(item)
    checks = [
        item.get("authority") in filters.get("authority", [item.get("authority")]),
        item.get("visit_type") in filters.get("visit_type", [item.get("visit_type")]),
        item.get("region") in filters.get("region", [item.get("region")]),
        "inspector" not in filters or bool(set(filters["inspector"]) & set(item.get("inspectors") or [])),
        "year" not in filters or (day is not None and day.year in filters["year"]),
        "date_from" not in filters or (day is not None and day >= filters["date_from"]),
        "date_to" not in filters or (day is not None and day <= filters["date_to"]),
    ]
    return all(checks)


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_every_hit_satisfies_every_filter_and_none_is_missed(index, filters) -> None:
    for query, matches in [("", lambda item: True), ("court", lambda item: has_word(item, "court"))]:
        results = index.search(query, per_page=100, **filters)
        expected = {item.id for item in ALL if matches(item) and satisfies(item, filters)}
        assert ids(results) == expected
        assert results.total == len(expected)


def test_facet_counts_follow_the_disjunctive_rule(index) -> None:
    filters = {"authority": ["Leeds", "Bury"], "visit_type": [FOCUSED, MONITORING], "inspector": ["Tom Baker"]}
    keyword = {"authority": "authority", "visit_type": "visit_type", "inspectors": "inspector"}
    results = index.search("risk OR court", **filters)
    matching = [item for item in ALL if has_word(item, "risk") or has_word(item, "court")]
    for facet in ("authority", "visit_type", "inspectors", "region", "year"):
        # Each facet is counted with every selection applied except its own.
        others = {name: values for name, values in filters.items() if name != keyword.get(facet)}
        counted = [item for item in matching if satisfies(item, others)]
        expected: dict = {}
        for item in counted:
            if facet == "inspectors":
                values = item.get("inspectors") or []
            elif facet == "year":
                values = [search_date(item).year] if search_date(item) else []
            else:
                values = [item.get(facet)]
            for value in values:
                expected[value] = expected.get(value, 0) + 1
        assert dict(results.facets[facet]) == expected, facet
        counts = [count for _, count in results.facets[facet]]
        assert counts == sorted(counts, reverse=True)
    # Choosing Leeds still shows how many letters the other authorities have.
    assert {"Dorset", "Kent"} & {value for value, _ in results.facets["authority"]}


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_cover_all_hits_exactly_once(index, sort) -> None:
    first = index.search("risk OR court OR plan", sort=sort, per_page=7)
    assert first.pages == -(-first.total // 7) and first.total > 14
    seen = []
    for page in range(1, first.pages + 1):
        results = index.search("risk OR court OR plan", sort=sort, page=page, per_page=7)
        assert results.total == first.total
        seen += [hit.id for hit in results.hits]
    assert len(seen) == len(set(seen)) == first.total
    past = index.search("risk OR court OR plan", sort=sort, page=10**9, per_page=7)
    assert past.hits == [] and past.total == first.total and past.page == 10**9


def test_per_page_is_kept_within_bounds(index) -> None:
    assert index.search("", per_page=10**6).per_page == 100
    assert len(index.search("", per_page=0).hits) == 1


def test_dates_and_years_are_the_visits_else_publication(index) -> None:
    # Visited in May 2019, published in June: the visit counts.
    assert "leeds-2019" in ids(index.search("", date_from=date(2019, 5, 1), date_to=date(2019, 5, 31)))
    assert "leeds-2019" not in ids(index.search("", date_from=date(2019, 6, 1), date_to=date(2019, 6, 30)))
    # No visit dates: publication counts.
    assert "kent-2017" in ids(index.search("", year=[2017], per_page=100))
    # No date at all: left out by any date filter, still found without one.
    assert "york-undated" not in ids(index.search("", date_from=date(1900, 1, 1), per_page=100))
    assert "york-undated" in ids(index.search("script", per_page=100))


def test_default_sort_is_relevance_with_a_query_and_newest_without(index) -> None:
    newest = index.search("", per_page=100)
    days = [search_date(BY_ID[hit.id]) for hit in newest.hits]
    dated = [day for day in days if day]
    assert dated == sorted(dated, reverse=True) and days[-1] is None
    assert all(hit.score is None for hit in newest.hits)
    oldest = index.search("court", sort="oldest", per_page=100)
    dated = [search_date(BY_ID[hit.id]) for hit in oldest.hits if search_date(BY_ID[hit.id])]
    assert dated == sorted(dated)
    assert all(hit.score for hit in index.search("court").hits)


# The query language ----------------------------------------------------------------------------


def test_a_phrase_needs_its_words_in_a_row(index) -> None:
    assert ids(index.search('"care leavers"')) == {"leeds-2021"}
    assert {"leeds-2021", "dorset-2018"} <= ids(index.search("care leavers"))
    hit = index.search('"care leavers"').hits[0]
    assert "Care leavers" in marked(hit)


def test_prefix_not_and_or_and_brackets(index) -> None:
    assert ids(index.search("perman*")) == {"leeds-2019", "leeds-2021"}
    assert ids(index.search("permanence -leavers")) == {"leeds-2019"}
    assert ids(index.search("permanence NOT leavers")) == {"leeds-2019"}
    assert ids(index.search("(dorset OR kent) services")) == {"kent-2017"}
    assert ids(index.search("front OR joint")) == {"dorset-2018", "kent-2017"}


def test_prefixes_are_of_words_as_printed_not_of_stems(index) -> None:
    # The index holds stems ("perman", "safeguard"); a prefix of the printed word must still find them.
    assert ids(index.search("permanen*")) == {"leeds-2019", "leeds-2021"}
    assert ids(index.search("permanenc*")) == {"leeds-2019", "leeds-2021"}
    results = index.search("safeguardi*")
    assert ids(results) == {"stockton-2020"}
    assert "safeguarding" in marked(results.hits[0])
    assert "leeds-2019" in ids(index.search("Mái*")) and ids(index.search("Mái*")) == ids(index.search("Mai*"))
    nothing = index.search("permanex*")
    assert nothing.total == 0 and "No word in the letters starts with “permanex”" in nothing.interpreted


def test_a_prefix_of_very_many_words_stands_for_the_most_frequent_and_says_so(tmp_path: Path) -> None:
    with LetterStore(tmp_path) as store:
        for number in range(60):
            # "quokka00" is in every letter, each other "quokkaNN" in one.
            store.save(letter(f"many-{number:02d}", f"quokka00 quokka{number:02d} wombat"))
    reindex(tmp_path, workers=1)
    with LetterIndex.open(tmp_path) as index:
        results = index.search("quokka*", per_page=100)
        assert "the 20 most frequent of the 60 words starting so" in results.interpreted
        assert results.total == 60  # all have the most frequent one
        assert ids(index.search("quokka0*", per_page=100)) == {f"many-{number:02d}" for number in range(60)}
        assert ids(index.search("quokka59*")) == {"many-59"}


def test_field_queries(index) -> None:
    assert ids(index.search("authority:leeds permanence")) == {"leeds-2019", "leeds-2021"}
    assert "leeds-2021" in ids(index.search('inspector:"tom baker"', per_page=100))
    assert all(BY_ID[i].get("visit_type") == MONITORING for i in ids(index.search("type:monitoring", per_page=100)))
    assert ids(index.search("year:2017 joint")) == {"kent-2017"}
    assert ids(index.search('region:"south west" front')) == {"dorset-2018"}


def test_stemming_finds_other_forms_and_highlights_the_words_as_printed(index) -> None:
    results = index.search("permanency")
    assert ids(results) == {"leeds-2019", "leeds-2021"}
    snippets = {hit.id: marked(hit) for hit in results.hits}
    assert "permanence" in snippets["leeds-2019"]
    assert "permanency" in snippets["leeds-2021"]


def test_numbers_and_single_characters_are_kept(index) -> None:
    results = index.search('"Section 8"')
    assert ids(results) == {"leeds-2019"}
    assert "Section 8" in marked(results.hits[0])
    assert ids(index.search("s47")) == {"dorset-2018"}
    assert ids(index.search('"18 to 25"')) == {"dorset-2018"}


def test_accents_fold_and_apostrophes_are_equal(index) -> None:
    assert ids(index.search("Maire")) == ids(index.search("Máire")) == {"leeds-2019", "kent-2017"}
    assert "Máire" in marked(index.search("maire", authority=["Leeds"]).hits[0])
    straight, curly = index.search("children's services"), index.search("children’s services")
    assert ids(straight) == ids(curly) == {"leeds-2019", "kent-2017"}


BAD_QUERIES = {
    '"care leavers': "closing quote",
    "(care OR court": "closing bracket",
    "court)": "closing bracket",
    "AND": "AND",
    "OR court": "OR",
    "court NOT": "NOT",
    "-": "",
    "((()))": "",
    "authority:": "“authority:” had no value",
    "risk " * 1000: "long",
    "x" * 5000: "long",
    '"': "",
    "*": "",
    "\x00 \u202e ☃": "",
    "(" * 5000: "nested deeper",
    "-" * 999 + "x": "",
    "NOT " * 300: "NOT",
}


@pytest.mark.parametrize("query", list(BAD_QUERIES), ids=lambda query: f"{query[:12]!r}-{len(query)}-chars")
def test_bad_queries_are_searched_as_well_as_possible_and_explained(index, query) -> None:
    results = index.search(query)
    assert results.interpreted
    assert BAD_QUERIES[query] in results.interpreted
    json.dumps(results.to_dict())


def test_a_repaired_query_still_finds_letters(index) -> None:
    assert ids(index.search('"care leavers')) == {"leeds-2021"}
    assert ids(index.search("(permanence OR front")) == {"leeds-2019", "leeds-2021", "dorset-2018"}


def test_interpreted_says_how_the_query_was_understood(index) -> None:
    sentence = index.search('permanence "care leavers" -court authority:Leeds', year=[2021]).interpreted
    for part in ("“permanence”", "the phrase “care leavers”", "not “court”", "authority “Leeds”", "year 2021"):
        assert part in sentence


def test_suggestion_only_when_it_finds_letters_and_in_real_words(index) -> None:
    results = index.search("leevers")
    assert results.total == 0
    assert results.suggestion == "leavers"
    assert index.search(results.suggestion).total > 0
    assert index.search("zqxjw").suggestion is None
    assert index.search("permanence").suggestion is None


def test_suggestions_are_printed_words_one_or_two_edits_away(index) -> None:
    # The stem of "permanense" is two edits from the stem "perman": only the printed words are near.
    results = index.search("permanense")
    assert results.total == 0 and results.suggestion == "permanence"
    assert ids(index.search(results.suggestion)) == {"leeds-2019", "leeds-2021"}
    # Names of places and inspectors are corrected too, in the case they were typed.
    assert index.search("Stockon safeguarding").suggestion == "Stockton safeguarding"
    assert index.search("Quenel").suggestion == "Quennell"
    assert index.search("Bryne").suggestion == "Byrne"  # two letters swapped
    # A suggestion that would find nothing with the filters chosen is not made.
    assert index.search("Quenel", authority=["Leeds"]).suggestion is None


def test_a_typo_in_one_letter_gets_a_suggestion_but_a_rare_word_does_not(tmp_path: Path) -> None:
    with LetterStore(tmp_path) as store:
        for number in range(60):
            store.save(letter(f"zoo-{number:02d}", "The wombat keepers met."))
        store.save(letter("typo", "The wombta keepers met."))
        store.save(letter("rare", "The combat keepers met."))
    reindex(tmp_path, workers=1)
    with LetterIndex.open(tmp_path) as index:
        typo = index.search("wombta")
        assert ids(typo) == {"typo"} and typo.suggestion == "wombat"
        # One edit from "wombat" too, but another first letter: a word of its own, left alone.
        assert index.search("combat").suggestion is None


# Hits and snippets -----------------------------------------------------------------------------


def test_snippets_are_text_and_spans_and_their_html_is_escaped_before_marks_go_in(index) -> None:
    hit = index.search("harm").hits[0]
    assert "<script>" in hit.snippet_text and marked(hit) == ["harm"]
    snippet = hit.to_dict()["snippet"]
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    assert "<mark>harm</mark>" in snippet and "&amp;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_the_command_prints_snippets_as_text_with_matches_in_colour(index) -> None:
    from click.testing import CliRunner

    from letters.cli import main

    result = CliRunner().invoke(main, ["--data-dir", str(index.data_dir), "search", "harm"], color=True)
    assert result.exit_code == 0, result.output
    assert "<script>alert('x')</script> about risk & \x1b[31m\x1b[1mharm\x1b[0m." in result.output
    assert "<mark>" not in result.output and "&amp;" not in result.output


def test_hits_carry_the_fields_the_api_promises(index) -> None:
    hit = index.search("permanence", authority=["Leeds"], sort="oldest").hits[0]
    assert (hit.id, hit.title, hit.authority, hit.visit_type) == (
        "leeds-2019", "Focused visit to Leeds", "Leeds", FOCUSED)
    assert hit.published == date(2019, 6, 20) and hit.visit_start == date(2019, 5, 14)
    assert hit.visit_end == date(2019, 5, 15) and hit.inspectors == ["Máire O'Neill", "Tom Baker"]
    record = index.search("permanence").to_dict()
    assert set(record) == {"total", "page", "pages", "per_page", "took_ms", "hits", "facets", "suggestion",
                           "interpreted"}
    assert set(record["hits"][0]) == {"id", "title", "authority", "authority_code", "visit_type", "published",
                                      "visit_start", "visit_end", "inspectors", "url", "score", "snippet",
                                      "snippet_text", "snippet_spans",
                                      "framework", "judgements", "send_outcome", "priority_action", "focus_areas"}
    assert json.loads(json.dumps(record)) == record


def test_get_and_more_like_this(index) -> None:
    assert index.get("kent-2017").text.startswith("Joint inspection")
    assert index.get("no-such-letter") is None and index.get("../etc/passwd") is None
    similar = index.more_like_this("bulk-01", n=3)
    assert 0 < len(similar) <= 3 and "bulk-01" not in {hit.id for hit in similar}
    assert index.more_like_this("no-such-letter") == []


def index_of(data_dir: Path, *letters: Letter) -> LetterIndex:
    """An index of just these letters."""
    with LetterStore(data_dir) as store:
        for item in letters:
            store.save(item)
    reindex(data_dir, workers=1)
    return LetterIndex.open(data_dir)


def test_snippets_are_complete_in_long_reports(tmp_path: Path) -> None:
    filler = "The report describes ordinary practice in some detail. " * 1200  # about 66 000 characters
    report = letter("long-report", filler + "At the very end the word zeugma appears.", title="A long report")
    with index_of(tmp_path, report) as index:
        hit = index.search("zeugma").hits[0]
    assert "zeugma" in marked(hit)


def test_a_rare_word_is_marked_beside_a_common_one_with_thousands_of_matches(tmp_path: Path) -> None:
    filler = "Practice was reviewed and practice improved. " * 1500  # 3 000 of "practice" before the rare word
    report = letter("long-report", filler + "Finally the panel praised the zeugmatic practices.", title="A long report")
    with index_of(tmp_path, report) as index:
        hit = index.search("practice zeugmatic").hits[0]
        phrase_hit = index.search('"zeugmatic practices" practice').hits[0]
    assert {"zeugmatic", "practices"} <= set(marked(hit))  # the common word too, where the rare one is
    assert "zeugmatic practices" in marked(phrase_hit)


def test_matches_after_curly_quotes_bullets_and_accents_are_marked_exactly(tmp_path: Path) -> None:
    # Punctuation beyond ASCII before a match (most letters), and accented letters (a few): the marks must
    # fall on the words, not a character or two beside them.
    opening = "The council’s “offer” was clear — and “timely”. " * 40  # 200 characters of 3 bytes each
    punctuated = letter("punctuated", opening + "The “front door” works — well.\n\n• Children’s services improved "
                        "and the front door improved too.", title="Curly quotes")
    accented = letter("accented", "Éamonn and Zoë met the team. The front door was praised by Máire.",
                      title="Accents")
    with index_of(tmp_path, punctuated, accented) as index:
        phrase = {hit.id: marked(hit) for hit in index.search('"front door"').hits}
        services = index.search("services").hits[0]
        names = index.search("zoe maire").hits[0]
    assert phrase == {"punctuated": ["front door", "front door"], "accented": ["front door"]}
    assert marked(services) == ["services"]
    assert marked(names) == ["Zoë", "Máire"]
