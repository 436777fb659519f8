"""Hostile requests never make the site fail: every route × parameter × hostile value, odd methods and Host
headers, seeded random mixes, and raw Host headers against a real `letters serve`.

A 4xx is a fine answer to nonsense; a 5xx (or an exception escaping the app) is a bug. Each case is its own
test, so one failure does not hide the rest. `pytest tests/test_fuzz.py -k seeded --fuzz-requests 10000`
runs a longer mix.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzzing import (
    HOSTS,
    METHODS,
    ODD_PATHS,
    PARAMETERS,
    ROUTES,
    VALUES,
    FuzzRequest,
    answer,
    random_requests,
    raw_answer,
)

from letters.cli import main
from webapp import create_app

LETTERS = Path(sys.executable).with_name("letters")
SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def fuzz_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    for command in (["sample", "--count", "30"], ["reindex"]):
        result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *command], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return data_dir


@pytest.fixture(scope="module")
def app(fuzz_data_dir: Path):
    return create_app(fuzz_data_dir, {"TESTING": True})


def assert_no_5xx(app, request: FuzzRequest) -> None:
    status = answer(app, request)
    assert not status.startswith("5"), f"{request} → {status}"


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("parameter", PARAMETERS)
@pytest.mark.parametrize("route", ROUTES)
def test_a_hostile_value_of_any_parameter_is_no_server_error(app, route, parameter, value):
    assert_no_5xx(app, FuzzRequest("GET", route, VALUES[value](parameter)))


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_are_no_server_error(app, path):
    assert_no_5xx(app, FuzzRequest("GET", path, ""))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", ROUTES)
def test_any_method_is_no_server_error(app, route, method):
    assert_no_5xx(app, FuzzRequest(method, route, "q=care&page=2"))


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("route", ROUTES)
def test_any_host_header_is_no_server_error(app, route, host):
    assert_no_5xx(app, FuzzRequest("GET", route, "q=care", host))


def test_a_refused_host_header_still_gets_the_error_page(app):
    """The error page's links are paths: they are built even when the Host header gives no adapter."""
    client = app.test_client()
    response = client.get("/", headers={"Host": "a..b"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="/help"' in page and "Error 400" in page


def test_the_feed_names_itself_without_reading_the_request_url(app):
    """The feed's id and self link come from the search's arguments: a page or sort argument, which the
    feed ignores, makes no other feed."""
    client = app.test_client()
    first = client.get("/search.atom?q=care&page=1&type=Focused+visit&sort=oldest").get_data(as_text=True)
    second = client.get("/search.atom?q=care&type=Focused+visit").get_data(as_text=True)
    assert "<id>http://localhost/search.atom?q=care&amp;type=Focused+visit</id>" in first
    assert first.split("<updated>")[0] == second.split("<updated>")[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_seeded_random_requests_are_no_server_error(app, seed, request):
    total = request.config.getoption("fuzz_requests")
    count = total // len(SEEDS) + (SEEDS.index(seed) < total % len(SEEDS))
    failures = [f"{fuzzed} → {status}" for fuzzed in random_requests(seed, count)
                if (status := answer(app, fuzzed)).startswith("5")]
    assert not failures, f"{len(failures)} of {count} requests failed:\n" + "\n".join(failures[:30])


@pytest.fixture(scope="module")
def server(fuzz_data_dir: Path):
    """A real `letters serve` on 127.0.0.1, on a port of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(LETTERS), "--data-dir", str(fuzz_data_dir), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert "Serving" in process.stdout.readline()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("host", [*HOSTS, "\xff\xfe", "a" * 5000])
@pytest.mark.parametrize("route", ["/", "/search.atom?q=care", "/api/search", "/no-such-page", "/help"])
def test_a_real_server_answers_any_host_header_without_a_server_error(server, route, host):
    path, _, query = route.partition("?")
    status = raw_answer(server, FuzzRequest("GET", path, query, host))
    assert status.startswith("HTTP/1."), status
    assert not status.split()[1].startswith("5"), f"Host {host[:40]!r} on {route}: {status}"


def test_a_real_server_answers_a_request_without_a_host_header(server):
    with socket.create_connection(("127.0.0.1", server), timeout=30) as connection:
        connection.sendall(b"GET /help HTTP/1.0\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.0 200")


def test_seeded_random_raw_requests_to_a_real_server_are_no_server_error(server, request):
    """The same mix as above, as raw bytes over a socket: what `letters serve` (gunicorn) hands the app, not what a
    test client builds."""
    count = request.config.getoption("fuzz_requests")
    failures = [f"{fuzzed} → {status}" for fuzzed in random_requests(42, count)
                if not (status := raw_answer(server, fuzzed)).startswith("HTTP/1.")
                or status.split()[1].startswith("5")]
    assert not failures, f"{len(failures)} of {count} requests failed:\n" + "\n".join(failures[:30])
