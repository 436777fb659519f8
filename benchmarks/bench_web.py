"""Load on the web API: 8 clients for 20 s against /api/search served by `letters serve`, every request a
different search; then the same during a `letters reindex --full` swap.

Baseline: the same list of searches through the Python API in a process of its own, one at a time; and two such
processes at once, what the cores give searches without a server. Each takes turns with the load.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

from benchmarks import held_in_memory, shared_corpus
from webapp.cli import DEFAULT_THREADS

CLIENTS = 8
SECONDS = 20.0
SERVER_THREADS = DEFAULT_THREADS  # letters serve's default
FALLBACK_SAMPLE = 2000
MIX_SIZE = 8000  # more than the requests of one load run, so no search is repeated
BASELINE_SECONDS = 30.0
ROUNDS = 5  # the baseline and the web load take turns
# Targets (issue 10): requests/s, p95 in ms, and the web rate over the one-at-a-time in-process rate.
TARGET_RPS = 100
TARGET_P95_MS = 100
TARGET_SPEEDUP = 1.6
LETTERS = Path(sys.executable).with_name("letters")
WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")


def letters(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LETTERS), "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True)


def build_data(data_dir: Path) -> str:
    """Import the real corpus and index it; 2 000 sample letters when the import cannot be done."""
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


def query_mix(data_dir: Path, index) -> list[dict[str, str]]:
    """At least MIX_SIZE different searches drawn from the letters' own texts: words of every frequency,
    phrases, two words, NOT, prefixes, filters of each facet, date ranges, sorts and later pages."""
    from corpus.store import LetterStore
    from indexer.analysis import WORD, folded

    rng = random.Random(3)
    with LetterStore(data_dir) as store:
        texts = [letter.text or "" for letter in store]
    letters_having: Counter[str] = Counter()
    for text in texts:
        letters_having.update({folded(word) for word in WORD.findall(text) if word.isalpha()})
    share = {word: count / len(texts) for word, count in letters_having.items()}
    buckets = {
        "common": [w for w, s in share.items() if s >= 0.5],
        "medium": [w for w, s in share.items() if 0.05 <= s < 0.5],
        "rare": [w for w, s in share.items() if 2 / len(texts) <= s < 0.05],
        "once": [w for w, s in share.items() if s < 2 / len(texts)],
    }
    for words in buckets.values():
        words.sort()
    paging = [w for w in buckets["common"] + buckets["medium"] if share[w] >= 0.2]

    def word(bucket: str | None = None) -> str:
        return rng.choice(buckets[bucket or rng.choice(list(buckets))])

    def phrase() -> str:
        words = WORD.findall(rng.choice(texts))
        size = rng.randint(2, 4)
        start = rng.randrange(max(1, len(words) - size))
        return '"' + " ".join(words[start : start + size]) + '"'

    facets = index.search("", per_page=1).facets
    values = {"authority": facets["authority"], "inspector": facets["inspectors"], "year": facets["year"],
              "type": facets["visit_type"], "region": facets["region"]}
    kinds = [
        (6, lambda: {"q": word()}),
        (4, lambda: {"q": phrase()}),
        (2, lambda: {"q": f"{word('medium')} {word()}"}),
        (1, lambda: {"q": f"{word('common')} -{word('medium')}"}),
        (1, lambda: {"q": f"{word('medium')[:4]}*"}),
        (1, lambda: {"q": f"{word('rare')} OR {word('rare')}"}),
        (3, lambda: {"q": rng.choice(["", word(), phrase()]), (name := rng.choice(list(values))):
                     str(rng.choice(values[name])[0])}),
        (1, lambda: {"q": word(), "from": f"{rng.randint(2014, 2023)}-01-01",
                     "to": f"{rng.randint(2024, 2025)}-12-31"}),
        (2, lambda: {"q": rng.choice([word(), phrase(), ""]), "sort": rng.choice(["newest", "oldest"])}),
        (1, lambda: {"q": rng.choice(paging), "page": "2"}),
        (1, lambda: {"q": word("common"), "per_page": "50"}),
    ]
    chooser = [make for weight, make in kinds for _ in range(weight)]
    mix: dict[str, dict[str, str]] = {}
    while len(mix) < MIX_SIZE:
        args = {key: value for key, value in rng.choice(chooser)().items() if value != ""}
        mix.setdefault(urlencode(sorted(args.items())), args)
    return list(mix.values())


def as_search_kwargs(args: dict[str, str]) -> tuple[str, dict]:
    from indexer.request import parse_request

    params = parse_request(args)  # (typed values are resolved by search() itself)
    return params.query, params.search_kwargs()


class DirectBaseline:
    """The same searches through the Python API (with to_dict and JSON), one after another, down the list;
    each run() goes on from where the last stopped. They run in a process of their own, started afresh as
    each server worker is: in `make bench` this process holds what the benchmarks before it left, and its
    searches ran slower than a worker's there (the web came out at 2.05x the in-process rate, more than two
    cores can give)."""

    def __init__(self, data_dir: Path, mix: list[dict[str, str]]) -> None:
        context = multiprocessing.get_context("spawn")
        self.commands, theirs = context.Pipe()
        self.process = context.Process(target=_search_in_turns, args=(theirs, str(data_dir), mix), daemon=True)
        self.process.start()
        self.commands.recv()  # the index is open and warm
        self.done = 0
        self.seconds = 0.0

    def start(self, seconds: float) -> None:
        self.commands.send(seconds)

    def finish(self) -> None:
        self.done, self.seconds = self.commands.recv()

    def run(self, seconds: float) -> None:
        self.start(seconds)
        self.finish()

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    def close(self) -> None:
        self.commands.send(None)
        self.process.join(timeout=30)


def _search_in_turns(commands: Connection, data_dir: str, mix: list[dict[str, str]]) -> None:
    """DirectBaseline's process: for each number of seconds received, search on down the list for that long,
    then answer how many searches are done in all and in how many seconds; stop at None."""
    from indexer import LetterIndex

    searches = [as_search_kwargs(args) for args in mix]
    done, spent = 0, 0.0
    with LetterIndex.open(data_dir) as index:
        index.search("warm up")
        commands.send("ready")
        while (seconds := commands.recv()) is not None:
            started = time.perf_counter()
            while time.perf_counter() - started < seconds and done < len(searches):
                query, kwargs = searches[done]
                json.dumps(index.search(query, **kwargs).to_dict(), default=str)
                done += 1
            spent += time.perf_counter() - started
            commands.send((done, spent))


def children_cpu_seconds() -> float:
    """User and system CPU seconds of this process's finished children: wrk, once each run returns."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _memory_megabytes(pid: int) -> dict[str, float]:
    """A process's memory from /proc/PID/smaps_rollup (Rss, Pss, Private_Dirty, …) in MB."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in rollup if line.endswith(" kB\n")}


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


@dataclass
class Load:
    """What a load run got: requests answered, in how many seconds, latency percentiles (ms), errors."""

    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p95: float = 0.0  # over several runs: the worst run's
    p99: float = 0.0
    errors: int = 0

    def add(self, other: Load) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.p50, self.p95, self.p99 = (max(a, b) for a, b in ((self.p50, other.p50), (self.p95, other.p95),
                                                                 (self.p99, other.p99)))
        self.errors += other.errors

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(port: int, paths: list[str], start: int, clients: int, seconds: float) -> Load:
    """`clients` connections of wrk (a load generator in C) for `seconds`, each request the next of the paths
    from `start` on, round again at the end: every request a different search (the list is longer than a run
    needs). A load generator in Python took 0.27 ms of the two cores a request (measured), a twentieth of a
    search; wrk a tenth of that."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the web benchmark needs wrk, a load generator: `make bench` installs it "
                         "(Debian: apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listed:
        listed.write("\n".join(paths) + "\n")
        listed.flush()
        ran = subprocess.run([wrk, "--threads", "1", "--connections", str(clients), "--duration", f"{seconds:g}s",
                              "--timeout", "30s", "--script", str(WRK_SCRIPT), f"http://127.0.0.1:{port}"],
                             capture_output=True, text=True, env={**os.environ, "PATHS": listed.name,
                                                                  "START": str(start % len(paths))})
    found = re.search(r"^letters-load (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", ran.stdout, re.MULTILINE)
    if ran.returncode != 0 or found is None:
        raise SystemExit(f"wrk failed: {(ran.stderr or ran.stdout).strip()}")
    requests, microseconds, p50, p95, p99, errors = map(int, found.groups())
    return Load(requests, microseconds / 1e6, p50 / 1000, p95 / 1000, p99 / 1000, errors)


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
        mix = query_mix(data_dir, index)
        size = index.stats()["letters"]
    random.Random(5).shuffle(mix)  # so the part the baseline gets through is like the whole
    print(f"index: {size} letters from {what}, ready in {time.perf_counter() - started:.0f} s")
    print(f"query mix: {len(mix)} different searches drawn from the texts (words of every frequency, phrases, "
          "NOT, OR, prefixes, filters of each facet, dates, sorts, pages)")

    with held_in_memory(data_dir):
        paths = [f"/api/search?{urlencode(args)}" for args in mix]
        workers = os.cpu_count() or 1
        server = Server(data_dir, workers)
        baseline = DirectBaseline(data_dir, mix)
        # Two such processes searching at once, without a server: what the cores give searches, the most
        # a server could reach. The second goes down the list from its middle.
        pair = [DirectBaseline(data_dir, mix), DirectBaseline(data_dir, mix[len(mix) // 2 :] + mix[: len(mix) // 2])]
        try:
            print(f"letters serve --workers {workers} --threads {SERVER_THREADS}: answering in "
                  f"{server.startup:.1f} s, first search in {server.first_search:.2f} s")
            # In turns, so that a machine that slows down or speeds up for a while does both alike.
            web = Load()
            turn_ratios = []
            serving_cpu = wrk_cpu = 0.0
            for _ in range(ROUNDS):
                done, seconds = baseline.done, baseline.seconds
                baseline.run(BASELINE_SECONDS / ROUNDS)
                for searcher in pair:
                    searcher.start(SECONDS / ROUNDS)
                for searcher in pair:
                    searcher.finish()
                serving_before, wrk_before = server.worker_cpu_seconds(), children_cpu_seconds()
                turn = load(server.port, paths, web.requests, CLIENTS, SECONDS / ROUNDS)
                serving_cpu += server.worker_cpu_seconds() - serving_before
                wrk_cpu += children_cpu_seconds() - wrk_before
                web.add(turn)
                turn_ratios.append(turn.rate * (baseline.seconds - seconds) / (baseline.done - done))
            direct_rate, pair_rate = baseline.rate, sum(searcher.rate for searcher in pair)
            print(f"baseline, Python API in-process, 1 at a time: {direct_rate:6.1f} searches/s "
                  f"({1000 / direct_rate:.1f} ms each, {baseline.done} searches)")
            print(f"two such processes at once, no server: {pair_rate:6.1f} searches/s, {pair_rate / direct_rate:.2f}x "
                  "one (what the cores give searches now: the most a server could reach)")
            print(f"web, {CLIENTS} clients (wrk) for {SECONDS:.0f} s against /api/search ({os.cpu_count()} cores, "
                  f"load generator included; {ROUNDS} turns with the baseline):")
            print(f"  {web.requests} requests ({min(web.requests, len(paths))} different searches), "
                  f"{web.rate:.1f} requests/s; the worst turn's p50 {web.p50:.0f} ms, p95 {web.p95:.0f} ms, "
                  f"p99 {web.p99:.0f} ms")
            print(f"  errors: {web.errors}")
            print(f"  memory: {server.memory()}")
            if serving_cpu:  # (Linux)
                serving_ms, together_ms = 1000 * serving_cpu / web.requests, 1000 * len(pair) / pair_rate
                busy = (serving_cpu + wrk_cpu) / ((os.cpu_count() or 1) * web.seconds)
                print(f"  CPU a request: the workers {serving_ms:.2f} ms, where a search takes "
                      f"{1000 / direct_rate:.2f} ms in one process and {together_ms:.2f} ms in each of two at once: "
                      f"serving (HTTP, Flask, sockets) adds {serving_ms - together_ms:.2f} ms; "
                      f"wrk {1000 * wrk_cpu / web.requests:.2f} ms; the cores {busy:.0%} busy")
            speedup = web.rate / direct_rate
            print(f"  web requests/s ÷ in-process searches/s: {speedup:.2f}x (its {ROUNDS} turns: "
                  f"{min(turn_ratios):.2f}x to {max(turn_ratios):.2f}x); ÷ two processes' searches/s: "
                  f"{web.rate / pair_rate:.2f}")
            met = (web.rate >= TARGET_RPS and web.p95 <= TARGET_P95_MS and not web.errors
                   and speedup >= TARGET_SPEEDUP)
            print(f"  target ≥ {TARGET_RPS} requests/s, p95 ≤ {TARGET_P95_MS} ms, 0 errors, ≥ {TARGET_SPEEDUP}x "
                  f"in-process: {'met' if met else 'NOT met'}")
            swap_under_load(server, data_dir, paths, web.requests)
        finally:
            for searcher in (baseline, *pair):
                searcher.close()
            server.stop()


def swap_under_load(server: Server, data_dir: Path, paths: list[str], start: int) -> None:
    """Load the server while `letters reindex --full` builds a new generation and swaps it in."""
    reindexing = subprocess.Popen([str(LETTERS), "--data-dir", str(data_dir), "reindex", "--full"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    during = Load()
    while reindexing.poll() is None or not during.requests:
        during.add(load(server.port, paths, start + during.requests, CLIENTS, 2.0))
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=10) as response:
        generation = json.loads(response.read())["generation"]
    print(f"during `letters reindex --full` ({during.seconds:.0f} s, then swapped to {generation}): "
          f"{during.requests} requests, {during.rate:.1f} requests/s, p95 {during.p95:.0f} ms (the worst 2 s), "
          f"errors: {during.errors}")


class Server:
    """`letters serve` in a child process, with how long it took to answer and what its workers hold."""

    def __init__(self, data_dir: Path, workers: int) -> None:
        self.port = free_port()
        # The server's output goes to a file, not a pipe: a full pipe would stall the server.
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by stop())
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [str(LETTERS), "--data-dir", str(data_dir), "serve", "--port", str(self.port),
             "--workers", str(workers), "--threads", str(SERVER_THREADS)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{self.port}"
        wait_for(base, self.process, self.log)
        self.startup = time.perf_counter() - began
        began = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/search?q=children", timeout=60):
            self.first_search = time.perf_counter() - began
        load(self.port, ["/api/search?q=warm"], 0, clients=2 * workers, seconds=2.0)  # every worker opens its index

    def _worker_pids(self) -> list[int]:
        """The serving processes; none where there is no /proc (not Linux)."""
        pid = self.process.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
                return [int(child) for child in children.read().split()]
        except OSError:
            return []

    def memory(self) -> str:
        """What the workers hold: resident, their own alone (what another worker would add), and the whole
        server's memory counting each shared page once (proportional set sizes summed); Linux's /proc."""
        try:
            workers = [_memory_megabytes(pid) for pid in self._worker_pids()]
            parent = _memory_megabytes(self.process.pid)
        except OSError:  # not Linux
            return "not measured here (no /proc)"
        resident = ", ".join(f"{figures['Rss']:.0f}" for figures in workers)
        own = ", ".join(f"{figures['Private_Clean'] + figures['Private_Dirty']:.0f}" for figures in workers)
        whole = sum(figures["Pss"] for figures in (parent, *workers))
        return (f"{resident} MB resident per worker, of which {own} MB its own; the rest is shared by the "
                f"workers: the index's files, mapped once, and the pages forked from the parent "
                f"({parent['Rss']:.0f} MB resident); the whole server {whole:.0f} MB")

    def worker_cpu_seconds(self) -> float:
        """User and system CPU seconds the serving processes have used so far (0 without /proc)."""
        ticks = 0
        for pid in self._worker_pids():
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()  # the process name, in brackets, may hold spaces
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
