"""The search journeys in a real browser (Debian's Chromium through Playwright) against `letters serve`.

The same journey runs with JavaScript on and off: every state is in the URL and the forms work alone.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from test_webapp import LETTERS, build_sample_data, free_port

from corpus.store import LetterStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`letters serve` on a free port over sample letters; its base URL."""
    where = tmp_path_factory.mktemp("browser")
    yield from serve(build_sample_data(where / "data"), where)


@pytest.fixture(scope="module")
def server_with_original(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[tuple]:
    """`letters serve` over one real letter imported from its PDF: (base URL, letter id, the PDF's bytes)."""
    where = tmp_path_factory.mktemp("original")
    pdf = next((corpus_dir / "focused-visits").rglob("*.pdf"))
    data_dir = where / "data"
    subprocess.run([str(LETTERS), "--data-dir", str(data_dir), "import", str(pdf)], check=True)
    subprocess.run([str(LETTERS), "--data-dir", str(data_dir), "reindex"], check=True)
    with LetterStore(data_dir) as store:
        [letter_id] = store.ids()
    for base in serve(data_dir, where):
        yield base, letter_id, pdf.read_bytes()


def serve(data_dir: Path, where: Path) -> Iterator[str]:
    """Run `letters serve` on a free port over `data_dir` until the fixture ends; yields its base URL."""
    port = free_port()
    log = where / "serve.log"
    with open(log, "w") as output:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [str(LETTERS), "--data-dir", str(data_dir), "serve", "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"letters serve stopped at once:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"letters serve did not answer on {base} within 60 s")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium` or "
                    "`apt-get install chromium`) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(request, browser):
    context = browser.new_context(java_script_enabled=request.param,
                                  viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    tab.javascript = request.param
    yield tab
    context.close()


def args_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def shown_total(page) -> int:
    text = page.locator("#result-count").inner_text()
    found = re.match(r"\s*([\d,]+) letters?", text)
    return int(found.group(1).replace(",", "")) if found else 0


def chip_texts(page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator("a.chip").all_inner_texts()]


def hit_authorities(page) -> set[str]:
    return set(page.locator(".hit__authority").all_inner_texts())


def tick(page, name: str, value: str) -> None:
    """Tick one filter as a person would: with JavaScript the page reloads at once."""
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    box = page.locator(f'input[name={name}][value="{quoted}"]')
    if page.javascript:
        with page.expect_navigation():
            box.check()
    else:
        box.check()


def apply_filters(page) -> None:
    if not page.javascript:
        with page.expect_navigation():
            page.get_by_role("button", name="Apply filters").click()


def authority_option(page, position: int) -> tuple[str, int]:
    label = page.locator("#facet-authority .facet__options").first.locator("label").nth(position)
    value = page.locator("#facet-authority .facet__options").first.locator("input").nth(position)
    count = re.match(r"[\d,]+", label.locator(".facet__count").inner_text()).group()
    return value.get_attribute("value"), int(count.replace(",", ""))


def test_search_filter_page_and_read_a_letter(server, page):
    # Search
    page.goto(f"{server}/")
    page.fill("#q", "children")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert args_of(page.url)["q"] == ["children"]
    total = shown_total(page)
    assert total > 20
    assert page.locator(".hit__snippet mark").count() > 0
    if page.javascript:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=False)

    # Page forward, and back with the browser's back button
    first_title = page.locator(".hit__title a").first.inner_text()
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert args_of(page.url)["page"] == ["2"]
    assert page.locator(".hit__title a").first.inner_text() != first_title
    page.go_back()
    assert "page" not in args_of(page.url)
    assert page.locator(".hit__title a").first.inner_text() == first_title
    page.go_forward()
    assert args_of(page.url)["page"] == ["2"]
    page.go_back()

    # Tick two authorities: the count is the sum of theirs, and every hit is to one of them
    first, first_count = authority_option(page, 0)
    second, second_count = authority_option(page, 1)
    tick(page, "authority", first)
    tick(page, "authority", second)
    apply_filters(page)
    assert args_of(page.url)["authority"] == [first, second]
    assert shown_total(page) == first_count + second_count
    assert hit_authorities(page) <= {first, second}
    assert page.locator("a.chip").count() == 2

    # Remove one chip
    with page.expect_navigation():
        chip = re.compile(rf"Authority:\s*{re.escape(first)}\s*×")
        page.locator("a.chip").filter(has_text=chip).click()
    assert args_of(page.url)["authority"] == [second]
    assert shown_total(page) == second_count
    assert hit_authorities(page) == {second}
    assert chip_texts(page) == [f"Authority: {second} × (remove this filter)"]

    # Open a letter, then one of its inspectors, then search their letters
    title = page.locator(".hit__title a").first.inner_text()
    with page.expect_navigation():
        page.locator(".hit__title a").first.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".letter-text mark").count() > 0
    inspector = page.locator(".inspector-link").first
    name = inspector.inner_text()
    with page.expect_navigation():
        inspector.click()
    assert page.locator("h1").inner_text() == name
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Search these")).click()
    assert args_of(page.url)["inspector"] == [name]
    assert chip_texts(page) == [f"Inspector: {name} × (remove this filter)"]
    assert shown_total(page) >= 1
    for facts in page.locator(".hit__facts").all_inner_texts():
        assert name in facts



def test_national_table_to_an_authority_a_letter_an_inspector_and_back(server, page):
    page.goto(f"{server}/authorities")
    assert page.locator("svg.stacked-chart").count() == 2
    if page.javascript:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "authorities.png"), full_page=False)
    # Sort by the number of letters, most first
    with page.expect_navigation():
        page.locator("thead a", has_text="Letters").click()
    assert args_of(page.url)["sort"] == ["letters"]
    first = page.locator("table.authorities-table tbody tr").first
    name = first.locator("th a").inner_text()
    letters = int(first.locator("td.numeric").inner_text().replace(",", ""))
    assert letters >= 1
    # The authority's page: every letter in its timeline
    with page.expect_navigation():
        first.locator("th a").click()
    assert page.locator("h1").inner_text() == name
    assert page.locator("ol.timeline > li").count() == letters
    authority_url = page.url
    # One of its letters, then an inspector of that letter
    with page.expect_navigation():
        page.locator("ol.timeline > li > a").first.click()
    assert page.locator(".summary-list a.authority-link").inner_text() == name
    inspector = page.locator(".inspector-link").first
    person = inspector.inner_text()
    with page.expect_navigation():
        inspector.click()
    assert page.locator("h1").inner_text() == person
    assert page.locator(".related a.authority-link", has_text=name).count() == 1
    # Back to the letter and the authority with the browser's back button
    page.go_back()
    page.go_back()
    assert page.url == authority_url
    assert page.locator("h1").inner_text() == name


def test_the_original_file_downloads(server_with_original, page):
    base, letter_id, original = server_with_original
    page.goto(f"{base}/letters/{letter_id}")
    link = page.get_by_role("link", name="Download the original")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == original


def facet_choice(page, argument: str) -> tuple[str, int]:
    """The first value offered by one facet of the sidebar, and its count."""
    options = page.locator(f"#facet-{argument} .facet__options").first
    count = re.match(r"[\d,]+", options.locator(".facet__count").first.inner_text()).group()
    return options.locator("input").first.get_attribute("value"), int(count.replace(",", ""))


def filter_by_first_choice(server: str, page, argument: str) -> str:
    """From the front page, filter by the first value one facet offers; checks the address and the count
    agree with the sidebar's, and gives the value."""
    page.goto(f"{server}/")
    value, count = facet_choice(page, argument)
    tick(page, argument, value)
    apply_filters(page)
    assert args_of(page.url)[argument] == [value]
    assert shown_total(page) == count
    return value


def test_filter_by_a_grade_and_a_focus_area_and_read_the_findings(server, page):
    grade = filter_by_first_choice(server, page, "overall")
    for badges in page.locator(".hit .grades").all_inner_texts():
        assert f"Overall effectiveness: {grade}" in " ".join(badges.split())
    # The letter page shows its judgements as a table, the grade in words
    with page.expect_navigation():
        page.locator(".hit__title a").first.click()
    table = page.locator("table.judgements-table")
    assert table.is_visible()
    assert grade in table.locator("tbody tr").first.inner_text()

    area = filter_by_first_choice(server, page, "focus")
    with page.expect_navigation():
        page.locator(".hit__title a").first.click()
    assert area in page.locator(".findings a.tag").all_inner_texts()
