"""A fake Ofsted reports site for the crawler's tests: a real HTTP server on 127.0.0.1, in a thread.

It serves listing and provider pages in one of two markups, robots.txt and real PDFs, with faults on demand.
"""

from __future__ import annotations

import hashlib
import html
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import groupby
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LAST_MODIFIED = "Mon, 02 Nov 2026 09:00:00 GMT"
# "documented": every class name docs/ofsted-site.md gives. "plain": other markup that shares only the
# confirmed parts (links to /provider/<category>/<URN>, paging by start and rows, a.publication-link with
# its span.nonvisual): no result count, no next link, no timeline, no heading classes.
STYLES = ("documented", "plain")


@dataclass(frozen=True)
class FakeFile:
    """A published file: a real PDF from the corpus under a file id, with the site's label and date."""

    file_id: str
    path: Path
    label: str
    published: date

    @property
    def url_path(self) -> str:
        return f"/v1/file/{self.file_id}"


@dataclass
class FakeAuthority:
    urn: str
    name: str
    files: list[FakeFile]


@dataclass(frozen=True)
class Status:
    """Answer with this status (and a Retry-After header when given)."""

    code: int
    retry_after: str | None = None


@dataclass(frozen=True)
class Slow:
    """Wait this long before answering (then answer normally, if anyone is still listening)."""

    seconds: float


@dataclass(frozen=True)
class Cut:
    """Send the headers and half the body, then close the connection."""


@dataclass(frozen=True)
class Truncated:
    """Serve only the first half of the file, with a Content-Length that matches that half."""


@dataclass(frozen=True)
class HtmlPage:
    """Answer 200 with an HTML error page instead of the file."""


@dataclass(frozen=True)
class Seen:
    """One request the site received."""

    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FakeSite:
    """The site. `url` is its base URL once started; `requests` lists what it was asked, in order.

    Faults: `fail(path, *faults)` queues faults for the next requests of a path (one each);
    `always(path, fault)` applies one to every request of a path; `every_nth_fails = 10` answers every
    tenth request with a 500; `markup[urn]` replaces a provider page's HTML; `robots` is robots.txt.
    `style` is one of STYLES; `page_size` the most authorities a listing page shows, whatever `rows` asks.
    """

    authorities: list[FakeAuthority]
    page_size: int = 10
    style: str = "documented"
    robots: str = "User-agent: *\nAllow: /\n"
    every_nth_fails: int | None = None
    markup: dict[str, str] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    _queued: dict[str, deque] = field(default_factory=dict)
    _always: dict[str, object] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # Running -----------------------------------------------------------------------------------

    def __enter__(self) -> FakeSite:
        site = self

        class Handler(FakeHandler):
            fake = site

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the site with `with FakeSite(...) as site:`"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # Content -----------------------------------------------------------------------------------

    @property
    def files(self) -> list[FakeFile]:
        """Every distinct file the site lists."""
        unique = {f.file_id: f for a in self.authorities for f in a.files}
        return list(unique.values())

    def file_url(self, file: FakeFile) -> str:
        return self.url + file.url_path

    def fail(self, path: str, *faults: object) -> None:
        self._queued.setdefault(path, deque()).extend(faults)

    def always(self, path: str, fault: object) -> None:
        self._always[path] = fault

    def paths(self, prefix: str) -> list[str]:
        """The paths of every request received that start with `prefix`, in order."""
        with self._lock:
            return [seen.path for seen in self.requests if seen.path.startswith(prefix)]

    def _received(self, seen: Seen) -> object | None:
        """Log a request and return the fault it meets, if any."""
        with self._lock:
            self.requests.append(seen)
            path = seen.path
            if self.every_nth_fails and len(self.requests) % self.every_nth_fails == 0:
                return Status(500)
            queued = self._queued.get(path)
            if queued:
                return queued.popleft()
        return self._always.get(path)

    def listing_html(self, start: int, rows: int) -> str:
        ordered = sorted(self.authorities, key=lambda a: a.name)
        shown = ordered[start : start + rows]
        if self.style == "plain":
            return self._plain_listing(shown)
        items = "".join(
            f'<li class="search-result"><h3 class="search-result__title">'
            f'<a href="/provider/44/{a.urn}">{html.escape(a.name)}</a></h3>'
            f'<ul class="search-result__provider-info"><li>URN: {a.urn}</li>'
            f"<li>Local authority children's services</li></ul></li>"
            for a in shown
        )
        pages = max(1, -(-len(ordered) // rows))
        following = ""
        if start + rows < len(ordered):
            following = (
                f'<a class="pagination__next" href="/search?q=&amp;level_1_types=3&amp;level_2_types%5B%5D=12'
                f'&amp;start={start + rows}&amp;rows={rows}">Next page</a>'
            )
        return (
            "<!DOCTYPE html><html><head><title>Search - Ofsted</title></head><body>"
            f'<p><strong class="results-count">{len(ordered)}</strong> results</p>'
            f'<ul class="results-list">{items}</ul>'
            f'<nav class="pagination"><span class="pagination__numbers">{start // rows + 1} of {pages}</span>'
            f"{following}</nav></body></html>"
        )

    def _plain_listing(self, shown: list[FakeAuthority]) -> str:
        cards = "".join(
            f'<div class="card"><a class="card__link" href="{self.url}/provider/44/{a.urn}">'
            f"<span>{html.escape(a.name)}</span></a><p>Local authority</p></div>"
            for a in shown
        )
        return (
            "<!DOCTYPE html><html><body><nav><a href=\"/\">Home</a> <a href=\"/search?level_1_types=3\">"
            "Children's social care</a> <a href=\"/provider/\">Providers</a></nav>"
            f"<main><h2>Find an inspection report</h2>{cards or '<p>No results found</p>'}</main></body></html>"
        )

    def _publication_link(self, file: FakeFile) -> str:
        shown = f"{file.published.day} {file.published:%B %Y}"
        return (
            f'<a class="publication-link" href="{self.file_url(file)}">{html.escape(file.label)}'
            f'<span class="nonvisual">{html.escape(file.label)}, pdf - {shown}</span></a>'
        )

    def provider_html(self, authority: FakeAuthority) -> str:
        if authority.urn in self.markup:
            return self.markup[authority.urn]
        newest_first = sorted(authority.files, key=lambda f: f.published, reverse=True)
        if self.style == "plain":
            links = "".join(f"<p>{self._publication_link(f)}</p>" for f in newest_first)
            return f"<!DOCTYPE html><html><body><h2>{html.escape(authority.name)}</h2>{links}</body></html>"
        days = []
        for day, files in groupby(newest_first, key=lambda f: f.published):
            shown = f"{day.day} {day:%B %Y}"
            links = "".join(f"<li>{self._publication_link(f)}</li>" for f in files)
            days.append(
                f'<li class="timeline__day"><p class="timeline__date"><time datetime="{day.isoformat()}">'
                f'{shown}</time></p><ul class="publications">{links}</ul></li>'
            )
        days.append(
            '<li class="timeline__day timeline__day--registered"><p class="timeline__date">'
            '<time datetime="2001-04-01">1 April 2001</time></p><p>Registered</p></li>'
        )
        return (
            f"<!DOCTYPE html><html><head><title>{html.escape(authority.name)} - Ofsted</title></head><body>"
            f'<h1 class="heading--title">{html.escape(authority.name)}</h1>'
            f'<p>URN: {authority.urn}</p><ol class="timeline">{"".join(days)}</ol></body></html>'
        )


class QuietServer(ThreadingHTTPServer):
    """Clients hanging up (a crawler that timed out, a cut connection) are normal here, not errors to print."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sorry, there is a problem with the service</title></head>"
    b"<body><h1>Sorry, there is a problem with the service</h1><p>Please try again later.</p></body></html>\n"
)


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeSite

    def log_message(self, format: str, *args: object) -> None:  # quiet: the tests read `requests`
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        fault = self.fake._received(Seen(parts.path, dict(self.headers), time.monotonic()))
        try:
            self._answer(parts.path, parse_qs(parts.query), fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timed out): nothing more to say

    def _answer(self, path: str, query: dict[str, list[str]], fault: object | None) -> None:
        if isinstance(fault, Slow):
            time.sleep(fault.seconds)
        elif isinstance(fault, Status):
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.code, b"<html><body>Service unavailable</body></html>", "text/html", headers)
            return
        elif isinstance(fault, HtmlPage):
            self._send(200, ERROR_PAGE, "text/html")
            return
        if path == "/robots.txt":
            self._send(200, self.fake.robots.encode(), "text/plain")
        elif path == "/search":
            start = int(query.get("start", ["0"])[0])
            rows = min(int(query.get("rows", ["10"])[0]), self.fake.page_size)
            self._send_page(self.fake.listing_html(start, rows))
        elif path.startswith("/provider/44/"):
            urn = path.rsplit("/", 1)[-1]
            authority = next((a for a in self.fake.authorities if a.urn == urn), None)
            if authority is None:
                self._send(404, b"<html><body>Not found</body></html>", "text/html")
            else:
                self._send_page(self.fake.provider_html(authority))
        elif path.startswith("/v1/file/"):
            file = next((f for f in self.fake.files if f.url_path == path), None)
            if file is None:
                self._send(404, b"<html><body>Not found</body></html>", "text/html")
                return
            content = file.path.read_bytes()
            if isinstance(fault, Truncated):
                content = content[: len(content) // 2]
            if isinstance(fault, Cut):
                self._send_cut(content)
            else:
                self._send(200, content, "application/pdf")
        else:
            self._send(404, b"<html><body>Not found</body></html>", "text/html")

    def _send_page(self, page: str) -> None:
        body = page.encode()
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, "text/html; charset=utf-8", {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def _send(self, code: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_cut(self, content: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content[: len(content) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)  # SHUT_RDWR: the client sees the connection drop mid-file


def fake_authorities(
    manifest: list[dict[str, str]], count: int, per_authority: int = 2
) -> list[FakeAuthority]:
    """`count` authorities of the real corpus, each with up to `per_authority` of its real PDFs (newest first).

    A file keeps its real Ofsted file id where the manifest knows it, else gets an invented one.
    """
    readable = [row for row in manifest if _starts_like_pdf(Path(row["file"]))]
    seen_content: set[str] = set()
    by_urn: dict[str, list[dict[str, str]]] = {}
    for row in sorted(readable, key=lambda r: (r["urn"], r["published"]), reverse=True):
        if row["sha256"] not in seen_content:
            seen_content.add(row["sha256"])
            by_urn.setdefault(row["urn"], []).append(row)
    authorities = []
    for number, urn in enumerate(sorted(by_urn)[:count]):
        rows = by_urn[urn][:per_authority]
        files = [
            FakeFile(
                file_id=row["source_url"].rsplit("/", 1)[-1] or str(40_000_000 + number * 10 + i),
                path=Path(row["file"]),
                label=row["site_label"],
                published=date.fromisoformat(row["published"]),
            )
            for i, row in enumerate(rows)
        ]
        authorities.append(FakeAuthority(urn, rows[0]["local_authority"], files))
    return authorities


def _starts_like_pdf(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"%PDF"


def authorities_serving(rows: list[dict[str, str]]) -> list[FakeAuthority]:
    """Authorities publishing exactly these manifest rows' files, each under its real Ofsted file id."""
    by_urn: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_urn.setdefault(row["urn"], []).append(row)
    return [
        FakeAuthority(
            urn,
            urn_rows[0]["local_authority"],
            [
                FakeFile(
                    file_id=row["source_url"].rsplit("/", 1)[-1],
                    path=Path(row["file"]),
                    label=row["site_label"],
                    published=date.fromisoformat(row["published"]),
                )
                for row in urn_rows
            ],
        )
        for urn, urn_rows in sorted(by_urn.items())
    ]
