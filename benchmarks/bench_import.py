"""Import throughput on the real corpus: files/s and MB/s with one process, then with all cores.

The one-process run is the baseline; the ratio is what the parallel import gains on this machine.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks import shared_corpus
from corpus.importer import find_files, import_paths
from corpus.store import LetterStore


def timed_import(corpus: Path, workers: int) -> tuple[float, dict[str, int]]:
    with tempfile.TemporaryDirectory() as data_dir, LetterStore(data_dir) as store:
        started = time.perf_counter()
        summary = import_paths(store, [corpus], workers=workers)
        return time.perf_counter() - started, summary.counts


def run() -> None:
    corpus = shared_corpus()
    files = list(find_files([corpus]))
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    cores = os.cpu_count() or 1
    print(f"corpus: {len(files)} files, {megabytes:.0f} MB")
    timings = {}
    for workers in (1, cores):
        seconds, counts = timed_import(corpus, workers)
        timings[workers] = seconds
        print(
            f"{workers} process{'es' if workers > 1 else ''}: {seconds:6.1f} s  "
            f"{len(files) / seconds:6.1f} files/s  {megabytes / seconds:5.1f} MB/s  "
            f"({counts['imported']} imported, {counts['failed']} failed)"
        )
    print(f"speed-up with {cores} processes: {timings[1] / timings[cores]:.2f}x")


if __name__ == "__main__":
    run()
