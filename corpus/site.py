"""Ofsted's reports site as the crawler reads it: its URLs, and every CSS selector used to parse its pages.

When the site's markup changes, this is the one file to edit; a selector that finds nothing raises MarkupChanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

DEFAULT_BASE_URL = "https://reports.ofsted.gov.uk"

# Local-authority children's services: level 1 "children's social care", level 2 "local authority".
LISTING_PATH = (
    "/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
    "&start={start}&rows={rows}"
)
LISTING_ROWS = 100  # the most the site serves per page since February 2025
PROVIDER_PATH = "/provider/44/{urn}"

# The listing of all local authorities.
RESULT = "ul.results-list > li.search-result"
RESULT_LINK = "h3.search-result__title a[href]"
RESULT_INFO = "ul.search-result__provider-info li"
RESULTS_COUNT = "strong.results-count"
NEXT_PAGE = "a.pagination__next[href]"

# One authority's provider page.
PROVIDER_NAME = "h1.heading--title"
TIMELINE_DAY = "ol.timeline > li.timeline__day"
EVENT_DAY_CLASSES = ("timeline__day--opened", "timeline__day--registered")
PUBLICATION_LINK = "a.publication-link[href]"
PUBLICATION_LABEL = "span.nonvisual"
EVENT_DATE = "p.timeline__date > time"

_URN_IN_TEXT = re.compile(r"\bURN:?\s*(\d+)", re.IGNORECASE)
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
            f"nothing on {url} matches the selector {selector!r} ({expected}): "
            "Ofsted's page markup may have changed"
        )


@dataclass(frozen=True)
class AuthorityLink:
    """One result of the local-authority listing: its URN, its name as listed, its provider page."""

    urn: str
    name: str
    url: str


@dataclass(frozen=True)
class ListingPage:
    authorities: list[AuthorityLink]
    next_url: str | None
    total: int | None


@dataclass(frozen=True)
class Publication:
    """One published file on a provider page.

    `label` is the type as the site names it ("Children's services focused visit"), `published` the ISO
    date from the link's label (else the timeline's date), `file_id` the number in the file's URL.
    """

    url: str
    file_id: str | None
    label: str
    published: str | None
    raw_label: str


@dataclass(frozen=True)
class ProviderPage:
    name: str | None
    publications: list[Publication]


def listing_url(base_url: str, start: int = 0) -> str:
    return base_url.rstrip("/") + LISTING_PATH.format(start=start, rows=LISTING_ROWS)


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
    """The authorities on one page of the listing, the next page's URL and the total the site announces."""
    soup = _soup(html)
    results = soup.select(RESULT)
    if not results:
        raise MarkupChanged(page_url, RESULT, "the list of local authorities")
    authorities = []
    for result in results:
        link = result.select_one(RESULT_LINK)
        if link is None:
            raise MarkupChanged(page_url, f"{RESULT} {RESULT_LINK}", "each authority's link")
        url = urljoin(page_url, str(link["href"]))
        urn = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if not urn.isdigit():
            info = " ".join(_text(item) for item in result.select(RESULT_INFO))
            found = _URN_IN_TEXT.search(info)
            if found is None:
                raise MarkupChanged(page_url, f"{RESULT} {RESULT_INFO}", f"the URN of {_text(link)!r}")
            urn = found.group(1)
        authorities.append(AuthorityLink(urn=urn, name=_text(link), url=url))
    next_link = soup.select_one(NEXT_PAGE)
    count = soup.select_one(RESULTS_COUNT)
    total = re.search(r"\d[\d,]*", _text(count)) if count else None
    return ListingPage(
        authorities=authorities,
        next_url=urljoin(page_url, str(next_link["href"])) if next_link else None,
        total=int(total.group(0).replace(",", "")) if total else None,
    )


def _publication(link: Tag, page_url: str, event_date: str | None) -> Publication:
    url = urljoin(page_url, str(link["href"]))
    hidden = link.select_one(PUBLICATION_LABEL)
    raw_label = _text(hidden) if hidden else _text(link)
    label, published = split_label(raw_label)
    return Publication(
        url=url,
        file_id=file_id_from_url(url),
        label=label,
        published=published or event_date,
        raw_label=raw_label,
    )


def _event_date(day: Tag) -> str | None:
    time = day.select_one(EVENT_DATE)
    if time is None:
        return None
    return parse_date(str(time.get("datetime") or "")[:10]) or parse_date(_text(time))


def parse_provider(html: bytes | str, page_url: str) -> ProviderPage:
    """A provider page's name and its publications, newest first (the timeline's events are left out)."""
    soup = _soup(html)
    days = soup.select(TIMELINE_DAY)
    if not days:
        raise MarkupChanged(page_url, TIMELINE_DAY, "the timeline of publications")
    name_tag = soup.select_one(PROVIDER_NAME)
    publication_days = [
        day for day in days if not any(cls in EVENT_DAY_CLASSES for cls in day.get("class") or ())
    ]
    publications = [
        _publication(link, page_url, _event_date(day))
        for day in publication_days
        for link in day.select(PUBLICATION_LINK)
    ]
    if publication_days and not publications:
        raise MarkupChanged(page_url, f"{TIMELINE_DAY} {PUBLICATION_LINK}", "the links to published files")
    return ProviderPage(name=_text(name_tag) if name_tag else None, publications=publications)
