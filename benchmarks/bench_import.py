"""Import throughput on the real corpus: files/s and MB/s with one process, then with all cores.

Baselines: pdfium's own text call on the same files (the floor of text extraction), and the one-process run
for what the parallel import gains on this machine. The findings pass (judgements, outcomes, improvements,
focus) is then timed alone on the imported texts: its share of the one-process import (target: at most 10 %).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks import shared_corpus
from corpus.findings import find_findings
from corpus.importer import find_files, import_paths
from corpus.store import LetterStore

FINDINGS_TARGET = 0.10
IMPORT_TARGET = 1.5  # one-process import ÷ pdfium's bare text pass (issue 10)
# The ratio's two sides take turns a part of the corpus at a time, over the corpus twice: this machine's speed
# drifts by a sixth within a minute, and turns of a few seconds leave both sides the same drift.
RATIO_PARTS = 10
RATIO_ROUNDS = 2


def timed_import(corpus: Path, workers: int) -> tuple[float, float, dict[str, int], float]:
    """Wall and CPU seconds (this process's) to import the corpus, the outcome counts, and seconds the findings
    pass takes on its letters."""
    with tempfile.TemporaryDirectory() as data_dir, LetterStore(data_dir) as store:
        started, cpu = time.perf_counter(), time.process_time()
        summary = import_paths(store, [corpus], workers=workers)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        letters = [
            (letter.text, letter.get("visit_type"), letter.get("visit_start"), letter.get("focus")) for letter in store
        ]
    started = time.perf_counter()
    for text, visit_type, visit_start, focus in letters:
        find_findings(text, visit_type, visit_start, focus)
    return seconds, cpu, summary.counts, time.perf_counter() - started


def import_and_reindex(corpus: Path, workers: int) -> float:
    """Wall seconds from an empty data directory to a searchable index of the corpus."""
    from indexer.build import reindex

    with tempfile.TemporaryDirectory() as data_dir:
        started = time.perf_counter()
        with LetterStore(data_dir) as store:
            import_paths(store, [corpus], workers=workers)
        reindex(data_dir, workers=workers)
        return time.perf_counter() - started


def bare_pdfium(files: list[Path]) -> float:
    """Seconds for pdfium alone to open every PDF and hand over each page's text, in one process."""
    import pypdfium2 as pdfium

    started = time.perf_counter()
    for path in files:
        try:
            pdf = pdfium.PdfDocument(path.read_bytes())
        except pdfium.PdfiumError:
            continue
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()
    return time.perf_counter() - started


def import_beside_bare_pass(files: list[Path]) -> tuple[float, float, float, float]:
    """Wall and CPU seconds of the bare pass, then of `letters import` in one process, over the same files
    RATIO_ROUNDS times, a part at a time in turns: each round imports every file into a new store, part by part."""
    parts = [files[start::RATIO_PARTS] for start in range(RATIO_PARTS)]
    bare = bare_cpu = seconds = import_cpu = 0.0
    for _ in range(RATIO_ROUNDS):
        with tempfile.TemporaryDirectory() as data_dir, LetterStore(data_dir) as store:
            for part in parts:
                cpu = time.process_time()
                bare += bare_pdfium(part)
                bare_cpu += time.process_time() - cpu
                started, cpu = time.perf_counter(), time.process_time()
                import_paths(store, part, workers=1)
                seconds += time.perf_counter() - started
                import_cpu += time.process_time() - cpu
    return bare, bare_cpu, seconds, import_cpu


def run() -> None:
    corpus = shared_corpus()
    files = list(find_files([corpus]))
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    cores = os.cpu_count() or 1
    print(f"corpus: {len(files)} files, {megabytes:.0f} MB")
    for path in files:  # read once, so the first timed run does not wait on the disk alone
        path.read_bytes()
    timings, findings = {}, []
    for workers in (1, cores):
        seconds, _, counts, findings_seconds = timed_import(corpus, workers)
        timings[workers] = seconds
        findings.append(findings_seconds)
        print(
            f"{workers} process{'es' if workers > 1 else ''}: {seconds:6.1f} s  "
            f"{len(files) / seconds:6.1f} files/s  {megabytes / seconds:5.1f} MB/s  "
            f"({counts['imported']} imported, {counts['failed']} failed)"
        )
    print(f"speed-up with {cores} processes: {timings[1] / timings[cores]:.2f}x")
    share = min(findings) / timings[1]
    print(
        f"findings pass: {min(findings):.2f} s for {counts['imported']} letters, {share:.1%} of the one-process "
        f"import (target ≤ {FINDINGS_TARGET:.0%}){'' if share <= FINDINGS_TARGET else '  ABOVE TARGET'}"
    )
    bare, bare_cpu, seconds, import_cpu = import_beside_bare_pass(files)
    print(f"bare pdfium text pass, 1 process: {bare:6.1f} s ({bare_cpu:.1f} s CPU); letters import, 1 process: "
          f"{seconds:.1f} s ({import_cpu:.1f} s CPU); the corpus {RATIO_ROUNDS} times, in turns 1/{RATIO_PARTS} "
          f"of it at a time; import ÷ bare pass = {seconds / bare:.2f}x wall, {import_cpu / bare_cpu:.2f}x CPU "
          f"(target ≤ {IMPORT_TARGET}x)")
    both = import_and_reindex(corpus, cores)
    print(f"import + reindex with {cores} processes: {both:.1f} s wall (target ≤ 30 s)")


if __name__ == "__main__":
    run()
