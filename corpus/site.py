"""Ofsted's reports site as the crawler reads it: its URLs, and all the markup used to parse its pages.

Only confirmed markup is required (a page without it raises MarkupChanged); the rest is used when present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

DEFAULT_BASE_URL = "https://reports.ofsted.gov.uk"

# Local-authority children's services: level 1 "children's social care", level 2 "local authority".
LISTING_PATH = (
    "/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
    "&start={start}&rows={rows}"
)
LISTING_ROWS = 100  # the most the site serves per page since February 2025
PROVIDER_PATH = "/provider/44/{urn}"

# Confirmed: the only markup that public scrapers running daily against the site rely on. A page
# without it is a MarkupChanged error.
PROVIDER_HREF = re.compile(r"^/provider/(\d+)/(\d+)/?$")  # listing: links to provider pages, anywhere
PROVIDER_LINKS = "a[href] to /provider/<category>/<URN>"  # the same, as error messages name it
PUBLICATION_LINK = "a.publication-link[href]"  # provider page: one link per published file
PUBLICATION_LABEL = "span.nonvisual"  # inside it: "Children's services focused visit, pdf - 11 May 2018"

# Unconfirmed (older descriptions of the site): read when present, never required.
RESULTS_COUNT = "strong.results-count"
NEXT_PAGE = "a.pagination__next[href]"
PROVIDER_NAME = "h1.heading--title"
TIMELINE = "ol.timeline"
TIMELINE_DAY_CLASS = "timeline__day"  # of the <li> that holds one day's publications or events
EVENT_DAY_CLASSES = ("timeline__day--opened", "timeline__day--registered")
EVENT_DATE = "p.timeline__date > time"
# Words by which a provider page says it has published nothing (an empty timeline says it too).
EMPTY_HISTORY = re.compile(
    r"\bno (?:published |inspection )?(?:reports|publications|documents)\b|"
    r"\bhas(?: not|n['’]t)(?: yet)? been inspected\b",
    re.IGNORECASE,
)

_FILE_ID = re.compile(r"^(\d{1,20})(?:\.pdf)?$", re.IGNORECASE)
# What follows the type in a link's label before its date: ", pdf", " as pdf", " (PDF)".
_FORMAT_SUFFIX = re.compile(r"[\s,]*(?:\bas\s+)?\(?\bpdf\)?[\s,]*$", re.IGNORECASE)
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%Y-%m-%d")


class MarkupChanged(Exception):
    """A page that should hold something has nothing matching the selector that finds it."""

    def __init__(self, url: str, selector: str, expected: str) -> None:
        self.url = url
        self.selector = selector
        super().__init__(
            f"nothing on {url} matches {selector!r} ({expected}): Ofsted's page markup may have changed"
        )


@dataclass(frozen=True)
class AuthorityLink:
    """One result of the local-authority listing: its URN, its name as listed, its provider page."""

    urn: str
    name: str
    url: str


@dataclass(frozen=True)
class ListingPage:
    """One page of the listing: the authorities it links to, and (when the page shows them) the total the
    site announces and whether it links to a next page."""

    authorities: list[AuthorityLink]
    total: int | None
    has_next: bool


@dataclass(frozen=True)
class Publication:
    """One published file on a provider page.

    `label` is the type as the site names it ("Children's services focused visit"), `published` the ISO
    date from the link's label (else the timeline's date).
    """

    url: str
    label: str
    published: str | None
    raw_label: str


@dataclass(frozen=True)
class ProviderPage:
    """A provider page: the name in its heading (when there is one) and its publications, newest first."""

    name: str | None
    publications: list[Publication]


def listing_url(base_url: str, start: int = 0) -> str:
    return base_url.rstrip("/") + LISTING_PATH.format(start=start, rows=LISTING_ROWS)


def listing_start(url: str) -> int:
    """The `start` of a listing page's URL: 0 for the first page."""
    values = parse_qs(urlsplit(url).query).get("start") or ["0"]
    return int(values[0]) if values[0].isdigit() else 0


def provider_url(base_url: str, urn: str) -> str:
    return base_url.rstrip("/") + PROVIDER_PATH.format(urn=urn)


def file_id_from_url(url: str) -> str | None:
    """The file id at the end of a file URL (`…/v1/file/50012345`), or None for another kind of link."""
    match = _FILE_ID.match(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return match.group(1) if match else None


def parse_date(text: str) -> str | None:
    """An ISO date from the site's "11 May 2018" (or ISO) form; None when it is not one."""
    text = re.sub(r"\bSept\b", "Sep", " ".join(text.split()), flags=re.IGNORECASE)
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            continue
    return None


def split_label(raw_label: str) -> tuple[str, str | None]:
    """The type and ISO date in a link's label.

    "Children's services focused visit, pdf - 11 May 2018" → ("Children's services focused visit", "2018-05-11").
    """
    text = " ".join(raw_label.split())
    kind, separator, date_text = text.rpartition(" - ")
    published = parse_date(date_text) if separator else None
    if published is None:
        kind = text
    return _FORMAT_SUFFIX.sub("", kind).strip(" ,-") or kind, published


def _soup(html: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def parse_listing(html: bytes | str, page_url: str) -> ListingPage:
    """The authorities a page of the listing links to (by their `/provider/<category>/<URN>` links).

    The first page must link to at least one; a later page that links to none is past the end.
    """
    soup = _soup(html)
    found: dict[str, AuthorityLink] = {}
    for link in soup.select("a[href]"):
        url = urljoin(page_url, str(link["href"]))
        match = PROVIDER_HREF.match(urlsplit(url).path)
        if match is None:
            continue
        urn, name = match.group(2), _text(link)
        if urn not in found or (name and not found[urn].name):
            found[urn] = AuthorityLink(urn=urn, name=name, url=url)
    if not found and listing_start(page_url) == 0:
        raise MarkupChanged(page_url, PROVIDER_LINKS, "links to the local authorities")
    count = soup.select_one(RESULTS_COUNT)
    total = re.search(r"\d[\d,]*", _text(count)) if count else None
    return ListingPage(
        authorities=list(found.values()),
        total=int(total.group(0).replace(",", "")) if total else None,
        has_next=soup.select_one(NEXT_PAGE) is not None,
    )


def _publication(link: Tag, page_url: str) -> Publication:
    url = urljoin(page_url, str(link["href"]))
    hidden = link.select_one(PUBLICATION_LABEL)
    raw_label = _text(hidden) if hidden else _text(link)
    label, published = split_label(raw_label)
    return Publication(
        url=url,
        label=label,
        published=published or _day_date(link),
        raw_label=raw_label,
    )


def _timeline_day(link: Tag) -> Tag | None:
    return link.find_parent("li", class_=TIMELINE_DAY_CLASS)


def _day_date(link: Tag) -> str | None:
    """The date of the timeline day a link sits in, when the page has a timeline."""
    day = _timeline_day(link)
    time = day.select_one(EVENT_DATE) if day else None
    if time is None:
        return None
    return parse_date(str(time.get("datetime") or "")[:10]) or parse_date(_text(time))


def _is_event_day(day: Tag) -> bool:
    """Whether a timeline day records an event (opened, registered) rather than publications."""
    return any(cls in EVENT_DAY_CLASSES for cls in day.get("class") or ())


def _is_event(link: Tag) -> bool:
    day = _timeline_day(link)
    return day is not None and _is_event_day(day)


def parse_provider(html: bytes | str, page_url: str) -> ProviderPage:
    """A provider page's publications, newest first, and its name when its heading gives one.

    A page with no publication link must show that nothing is published; otherwise its markup has changed.
    """
    soup = _soup(html)
    links = [link for link in soup.select(PUBLICATION_LINK) if not _is_event(link)]
    if not links and not _shows_empty_history(soup):
        raise MarkupChanged(page_url, PUBLICATION_LINK, "the links to published files")
    name_tag = soup.select_one(PROVIDER_NAME)
    return ProviderPage(
        name=(_text(name_tag) or None) if name_tag else None,
        publications=[_publication(link, page_url) for link in links],
    )


def _shows_empty_history(soup: BeautifulSoup) -> bool:
    """Whether a page without publication links says it has none: in words, or by a timeline of events only.

    A link to a file anywhere on it means the publication links are there under another name.
    """
    if any(file_id_from_url(str(link["href"])) for link in soup.select("a[href]") if "/file/" in link["href"]):
        return False
    timeline = soup.select_one(TIMELINE)
    days = timeline.find_all("li", class_=TIMELINE_DAY_CLASS) if timeline else []
    events_only = timeline is not None and all(_is_event_day(day) for day in days)
    return events_only or bool(EMPTY_HISTORY.search(_text(soup)))
