"""Load on the web API: 8 clients for 20 s against /api/search served by `letters serve` (waitress).

Baseline: the same query mix through the Python API in this process; target ≥ 50 requests/s, 0 errors.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

CLIENTS = 8
SECONDS = 20.0
SERVER_THREADS = 4
FALLBACK_SAMPLE = 2000
TARGET_RPS = 50
LETTERS = Path(sys.executable).with_name("letters")


def letters(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LETTERS), "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True)


def build_data(data_dir: Path) -> str:
    """Import the real corpus and index it; 2 000 sample letters when the import cannot be done."""
    from benchmarks import shared_corpus
    from corpus.store import LetterStore

    try:
        corpus = shared_corpus()
        imported = letters(data_dir, "import", str(corpus))
        reason = (imported.stdout + imported.stderr).strip().splitlines()[-1:]
        with LetterStore(data_dir) as store:
            ok = len(store) > 0  # a few files that fail do not make the corpus unusable
    except SystemExit as missing:
        ok, reason = False, [str(missing)]
    if ok:
        summary = next((line for line in imported.stdout.splitlines() if " files: " in line), "")
        what = f"the real corpus ({corpus}; {summary})"
    else:
        print(f"NOTE: the corpus import failed ({' '.join(reason)}); using {FALLBACK_SAMPLE} "
              "fictional sample letters instead")
        sampled = letters(data_dir, "sample", "--count", str(FALLBACK_SAMPLE))
        if sampled.returncode != 0:
            raise SystemExit(f"letters sample failed: {sampled.stderr}")
        what = f"{FALLBACK_SAMPLE} fictional sample letters"
    indexed = letters(data_dir, "reindex")
    if indexed.returncode != 0:
        raise SystemExit(f"letters reindex failed: {indexed.stderr}")
    return what


def query_mix(index) -> list[dict[str, str]]:
    """Searches of every kind: frequent, rare and misspelt words, phrases, NOT, prefixes, filters
    of each facet, a date range, date sorts and later pages."""
    facets = index.search("", per_page=1).facets
    authorities = [value for value, _ in facets["authority"][:6]]
    inspectors = [value for value, _ in facets["inspectors"][:3]]
    years = [str(value) for value, _ in facets["year"][:3]]
    visit_types = [value for value, _ in facets["visit_type"][:3]]
    mix = [
        {"q": "children"}, {"q": "permanence"}, {"q": "care leavers"}, {"q": '"care leavers"'},
        {"q": "neglect"}, {"q": "exploitation -covid"}, {"q": "safeguard*"}, {"q": "chilldren"},
        {"q": '"front door" OR "children in need"'}, {"q": "domestic abuse", "sort": "newest"},
        {"q": "supervision", "page": "2"}, {"q": "children", "from": "2019-01-01", "to": "2021-12-31"},
        {}, {"sort": "oldest", "page": "3"}, {"q": "leaders managers", "per_page": "50"},
    ]
    for position, authority in enumerate(authorities):
        mix.append({"q": ["children", "plans", ""][position % 3], "authority": authority})
    mix += [{"inspector": name} for name in inspectors]
    mix += [{"year": year, "q": "practice"} for year in years]
    mix += [{"type": visit_type} for visit_type in visit_types]
    return mix


def as_search_kwargs(args: dict[str, str]) -> tuple[str, dict]:
    from indexer.request import parse_request

    params = parse_request(args)  # (typed values are resolved by search() itself)
    return params.query, params.search_kwargs()


def direct_baseline(data_dir: Path, mix: list[dict[str, str]], seconds: float) -> tuple[int, float]:
    """Queries per second through the Python API (with to_dict), one after another."""
    from indexer import LetterIndex

    searches = [as_search_kwargs(args) for args in mix]
    done = 0
    with LetterIndex.open(data_dir) as index:
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            query, kwargs = searches[done % len(searches)]
            json.dumps(index.search(query, **kwargs).to_dict(), default=str)
            done += 1
        return done, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base: str, process: subprocess.Popen, log: IO[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise SystemExit(f"letters serve stopped: {log.read()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("letters serve did not answer within 60 s")


def load(port: int, paths: list[str], clients: int, seconds: float) -> tuple[list[float], dict]:
    """`clients` threads, each with a kept-alive connection, cycling through the paths."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        turn = number * 7
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                problem = None if response.status == 200 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                problem = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[number].append(time.perf_counter() - began)
            if problem:
                with lock:
                    errors[problem] = errors.get(problem, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return [value for values in latencies for value in values], errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(data_dir: Path | None = None) -> None:
    """Build an index of the real corpus in a temporary directory and load it; or load the index
    already in `data_dir` (python -m benchmarks.bench_web DATA_DIR)."""
    with tempfile.TemporaryDirectory() as temporary:
        started = time.perf_counter()
        if data_dir is None:
            data_dir = Path(temporary) / "data"
            what = build_data(data_dir)
        else:
            what = str(data_dir)
        measure(data_dir, what, started)


def measure(data_dir: Path, what: str, started: float) -> None:
    from indexer import LetterIndex

    with LetterIndex.open(data_dir) as index:
        mix = query_mix(index)
        size = index.stats()["letters"]
    print(f"index: {size} letters from {what}, ready in {time.perf_counter() - started:.0f} s")
    print(f"query mix: {len(mix)} searches (words, phrases, NOT, prefix, misspelling, filters, "
          "dates, sorts, pages)")

    done, elapsed = direct_baseline(data_dir, mix, seconds=5.0)
    direct_rate = done / elapsed
    print(f"baseline, Python API in-process, 1 at a time: {direct_rate:6.1f} searches/s "
          f"({1000 / direct_rate:.1f} ms each)")

    paths = [f"/api/search?{urlencode(args)}" for args in mix]
    latencies, errors = serve_and_load(data_dir, paths)
    error_count = sum(errors.values())
    rate = len(latencies) / SECONDS
    print(f"web, {CLIENTS} clients for {SECONDS:.0f} s against /api/search, letters serve "
          f"--threads {SERVER_THREADS} ({os.cpu_count()} cores, load generator included):")
    print(f"  {len(latencies)} requests, {rate:.1f} requests/s, "
          f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.0f} ms")
    print(f"  errors: {error_count}" + (f" {errors}" if errors else ""))
    print(f"  web requests/s ÷ in-process searches/s: {rate / direct_rate:.2f}x")
    verdict = "met" if rate >= TARGET_RPS and not error_count else "NOT met"
    print(f"  target ≥ {TARGET_RPS} requests/s with 0 errors: {verdict}")


def serve_and_load(data_dir: Path, paths: list[str]) -> tuple[list[float], dict]:
    port = free_port()
    # The server's output goes to a file, not a pipe: a full pipe would stall the server.
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [str(LETTERS), "--data-dir", str(data_dir), "serve", "--port", str(port),
             "--threads", str(SERVER_THREADS)],
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}", server, log)
            load(port, paths, clients=2, seconds=2.0)  # the server opens its index
            return load(port, paths, CLIENTS, SECONDS)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
