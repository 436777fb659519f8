"""Polite HTTP for the crawler: robots.txt, one request at a time per host, a delay, retries with backoff.

Every request has a timeout and an honest User-Agent; a download has a size limit and goes to a file.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Collection
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests

PROJECT_URL = "https://github.com/letters-project/letters"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Answers about robots.txt itself: 404 means no rules, 401/403 means keep out (429 is tried again).
ROBOTS_ANSWERS = frozenset(range(400, 500)) - RETRY_STATUSES
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
# Network errors worth another try: the next attempt may well succeed.
TRANSIENT_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def user_agent() -> str:
    try:
        release = version("letters")
    except PackageNotFoundError:  # running from a source tree that was never installed
        release = "dev"
    return f"letters/{release} (+{PROJECT_URL})"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in words."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class Disallowed(FetchError):
    """robots.txt asks crawlers like this one not to fetch the URL."""


@dataclass(frozen=True)
class Page:
    """A fetched page: its bytes and validators, or `not_modified` when the copy held is still current."""

    url: str
    content: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _describe(error: Exception) -> str:
    if isinstance(error, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "connection cut before the whole response arrived"
    text = str(error)
    if "Read timed out" in text:
        return "timed out"
    if "IncompleteRead" in text or "Connection broken" in text:
        return "connection cut before the whole response arrived"
    if "Connection refused" in text:
        return "connection refused"
    if "reset" in text.lower() or "aborted" in text.lower():
        return "connection reset"
    return f"connection failed ({type(error).__name__})"


class Fetcher:
    """Fetches pages and files politely. Not thread-safe: one fetcher makes one request at a time.

    `delay` seconds pass between the end of one request to a host and the start of the next (longer when
    robots.txt asks for a Crawl-delay). A 429, a 5xx, a timeout or a cut connection is tried again up to
    `tries` times in all, after `backoff` × 2ⁿ seconds with jitter, or after the server's Retry-After when it
    gives one (up to `max_wait`).
    """

    def __init__(
        self,
        *,
        delay: float = 1.0,
        timeout: float = 30.0,
        tries: int = 5,
        backoff: float = 1.0,
        max_wait: float = 300.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.delay = delay
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.user_agent = user_agent()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        self.requests = 0
        self.bytes = 0
        self._not_before: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_problems: dict[str, str] = {}
        self._host_delays: dict[str, float] = {}

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # robots.txt ----------------------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        """Whether robots.txt on the URL's host lets this crawler fetch it (read once per host)."""
        return self._robots_for(url).can_fetch(self.user_agent, url)

    def robots_problem(self, url: str) -> str | None:
        """Why robots.txt on the URL's host could not be read (so nothing there is fetched), if so."""
        self._robots_for(url)
        return self._robots_problems.get(_host(url))

    def _robots_for(self, url: str) -> RobotFileParser:
        host = _host(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        return self._robots[host]

    def _read_robots(self, host: str) -> RobotFileParser:
        robots_url = host + "/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            body = io.BytesIO()
            response = self._fetch(robots_url, {}, body, final=ROBOTS_ANSWERS)
        except FetchError as error:
            # RFC 9309: a robots.txt that cannot be reached means the whole host is off limits.
            self._robots_problems[host] = f"robots.txt could not be read ({error.reason})"
            parser.disallow_all = True
            return parser
        if response.status_code in (401, 403):
            self._robots_problems[host] = f"robots.txt answered HTTP {response.status_code}"
            parser.disallow_all = True
        elif response.status_code >= 400:
            parser.allow_all = True
        else:
            parser.parse(body.getvalue().decode("utf-8", errors="replace").splitlines())
        crawl_delay = parser.crawl_delay(self.user_agent)
        if crawl_delay:
            self._host_delays[host] = float(crawl_delay)
        return parser

    def _check_allowed(self, url: str) -> None:
        if not self.allowed(url):
            problem = self.robots_problem(url)
            raise Disallowed(url, problem or "robots.txt disallows it")

    # Requests ------------------------------------------------------------------------------------

    def page(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Page:
        """A page, asked for conditionally when validators from an earlier fetch are given."""
        self._check_allowed(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        body = io.BytesIO()
        response = self._fetch(url, headers, body)
        if response.status_code == 304:
            return Page(url, b"", etag, last_modified, not_modified=True)
        headers = response.headers
        return Page(url, body.getvalue(), headers.get("ETag"), headers.get("Last-Modified"))

    def download(self, url: str, path: Path) -> int:
        """Save the file at `url` to `path` and return its size in bytes."""
        self._check_allowed(url)
        with open(path, "wb") as out:
            self._fetch(url, {}, out)
            return out.tell()

    def _fetch(
        self, url: str, headers: dict[str, str], out: BinaryIO, final: Collection[int] = ()
    ) -> requests.Response:
        """One GET, tried again on transient failures; the body goes to `out` and the response is returned.

        `out` is emptied before each try. Statuses in `final` are answers to return, not failures.
        """
        for attempt in range(1, self.tries + 1):
            self._wait_turn(url)
            retry_after = None
            try:
                with self.session.get(
                    url, headers=headers, timeout=self.timeout, stream=True, allow_redirects=True
                ) as response:
                    status = response.status_code
                    reason = f"HTTP {status} {response.reason or ''}".strip()
                    if status < 400 or status in final:
                        out.seek(0)
                        out.truncate()
                        self._read_body(response, url, out)
                        return response
                    if status not in RETRY_STATUSES:
                        raise FetchError(url, reason)
                    retry_after = response.headers.get("Retry-After")
            except TRANSIENT_ERRORS as error:
                reason = _describe(error)
            except requests.exceptions.RequestException as error:
                raise FetchError(url, f"cannot be fetched ({type(error).__name__}: {error})") from error
            finally:
                self._finished(url)
            self._after_failure(url, attempt, reason, retry_after)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _read_body(self, response: requests.Response, url: str, out: BinaryIO) -> None:
        """Copy the body to `out`, within the size and time limits."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"too large: {int(declared):,} bytes, the limit is {self.max_bytes:,}")
        # A read timeout bounds each wait for data; this bounds a server that drips it slowly.
        deadline = time.monotonic() + self.timeout * 10
        size = 0
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            self.bytes += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, f"too large: over the limit of {self.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise requests.exceptions.Timeout(f"{url} took longer than {self.timeout * 10:.0f} s")
            out.write(chunk)

    def _after_failure(self, url: str, attempt: int, reason: str, retry_after: str | None) -> None:
        """Wait before the next attempt, or raise FetchError when the tries are spent."""
        if attempt >= self.tries:
            raise FetchError(url, f"{reason} ({self.tries} tries)")
        wait = _retry_after_seconds(retry_after)
        if wait is None:
            ceiling = self.backoff * 2 ** (attempt - 1)
            wait = ceiling / 2 + random.uniform(0, ceiling / 2)
        elif wait > self.max_wait:
            raise FetchError(
                url, f"{reason}: the site asked to wait {wait:.0f} s, longer than {self.max_wait:.0f} s"
            )
        host = _host(url)
        self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + wait)

    # Pacing --------------------------------------------------------------------------------------

    def _wait_turn(self, url: str) -> None:
        pause = self._not_before.get(_host(url), 0.0) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.requests += 1

    def _finished(self, url: str) -> None:
        host = _host(url)
        delay = max(self.delay, self._host_delays.get(host, 0.0))
        self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + delay)


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
