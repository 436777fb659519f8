"""`letters crawl` against a fake Ofsted site on 127.0.0.1 serving real PDFs, with the faults a real site has.

Every test runs real HTTP through the crawler's own fetcher; the crawl is fast because the delay is zero.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakesite import (
    STYLES,
    Cut,
    FakeAuthority,
    FakeSite,
    HtmlPage,
    Slow,
    Status,
    Truncated,
    fake_authorities,
)

from corpus.crawler import CrawlOptions, CrawlReport, crawl
from corpus.fetcher import Fetcher
from corpus.site import MarkupChanged, parse_listing, parse_provider, split_label
from corpus.store import LetterStore
from letters.cli import main

VISIT_TYPES = {
    "Children's services focused visit": "Focused visit",
    "Children's services inspection": "Children's services inspection",
    "Area SEND full inspection": "Area SEND inspection",
}
USER_AGENT_START = "letters/"
USER_AGENT_END = "(+https://github.com/letters-project/letters)"


def quick_fetcher(**settings: float) -> Fetcher:
    """A fetcher with no delay and millisecond backoff, so that retries cost the tests nothing."""
    return Fetcher(**{"delay": 0, "backoff": 0.01, "timeout": 5.0, "tries": 4, **settings})


def run_crawl(site: FakeSite, data_dir: Path, fetcher: Fetcher | None = None, **options: object) -> CrawlReport:
    with LetterStore(data_dir) as store:
        return crawl(store, CrawlOptions(base_url=site.url, **options), fetcher=fetcher or quick_fetcher())


def run_cli(site: FakeSite, data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "crawl", "--base-url", site.url, "--delay", "0", *args]
    )
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def stored_ids(data_dir: Path) -> list[str]:
    with LetterStore(data_dir) as store:
        return store.ids()


def file_ids(authorities: list[FakeAuthority]) -> list[str]:
    return sorted({file.file_id for authority in authorities for file in authority.files})


@pytest.fixture
def small(manifest: list[dict[str, str]]) -> list[FakeAuthority]:
    """Three authorities with a real letter or report each."""
    return fake_authorities(manifest, 3, per_authority=1)


# The whole site ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_a_full_crawl_stores_every_document_with_the_sites_metadata_and_a_second_fetches_none(
    manifest: list[dict[str, str]], data_dir: Path, style: str
) -> None:
    authorities = fake_authorities(manifest, 30, per_authority=1)
    rows = {row["file"]: row for row in manifest}
    with FakeSite(authorities, page_size=12, style=style) as site:
        files = site.files
        report = run_crawl(site, data_dir)

        assert report.failures == [] and report.page_failures == []
        assert report.new == len(files) == 30
        # The listing in three pages of 12, 12 and 6. Without a result count or a next link to say that
        # the third is the last, a fourth page adds no authority and ends the listing.
        listing_pages = 3 if style == "documented" else 4
        assert site.paths("/search") == ["/search"] * listing_pages
        assert report.pages_fetched == listing_pages + len(authorities)
        assert report.authorities == len(authorities)
        with LetterStore(data_dir) as store:
            assert store.ids() == file_ids(authorities)
            for authority in authorities:
                for file in authority.files:
                    letter = store.get(file.file_id)
                    assert letter is not None
                    row = rows[str(file.path)]
                    assert letter.url == site.file_url(file)
                    assert letter.sha256 == row["sha256"]
                    expected = {
                        "urn": authority.urn,
                        "authority": row["local_authority"],
                        "authority_code": row["ons_code"],
                        "region": row["region"],
                        "visit_type": VISIT_TYPES[file.label],
                        "published": file.published.isoformat(),
                    }
                    found = {name: (letter.metadata[name].value, letter.metadata[name].origin) for name in expected}
                    assert found == {name: (value, "site") for name, value in expected.items()}, file.path
        fetched_files = len(site.paths("/v1/file/"))
        assert fetched_files == len(files)

        again = run_crawl(site, data_dir)
        assert len(site.paths("/v1/file/")) == fetched_files, "a second crawl downloaded files again"
        assert again.new == 0 and again.already_stored == len(files) and again.failed == 0
        assert again.pages_not_modified == report.pages_fetched and again.pages_fetched == 0
        assert all(
            seen.headers["User-Agent"].startswith(USER_AGENT_START)
            and seen.headers["User-Agent"].endswith(USER_AGENT_END)
            for seen in site.requests
        )
        assert site.paths("/robots.txt") == ["/robots.txt"] * 2  # once a crawl


def test_with_one_request_in_ten_failing_every_document_still_arrives(
    manifest: list[dict[str, str]], data_dir: Path
) -> None:
    authorities = fake_authorities(manifest, 8)
    with FakeSite(authorities, page_size=5, every_nth_fails=10) as site:
        report = run_crawl(site, data_dir)
        distinct = {seen.path for seen in site.requests}
        assert len(site.requests) > len(distinct), "no request was made to fail"
    assert report.failed == 0, report.lines()
    assert stored_ids(data_dir) == file_ids(authorities)


# Transient faults on one file -------------------------------------------------------------------


def test_a_429_with_retry_after_is_waited_out(small: list[FakeAuthority], data_dir: Path) -> None:
    with FakeSite(small) as site:
        target = site.files[0]
        site.fail(target.url_path, Status(429, retry_after="1"))
        report = run_crawl(site, data_dir)
        first, second = (seen for seen in site.requests if seen.path == target.url_path)
    assert second.at - first.at >= 1.0, "the crawler came back before Retry-After said it could"
    assert report.failed == 0
    assert stored_ids(data_dir) == file_ids(small)


def test_a_500_then_a_503_then_success_stores_the_file(small: list[FakeAuthority], data_dir: Path) -> None:
    with FakeSite(small) as site:
        target = site.files[1]
        site.fail(target.url_path, Status(500), Status(503))
        report = run_crawl(site, data_dir)
        assert site.paths(target.url_path) == [target.url_path] * 3
    assert report.failed == 0
    assert target.file_id in stored_ids(data_dir)


def test_a_response_slower_than_the_timeout_is_tried_again_then_given_up_cleanly(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        late_once, always_late = site.files[0], site.files[1]
        site.fail(late_once.url_path, Slow(2.0))
        site.always(always_late.url_path, Slow(2.0))
        report = run_crawl(site, data_dir, quick_fetcher(timeout=0.4, tries=2))
        assert len(site.paths(always_late.url_path)) == 2  # bounded tries
    assert [(f.url.endswith(always_late.url_path), f.reason) for f in report.failures] == [
        (True, "timed out (2 tries)")
    ]
    assert stored_ids(data_dir) == sorted(set(file_ids(small)) - {always_late.file_id})


def test_a_connection_cut_mid_file_is_tried_again_and_leaves_no_partial_file(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        cut_once, always_cut = site.files[0], site.files[2]
        site.fail(cut_once.url_path, Cut())
        site.always(always_cut.url_path, Cut())
        report = run_crawl(site, data_dir)
    assert [(f.url.endswith(always_cut.url_path), f.reason) for f in report.failures] == [
        (True, "connection cut before the whole response arrived (4 tries)")
    ]
    with LetterStore(data_dir) as store:
        assert store.get(cut_once.file_id).sha256 == hashlib.sha256(cut_once.path.read_bytes()).hexdigest()
        assert always_cut.file_id not in store
    assert list((data_dir / "downloads").iterdir()) == []


def test_a_file_over_the_size_limit_is_refused(small: list[FakeAuthority], data_dir: Path) -> None:
    with FakeSite(small) as site:
        report = run_crawl(site, data_dir, quick_fetcher(max_bytes=50_000))
    assert len(report.failures) == len(file_ids(small))
    assert all(failure.reason.startswith("too large: ") for failure in report.failures)
    assert stored_ids(data_dir) == []


def test_a_site_refusing_every_file_is_left_alone_after_ten_refusals(
    manifest: list[dict[str, str]], data_dir: Path
) -> None:
    authorities = fake_authorities(manifest, 8)
    with FakeSite(authorities) as site:
        for file in site.files:
            site.always(file.url_path, Status(403))
        code, output = run_cli(site, data_dir)
        assert len(site.paths("/v1/file/")) == 10 < len(site.files)
    assert code == 1
    assert (
        "Stopped early: 10 files in a row could not be fetched (the last: HTTP 403 Forbidden); "
        "the site may be down or refusing this crawler: try again later"
    ) in output


# Files that are not letters ---------------------------------------------------------------------


def test_a_truncated_pdf_fails_with_its_reason_the_rest_are_stored_and_the_next_crawl_tries_again(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        broken = site.files[1]
        site.always(broken.url_path, Truncated())
        code, output = run_cli(site, data_dir)
        assert code == 1
        assert f"{site.file_url(broken)}: truncated PDF" in output
        assert stored_ids(data_dir) == sorted(set(file_ids(small)) - {broken.file_id})

        site.always(broken.url_path, None)  # the site fixed its file
        code, output = run_cli(site, data_dir)
        assert code == 0, output
        assert site.paths("/v1/file/").count(broken.url_path) == 2
        assert len(site.paths("/v1/file/")) == len(file_ids(small)) + 1
    assert stored_ids(data_dir) == file_ids(small)


def test_an_html_page_served_as_the_file_is_a_failure_not_a_letter(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        broken = site.files[0]
        site.always(broken.url_path, HtmlPage())
        report = run_crawl(site, data_dir)
    assert [failure.reason for failure in report.failures] == [
        "the site answered with an HTML page ('Sorry, there is a problem with the service'), not a PDF"
    ]
    assert broken.file_id not in stored_ids(data_dir)
    assert len(stored_ids(data_dir)) == len(file_ids(small)) - 1


# Politeness and the site's markup ---------------------------------------------------------------


def test_robots_txt_is_read_and_obeyed(small: list[FakeAuthority], data_dir: Path) -> None:
    forbidden_file = small[0].files[0]
    forbidden_page = f"/provider/44/{small[1].urn}"
    # Everyone else is shut out: the crawl goes ahead only if "letters" finds its own group.
    robots = (
        f"User-agent: letters\nDisallow: {forbidden_page}\nDisallow: {forbidden_file.url_path}\n\n"
        "User-agent: *\nDisallow: /\n"
    )
    with FakeSite(small, robots=robots) as site:
        report = run_crawl(site, data_dir)
        assert site.paths(forbidden_page) == [] and site.paths(forbidden_file.url_path) == []
        assert sorted(report.disallowed) == sorted([site.url + forbidden_page, site.file_url(forbidden_file)])
    expected = {f.file_id for a in (small[0], small[2]) for f in a.files} - {forbidden_file.file_id}
    assert stored_ids(data_dir) == sorted(expected)


def test_a_provider_page_whose_markup_changed_stops_that_authority_with_a_sentence(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    changed = small[1]
    with FakeSite(small) as site:
        # The timeline is still there, but the links to files have lost their class.
        site.markup[changed.urn] = (
            '<html><body><h1 class="heading--title">Somewhere</h1><ol class="timeline">'
            '<li class="timeline__day"><a class="report" href="/v1/file/1">Report</a></li></ol></body></html>'
        )
        code, output = run_cli(site, data_dir)
    assert code == 1
    assert (
        f"{changed.name}: stopped, nothing on {site.url}/provider/44/{changed.urn} matches "
        "'a.publication-link[href]' (the links to published files): Ofsted's page markup may have changed"
    ) in output
    assert "0 failed" not in output.splitlines()[0]
    expected = {f.file_id for a in (small[0], small[2]) for f in a.files}
    assert stored_ids(data_dir) == sorted(expected)


def test_a_listing_without_a_provider_link_stops_the_crawl_with_a_sentence(data_dir: Path) -> None:
    with FakeSite([], style="plain") as site:
        code, output = run_cli(site, data_dir)
        assert site.paths("/provider/") == []
    assert code == 1
    assert (
        "the listing of local authorities stopped: nothing on "
        f"{site.url}/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=0&rows=100 "
        "matches 'a[href] to /provider/<category>/<URN>' (links to the local authorities): "
        "Ofsted's page markup may have changed"
    ) in output


def test_a_provider_page_with_only_the_confirmed_parts_is_crawled(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    bare = small[0]
    with FakeSite(small) as site:
        site.markup[bare.urn] = "".join(
            f'<a class="publication-link" href="{site.file_url(f)}"><span class="nonvisual">{f.label}, pdf - '
            f"{f.published.day} {f.published:%B %Y}</span></a>"
            for f in bare.files
        )
        report = run_crawl(site, data_dir)
    assert report.failed == 0 and report.authorities == 3
    with LetterStore(data_dir) as store:
        letter = store.get(bare.files[0].file_id)
    assert letter.metadata["published"].value == bare.files[0].published.isoformat()
    assert letter.metadata["visit_type"].origin == letter.metadata["authority"].origin == "site"
    assert letter.get("authority") == bare.name


def test_an_authority_the_gazetteer_does_not_know_is_named_by_its_link_in_the_listing(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    newcomer = FakeAuthority("9100001", "Newtown Borough Council", [replace(small[0].files[0], file_id="40000999")])
    with FakeSite([newcomer], style="plain") as site:
        report = run_crawl(site, data_dir)
    assert report.failed == 0 and report.new == 1
    with LetterStore(data_dir) as store:
        letter = store.get("40000999")
    assert letter.metadata["authority"].value == "Newtown Borough Council"
    assert letter.metadata["urn"].value == "9100001"


def test_a_file_that_failed_in_three_crawls_is_skipped_with_a_note_until_retry_failed(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        broken = site.files[0]
        site.always(broken.url_path, Truncated())
        for _ in range(3):
            code, output = run_cli(site, data_dir)
            assert code == 1 and f"{site.file_url(broken)}: truncated PDF" in output
        assert site.paths(broken.url_path) == [broken.url_path] * 3

        code, output = run_cli(site, data_dir)
        assert code == 0, output
        assert site.paths(broken.url_path) == [broken.url_path] * 3, "a file failing for good was fetched again"
        assert "Skipped, they failed in the last crawls (letters crawl --retry-failed tries them again): 1" in output
        assert f"  {site.file_url(broken)}: truncated PDF" in output and "(failed in 3 crawls so far)" in output

        site.always(broken.url_path, None)  # the site mended it
        code, output = run_cli(site, data_dir, "--retry-failed")
        assert code == 0, output
        assert len(site.paths(broken.url_path)) == 4
    assert broken.file_id in stored_ids(data_dir)


def test_the_same_file_listed_twice_is_fetched_and_stored_once(small: list[FakeAuthority], data_dir: Path) -> None:
    twice = small[0].files[0]
    small[0].files.append(twice)
    small[2].files.append(twice)
    with FakeSite(small) as site:
        report = run_crawl(site, data_dir)
        assert site.paths(twice.url_path) == [twice.url_path]
    assert report.listed_twice == 2 and report.failed == 0
    assert stored_ids(data_dir) == file_ids(small)


def test_an_unknown_label_becomes_other_and_is_reported(small: list[FakeAuthority], data_dir: Path) -> None:
    odd = replace(small[0].files[0], label="Children's services practice review")
    small[0].files[0] = odd
    with FakeSite(small) as site:
        code, output = run_cli(site, data_dir)
    assert code == 0, output
    assert 'Labels with no known visit type (stored as "Other"):\n  "Children\'s services practice review" ×1' in output
    with LetterStore(data_dir) as store:
        letter = store.get(odd.file_id)
    assert letter.metadata["visit_type"].value == "Other" and letter.metadata["visit_type"].origin == "site"


def test_where_the_text_disagrees_with_the_site_the_site_wins_and_export_shows_both(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    # The first authority's letter, published on the third authority's page.
    moved = small[0].files[0]
    small[0].files.remove(moved)
    small[2].files.append(moved)
    with FakeSite(small) as site:
        run_crawl(site, data_dir)
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "export", "--format", "jsonl"])
    record = next(line for line in result.output.splitlines() if f'"id": "{moved.file_id}"' in line)
    assert f'"authority": "{small[2].name}"' in record
    assert f'"disagreements": {{"authority": {{"text": "{small[0].name}"}}' in record


def test_a_crawl_names_probable_duplicates_and_says_what_the_index_lacks(
    small: list[FakeAuthority], data_dir: Path, tmp_path: Path
) -> None:
    with FakeSite(small) as site:
        code, output = run_cli(site, data_dir)
        assert code == 0, output
        assert output.splitlines()[-1] == "There is no search index yet: letters reindex builds it."
        assert CliRunner().invoke(main, ["--data-dir", str(data_dir), "reindex"]).exit_code == 0

        # The site publishes the first letter again under a new file id: other bytes, the same letter.
        first = small[0].files[0]
        again = tmp_path / "again.pdf"
        again.write_bytes(first.path.read_bytes() + b"\n% published again\n")
        small[0].files.append(replace(first, file_id="40000777", path=again))
        code, output = run_cli(site, data_dir)
    assert code == 0, output
    assert "Probable duplicates: 1 (letters delete ID removes one)" in output
    assert f"{site.url}/v1/file/40000777 (letter 40000777) is probably a duplicate of {site.file_url(first)} " \
        f"(letter {first.file_id}): the same authority, visit type and visit dates" in output
    assert output.splitlines()[-1] == "1 letter is not in the search index yet: letters reindex adds it."


# Narrowing the crawl ----------------------------------------------------------------------------


def test_dry_run_lists_what_would_be_fetched_and_fetches_no_document(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        code, output = run_cli(site, data_dir, "--dry-run")
        assert code == 0, output
        assert site.paths("/v1/file/") == []
        for file in site.files:
            assert f"would fetch {site.file_url(file)}" in output
    assert f"{len(file_ids(small))} would be fetched (dry run" in output
    assert stored_ids(data_dir) == []


def test_authority_type_since_and_limit_narrow_the_crawl(manifest: list[dict[str, str]], tmp_path: Path) -> None:
    authorities = fake_authorities(manifest, 8)
    by_name, by_urn = authorities[0], authorities[5]
    every = [(a, f) for a in authorities for f in a.files]
    with FakeSite(authorities) as site:
        code, output = run_cli(site, tmp_path / "a", "--authority", by_name.name.upper(), "--authority", by_urn.urn)
        assert code == 0, output
        assert site.paths("/search") == [], "naming authorities should skip the listing"
        assert stored_ids(tmp_path / "a") == file_ids([by_name, by_urn])

        code, output = run_cli(site, tmp_path / "b", "--type", "focused visit", "--dry-run")
        visits = [f for _, f in every if f.label == "Children's services focused visit"]
        assert 0 < len(visits) < len(every)
        assert f"{len(visits)} would be fetched" in output
        assert all(f"would fetch {site.file_url(f)}" in output for f in visits)

        since = sorted(f.published for _, f in every)[len(every) // 2]
        code, output = run_cli(site, tmp_path / "c", "--since", since.isoformat(), "--dry-run")
        recent = [f for _, f in every if f.published >= since]
        assert f"{len(recent)} would be fetched" in output

        before = len(site.paths("/v1/file/"))
        code, output = run_cli(site, tmp_path / "d", "--limit", "2")
        assert code == 0, output
        assert len(site.paths("/v1/file/")) - before == 2
        assert len(stored_ids(tmp_path / "d")) == 2

    code, output = run_cli(site, tmp_path / "e", "--authority", "Narnia")
    assert code == 1 and "no local authority is called 'Narnia'" in output


# Killed and started again -----------------------------------------------------------------------


def test_a_crawl_killed_at_any_moment_and_restarted_loses_and_duplicates_nothing(
    manifest: list[dict[str, str]], data_dir: Path
) -> None:
    letters = Path(sys.executable).with_name("letters")
    assert letters.exists(), f"the letters command is missing beside {sys.executable}: pip install -e ."
    authorities = fake_authorities(manifest, 8)
    with FakeSite(authorities, page_size=5) as site:
        command = [str(letters), "--data-dir", str(data_dir), "crawl", "--base-url", site.url, "--delay", "0.05"]
        for kill_after in (3, 8):
            crawler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while len(site.paths("/v1/file/")) < kill_after:
                assert crawler.poll() is None, "the crawl ended before it could be killed"
                assert time.monotonic() < deadline, "the crawl fetched no file in a minute"
                time.sleep(0.005)
            crawler.send_signal(signal.SIGKILL)
            crawler.wait()
        finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        downloads = site.paths("/v1/file/")

    expected = file_ids(authorities)
    assert len(downloads) <= len(expected) + 2, "more than the file in flight at each kill was fetched again"
    with LetterStore(data_dir) as store:
        assert store.ids() == expected
        assert all(len(letter.versions) == 1 for letter in store)
    originals = [path for path in (data_dir / "originals").rglob("*") if path.is_file()]
    assert len(originals) == len(expected), "a temp file of a killed write was left behind"
    assert all(hashlib.sha256(path.read_bytes()).hexdigest() == path.stem for path in originals)
    assert not [path for path in (data_dir / "letters").iterdir() if path.suffix != ".json"]
    assert list((data_dir / "downloads").iterdir()) == []


# Reading the site's markup ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Children's services focused visit, pdf - 11 May 2018", ("Children's services focused visit", "2018-05-11")),
        ("Children's  services inspection as pdf - 3 Sept 2019", ("Children's services inspection", "2019-09-03")),
        ("Area SEND full inspection, PDF - 1 Feb 2024", ("Area SEND full inspection", "2024-02-01")),
        (
            "Joint area child protection inspection - 30 June 2021",
            ("Joint area child protection inspection", "2021-06-30"),
        ),
        ("Monitoring visit to Anytown", ("Monitoring visit to Anytown", None)),
    ],
)
def test_a_link_label_gives_the_type_and_publication_date(raw: str, expected: tuple[str, str | None]) -> None:
    assert split_label(raw) == expected


def test_timeline_days_without_publication_links_are_a_markup_change() -> None:
    page = (
        '<ol class="timeline"><li class="timeline__day"><p class="timeline__date"><time>2 May 2024</time></p>'
        '<a class="download" href="https://files.example/v1/file/7">Focused visit</a></li></ol>'
    )
    with pytest.raises(MarkupChanged, match=r"matches 'a.publication-link\[href\]' \(the links to published files\)"):
        parse_provider(page, "https://reports.example/provider/44/1")


def test_a_timeline_with_only_events_has_no_publications_and_is_no_error() -> None:
    page = (
        '<h1 class="heading--title">Newtown</h1><ol class="timeline">'
        '<li class="timeline__day timeline__day--registered"><p>Registered</p></li></ol>'
    )
    assert parse_provider(page, "https://reports.example/provider/44/2").publications == []


def test_a_provider_page_with_only_the_confirmed_parts_is_read() -> None:
    page = (
        '<a class="publication-link" href="https://files.example/v1/file/50012345">Download'
        "<span class=\"nonvisual\">Children's services focused visit, pdf - 11 May 2018</span></a>"
        '<a class="publication-link" href="/v1/file/2760660"><span class="nonvisual">'
        "Children's  services inspection as pdf - 3 Sept 2009</span></a>"
    )
    provider = parse_provider(page, "https://reports.example/provider/44/80426")
    assert provider.name is None
    assert [(p.url, p.label, p.published) for p in provider.publications] == [
        ("https://files.example/v1/file/50012345", "Children's services focused visit", "2018-05-11"),
        ("https://reports.example/v1/file/2760660", "Children's services inspection", "2009-09-03"),
    ]


def test_a_provider_page_that_says_it_has_published_nothing_is_no_error() -> None:
    page = "<main><h2>Newtown</h2><p>There are no published reports for this provider.</p></main>"
    assert parse_provider(page, "https://reports.example/provider/44/3").publications == []


def test_a_provider_page_with_no_publication_link_and_no_word_about_it_is_a_markup_change() -> None:
    page = '<main><h2>Newtown</h2><ul class="documents"><li>Focused visit, 2 May 2024</li></ul></main>'
    with pytest.raises(MarkupChanged, match=r"nothing on https://reports.example/provider/44/4 matches"):
        parse_provider(page, "https://reports.example/provider/44/4")


def test_the_listing_is_read_from_provider_links_anywhere_and_its_first_page_must_have_some() -> None:
    page = (
        '<a href="/provider/">All providers</a><table><tr><td><a href="/provider/44/80426">Barnsley</a></td>'
        '<td><a href="https://reports.example/provider/44/80426/">view</a></td></tr>'
        '<tr><td><a href="/provider/44/9100001"><img alt=""></a> <a href="/provider/44/9100001">Newtown</a></td>'
        '</tr></table><a href="/search?start=100&amp;rows=100">More</a>'
    )
    listing = parse_listing(page, "https://reports.example/search?q=&start=0&rows=100")
    assert [(a.urn, a.name) for a in listing.authorities] == [("80426", "Barnsley"), ("9100001", "Newtown")]
    assert listing.total is None and listing.has_next is False

    empty = "<main><p>No results found</p></main>"
    assert parse_listing(empty, "https://reports.example/search?q=&start=200&rows=100").authorities == []
    with pytest.raises(MarkupChanged, match=r"matches 'a\[href\] to /provider/<category>/<URN>'"):
        parse_listing(empty, "https://reports.example/search?q=&start=0&rows=100")
