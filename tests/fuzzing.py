"""Hostile requests for the web front end: the routes, parameters, values, methods and Host headers a fuzzer sends.

tests/test_fuzz.py sends them to the WSGI app and to a real `letters serve`; any 5xx answer is a bug.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from werkzeug.test import EnvironBuilder, run_wsgi_app

LETTER_ID = "sample-000001"
ROUTES = (
    "/", "/api/search", "/search.csv", "/search.atom", "/help", "/healthz",
    f"/letters/{LETTER_ID}", f"/api/letters/{LETTER_ID}", "/static/letters.css", "/no-such-page",
)
# Paths a person never types: odd letter ids, escapes out of the static folder, bytes that are not UTF-8.
ODD_PATHS = (
    "/letters/%00", "/letters/\x00", "/letters/..%2f..%2fetc%2fpasswd", "/api/letters/" + "9" * 5000,
    "/letters/\xff\xfe", "/letters/" + "a" * 10_000, "/static/..%2f__init__.py", "//", "/%ff", "/api/",
)
PARAMETERS = ("q", "authority", "type", "inspector", "region", "year", "from", "to", "sort", "page",
              "per_page", "no_such_parameter")
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND")
# Host headers werkzeug refuses (empty labels, a label over 63 characters) or cannot decode (bad punycode).
HOSTS = ("a..b", "a" * 64 + ".example", "xn--zz", "xn--zz:8000", "", "[::1", "ü.example", "localhost:99999",
         "localhost:port", "a b", "-.-", "." * 300)


def _repeated(parameter: str) -> str:
    return "&".join(f"{parameter}=v{number}" for number in range(300))


# Name → the query string that sends the value as `parameter` (already in its raw, on-the-wire form: a
# str of bytes 0-255, as WSGI hands a query string to the app).
VALUES = {
    "huge number": lambda p: f"{p}={'9' * 5000}",
    "negative number": lambda p: f"{p}=-1",
    "float overflow": lambda p: f"{p}=1e400",
    "unicode digits": lambda p: f"{p}={quote('١٢٣²')}",
    "NUL": lambda p: f"{p}=a%00b",
    "raw NUL": lambda p: f"{p}=a\x00b",
    "invalid UTF-8": lambda p: f"{p}=%ff%fe%c3",
    "raw invalid UTF-8": lambda p: f"{p}=\xff\xfe\xc3(",
    "encoded surrogate": lambda p: f"{p}=%ed%a0%80",
    "bad percent-encoding": lambda p: f"{p}=%zz%4%",
    "control characters": lambda p: f"{p}=%01%02%1b%7f%0a%0d",
    "repeated 300 times": _repeated,
    "10 000 characters": lambda p: f"{p}={'x' * 10_000}",
    "10 000 accented characters": lambda p: f"{p}={quote('é' * 10_000)}",
    "markup": lambda p: f"{p}={quote('<script>alert(1)</script>&amp;')}",
    "query syntax": lambda p: f"{p}={quote('((( OR NOT -* year:99999999999 authority: *')}",
    "impossible date": lambda p: f"{p}=2021-02-30",
    "empty": lambda p: f"{p}=",
    "no equals sign": lambda p: p,
    "empty name": lambda p: f"={p}&&&=",
}


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    path: str  # raw: a str of bytes 0-255, as WSGI gives PATH_INFO
    query: str  # raw, likewise
    host: str = "localhost"

    def __str__(self) -> str:
        shown = f"{self.method} {self.path}?{self.query}"
        shown = shown if len(shown) < 120 else shown[:117] + "..."
        return f"{shown!r} Host: {self.host[:40]!r}"


def answer(app, request: FuzzRequest) -> str:
    """The status line of the app's answer, body read to the end; "500 <exception>" when the app raises.

    The WSGI app is called with a hand-built environ: Flask's test client itself fails on some Host
    headers (it decodes the request's URL after the response).
    """
    environ = EnvironBuilder(method=request.method, path="/").get_environ()
    environ.update(PATH_INFO=request.path, QUERY_STRING=request.query, HTTP_HOST=request.host,
                   SERVER_NAME="localhost", SERVER_PORT="80")
    try:
        _, status, _ = run_wsgi_app(app, environ, buffered=True)
    except Exception as error:  # an exception escaping the app is what a server answers with a 500
        return f"500 {type(error).__name__}: {str(error)[:200]}"
    return status


def raw_answer(port: int, request: FuzzRequest) -> str:
    """The status line a server on 127.0.0.1:`port` answers the request with, sent as raw bytes."""
    target = request.path + (f"?{request.query}" if request.query else "")
    raw = f"{request.method} {target} HTTP/1.1\r\nHost: {request.host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(raw.encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def random_requests(seed: int, count: int) -> Iterator[FuzzRequest]:
    """`count` requests mixing every route, parameter, value, method and Host header, the same for a seed."""
    chooser = random.Random(seed)
    for _ in range(count):
        path = chooser.choice(ROUTES + ODD_PATHS)
        pairs = []
        for _ in range(chooser.randint(0, 4)):
            parameter = chooser.choice(PARAMETERS)
            if chooser.random() < 0.25:
                raw = bytes(chooser.randrange(256) for _ in range(chooser.randint(1, 30)))
                pairs.append(f"{parameter}={raw.decode('latin-1')}")
            else:
                pairs.append(chooser.choice(list(VALUES.values()))(parameter))
        method = chooser.choice(METHODS) if chooser.random() < 0.2 else "GET"
        host = chooser.choice(HOSTS) if chooser.random() < 0.2 else "localhost"
        yield FuzzRequest(method, path, "&".join(pairs), host)
