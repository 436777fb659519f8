"""The crawl: Ofsted's listing of local authorities → each provider page → each published file → the store.

Incremental (what was stored is never fetched again) and resumable (a file is recorded only once stored).
"""

from __future__ import annotations

import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from corpus import site
from corpus.crawlstate import SKIP_AFTER_FAILURES, CrawlState
from corpus.documents import Document
from corpus.fetcher import Disallowed, Fetcher, FetchError
from corpus.gazetteer import authority_by_name, authority_by_urn
from corpus.importer import ingest, probable_duplicates
from corpus.sitefacts import site_facts
from corpus.store import LetterStore
from corpus.visittypes import OTHER

Parsed = TypeVar("Parsed")
# Fetches of one kind (pages, files) failing this many times in a row mean the site is down or refusing us.
GIVE_UP_AFTER = 10
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class CrawlError(Exception):
    """The crawl cannot start as asked (an authority no one knows by that name)."""


class _GiveUp(Exception):
    """Too many fetches failed in a row: carrying on would only hammer a site that is not answering."""


@dataclass(frozen=True)
class CrawlOptions:
    """What to crawl, and where.

    `authorities` are URNs (see resolve_authority), visited directly without the listing; `types` match a
    visit type or any part of the site's label, ignoring case; `since` keeps files published that day or
    later (and those whose date cannot be read); `limit` caps the files fetched (or planned, in a dry run).
    A file that failed in `skip_after_failures` crawls in a row is skipped, unless `retry_failed`.
    """

    base_url: str = site.DEFAULT_BASE_URL
    authorities: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    since: date | None = None
    limit: int | None = None
    dry_run: bool = False
    skip_after_failures: int = SKIP_AFTER_FAILURES
    retry_failed: bool = False


@dataclass(frozen=True)
class Failure:
    """A page or file that failed, why, and in how many crawls in all (this one included)."""

    url: str
    reason: str
    crawls: int = 1

    def __str__(self) -> str:
        again = f" (failed in {self.crawls} crawls so far)" if self.crawls > 1 else ""
        return f"{self.reason}{again}"


@dataclass(frozen=True)
class Planned:
    """A file a dry run would fetch."""

    url: str
    authority: str
    label: str
    published: str | None


@dataclass
class CrawlReport:
    """What a crawl did; `lines()` says it in words."""

    pages_fetched: int = 0
    pages_not_modified: int = 0
    page_failures: list[Failure] = field(default_factory=list)
    authorities: int = 0
    listed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    already_stored: int = 0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # ids of the letters imported or updated
    duplicates: list[str] = field(default_factory=list)
    disallowed: list[str] = field(default_factory=list)
    listed_twice: int = 0
    unknown_labels: Counter[str] = field(default_factory=Counter)
    planned: list[Planned] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    interrupted: bool = False
    stopped: str | None = None

    @property
    def new(self) -> int:
        return self.outcomes["imported"]

    @property
    def failed(self) -> int:
        return len(self.failures) + len(self.page_failures)

    @property
    def read_nothing(self) -> bool:
        """Whether the crawl could not do its work: it gave up, or read no authority's page at all."""
        return self.stopped is not None or (self.authorities == 0 and bool(self.page_failures))

    def lines(self) -> list[str]:
        out = [
            f"Pages: {self.pages_fetched} fetched, {self.pages_not_modified} unchanged since the last crawl, "
            f"{len(self.page_failures)} failed; {self.authorities} authorities read",
        ]
        if self.dry_run:
            out.append(
                f"Documents: {self.listed} listed, {self.already_stored} already stored, "
                f"{len(self.planned)} would be fetched (dry run: nothing was downloaded)"
            )
            out += [
                f"  would fetch {p.url}  {p.authority} · {p.label} · {p.published or 'date unknown'}"
                for p in self.planned
            ]
        else:
            out.append(
                f"Documents: {self.listed} listed; {self.new} new, {self.outcomes['updated']} updated, "
                f"{self.already_stored + self.outcomes['unchanged']} unchanged, {len(self.failures)} failed"
            )
        out.append(
            f"Downloaded {self.bytes / 1e6:.1f} MB in {self.requests} requests, {self.seconds:.1f} s"
        )
        if self.listed_twice:
            out.append(f"Listed more than once (fetched once): {self.listed_twice}")
        if self.skipped:
            out.append(
                f"Skipped, they failed in the last crawls (letters crawl --retry-failed tries them again): "
                f"{len(self.skipped)}"
            )
            out += [f"  {failure.url}: {failure}" for failure in self.skipped]
        if self.disallowed:
            out.append(f"Not fetched, robots.txt disallows them: {len(self.disallowed)}")
            out += [f"  {url}" for url in self.disallowed]
        if self.unknown_labels:
            out.append(f'Labels with no known visit type (stored as "{OTHER}"):')
            out += [f"  {label!r} ×{count}" for label, count in self.unknown_labels.most_common()]
        out += [f"Warning: {warning}" for warning in self.warnings]
        if self.interrupted:
            out.append("Interrupted: the next crawl carries on from here")
        if self.stopped:
            out.append(f"Stopped early: {self.stopped}")
        if self.page_failures or self.failures:
            out.append("Failed:")
            out += [f"  {failure}" for failure in self.page_failures]
            out += [f"  {failure.url}: {failure}" for failure in self.failures]
        return out


@dataclass(frozen=True)
class _Target:
    """An authority to visit: its URN, its name as far as known, its provider page."""

    urn: str
    name: str
    url: str


def resolve_authority(value: str) -> str:
    """The URN for `--authority`: a URN as given, or the URN of an authority's name (any usual form)."""
    value = value.strip()
    if value.isdigit():
        return value
    authority = authority_by_name(value)
    if authority is None:
        raise CrawlError(f"no local authority is called {value!r}: give its name or its Ofsted URN")
    if authority.urn is None:
        raise CrawlError(f"{authority.name} has no Ofsted provider page (it ended {authority.ended})")
    return authority.urn


def check_pdf(path: Path) -> str | None:
    """Why a downloaded file is not a whole PDF, or None when it looks like one."""
    size = path.stat().st_size
    with open(path, "rb") as downloaded:
        head = downloaded.read(1024)
        downloaded.seek(max(0, size - 1024))
        tail = downloaded.read()
    if size == 0:
        return "the site sent an empty file"
    if not head.lstrip().startswith(b"%PDF"):
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
            title = _TITLE.search(head)
            named = f" ({' '.join(title.group(1).decode('utf-8', 'replace').split())!r})" if title else ""
            return f"the site answered with an HTML page{named}, not a PDF"
        return f"not a PDF: it starts with {head[:16]!r}"
    if b"%%EOF" not in tail:
        return f"truncated PDF: {size:,} bytes and no end-of-file marker"
    return None


class Crawler:
    """One crawl of the site into a store. `report` grows as it goes, so an interrupted crawl can be told."""

    def __init__(
        self,
        store: LetterStore,
        state: CrawlState,
        fetcher: Fetcher,
        options: CrawlOptions,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.state = state
        self.fetcher = fetcher
        self.options = options
        self.notify = notify or (lambda message: None)
        self.report = CrawlReport(dry_run=options.dry_run)
        self._seen_files: set[str] = set()
        self._attempted = 0
        self._failing_in_a_row: Counter[str] = Counter()

    def run(self) -> CrawlReport:
        """Crawl, and say what was done. Ctrl-C ends it early: what was stored stays, the report says so."""
        started = time.monotonic()
        try:
            for target in self._targets():
                if self._limit_reached():
                    break
                self._crawl_authority(target)
        except KeyboardInterrupt:
            self.report.interrupted = True
        except _GiveUp as reason:
            self.report.stopped = str(reason)
        finally:
            self.report.seconds = time.monotonic() - started
            self.report.requests = self.fetcher.requests
            self.report.bytes = self.fetcher.bytes
        return self.report

    def _limit_reached(self) -> bool:
        return self.options.limit is not None and self._attempted >= self.options.limit

    # Pages -------------------------------------------------------------------------------------

    def _page(self, url: str, parse: Callable[[bytes, str], Parsed]) -> Parsed:
        """A page parsed, fetched conditionally: when the site says it has not changed, the copy kept is read."""
        seen = self.state.seen_page(url)
        page = self.fetcher.page(url, *(seen.validators if seen else (None, None)))
        if page.not_modified and seen is not None:
            self.report.pages_not_modified += 1
            return parse(zlib.decompress(seen.content), url)
        self.report.pages_fetched += 1
        parsed = parse(page.content, url)
        if page.etag or page.last_modified:
            self.state.record_page(url, page.etag, page.last_modified, zlib.compress(page.content))
        return parsed

    def _targets(self) -> Iterator[_Target]:
        base_url = self.options.base_url
        if self.options.authorities:
            for urn in dict.fromkeys(self.options.authorities):
                known = authority_by_urn(urn)
                yield _Target(urn, known.name if known else f"URN {urn}", site.provider_url(base_url, urn))
            return
        # Paged by `start` until a page adds no authority not seen before; the total and a next link,
        # when the page shows them, save the request for the page past the end.
        listed: dict[str, _Target] = {}
        total = None
        start = 0
        while True:
            url = site.listing_url(base_url, start)
            try:
                listing = self._page(url, site.parse_listing)
            except (FetchError, site.MarkupChanged) as error:
                self._page_failed(url, f"the listing of local authorities stopped: {error}")
                break
            total = listing.total or total
            new = [link for link in listing.authorities if link.urn not in listed]
            for link in new:
                listed[link.urn] = _Target(link.urn, link.name or f"URN {link.urn}", link.url)
                yield listed[link.urn]
            if not new or (total and len(listed) >= total and not listing.has_next):
                break
            # A site serving fewer rows than asked for must not make the crawl skip authorities.
            start += min(site.LISTING_ROWS, len(listing.authorities))
        if total and len(listed) < total:
            self.report.warnings.append(f"the listing announced {total} authorities but linked {len(listed)}")

    def _page_failed(self, url: str, sentence: str) -> None:
        self.report.page_failures.append(Failure(url, sentence, self.state.record_failure(url, sentence)))
        self.notify(sentence)

    # Authorities -------------------------------------------------------------------------------

    def _crawl_authority(self, target: _Target) -> None:
        try:
            page = self._page(target.url, site.parse_provider)
        except Disallowed:
            self.report.disallowed.append(target.url)
            return
        except FetchError as error:
            self._page_failed(target.url, f"{target.name}: stopped, its page could not be fetched: {error}")
            self._failed_in_a_row("pages", error.reason)
            return
        except site.MarkupChanged as error:
            self._page_failed(target.url, f"{target.name}: stopped, {error}")
            return
        self._failing_in_a_row["pages"] = 0
        self.state.forget_failure(target.url)
        self.report.authorities += 1
        authority = authority_by_urn(target.urn)
        name = authority.name if authority else page.name or target.name
        self.notify(f"{name} (URN {target.urn}): {len(page.publications)} listed")
        for publication in page.publications:
            if self._limit_reached():
                break
            self._consider(publication, target.urn, name)

    def _consider(self, publication: site.Publication, urn: str, name: str) -> None:
        facts = site_facts(publication.url, publication.label, publication.published, urn, name)
        file_id = facts.get("file_id")
        if file_id is None:
            self._file_failed(publication.url, "not a link to a file: no file id in it")
            return
        if file_id in self._seen_files:
            self.report.listed_twice += 1
            return
        self._seen_files.add(file_id)
        self.report.listed += 1
        visit_type = facts.get("visit_type", OTHER)
        if visit_type == OTHER:
            self.report.unknown_labels[publication.label] += 1
        if not self._wanted(publication, visit_type):
            return
        if self.state.fetched(file_id) or file_id in self.store:
            self.report.already_stored += 1
            return
        if self._skipped_as_failing(publication.url):
            return
        if not self.fetcher.allowed(publication.url):
            self.report.disallowed.append(publication.url)
            return
        self._attempted += 1
        if self.options.dry_run:
            self.report.planned.append(
                Planned(publication.url, name, publication.label, publication.published)
            )
            return
        self._fetch(publication, facts)

    def _skipped_as_failing(self, url: str) -> bool:
        """Whether a file that failed in the last crawls is left alone this time (and noted as skipped)."""
        past = self.state.past_failure(url)
        if self.options.retry_failed or past is None or past.crawls < self.options.skip_after_failures:
            return False
        self.report.skipped.append(Failure(url, past.reason, past.crawls))
        return True

    def _wanted(self, publication: site.Publication, visit_type: str) -> bool:
        types = [wanted.casefold() for wanted in self.options.types]
        if types and not any(
            wanted == visit_type.casefold() or wanted in publication.label.casefold() for wanted in types
        ):
            return False
        since = self.options.since
        # A file whose date cannot be read is kept: better fetched once too often than missed.
        return since is None or publication.published is None or publication.published >= since.isoformat()

    # Files -------------------------------------------------------------------------------------

    def _fetch(self, publication: site.Publication, facts: dict[str, Any]) -> None:
        url = publication.url
        partial = self.state.partial_path(facts["file_id"])
        try:
            size = self.fetcher.download(url, partial)
            self._failing_in_a_row["files"] = 0
            problem = check_pdf(partial)
            content = b"" if problem else partial.read_bytes()
        except FetchError as error:
            self._file_failed(url, error.reason)
            self._failed_in_a_row("files", error.reason)
            return
        finally:
            partial.unlink(missing_ok=True)
        if problem:
            self._file_failed(url, problem)
            return
        outcome = ingest(self.store, Document(content, source=url, site=facts))
        if outcome.status == "failed" or outcome.letter_id is None:
            self._file_failed(url, outcome.reason or "the importer could not store it")
            return
        self.state.record_fetched(facts["file_id"], url, outcome.letter_id, outcome.status, size)
        self.report.outcomes[outcome.status] += 1
        if outcome.status != "unchanged":
            self.report.stored.append(outcome.letter_id)
        self.notify(f"  {outcome.status}: {outcome.letter_id}  {publication.label} · {publication.published}")

    def _failed_in_a_row(self, kind: str, reason: str) -> None:
        self._failing_in_a_row[kind] += 1
        if self._failing_in_a_row[kind] >= GIVE_UP_AFTER:
            raise _GiveUp(
                f"{GIVE_UP_AFTER} {kind} in a row could not be fetched (the last: {reason}); "
                "the site may be down or refusing this crawler: try again later"
            )

    def _file_failed(self, url: str, reason: str) -> None:
        self.report.failures.append(Failure(url, reason, self.state.record_failure(url, reason)))
        self.notify(f"  failed: {url}: {reason}")


def crawl(
    store: LetterStore,
    options: CrawlOptions,
    *,
    delay: float = 1.0,
    timeout: float = 30.0,
    notify: Callable[[str], None] | None = None,
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Crawl the site into `store` (see Crawler); the crawl state lives beside the store's data."""
    with CrawlState(store.data_dir) as state, fetcher or Fetcher(delay=delay, timeout=timeout) as http:
        store.sweep()
        report = Crawler(store, state, http, options, notify).run()
    report.duplicates = probable_duplicates(store, report.stored)
    return report
