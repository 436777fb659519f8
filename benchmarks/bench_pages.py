"""Benchmark of the authority and inspector pages on the real corpus: p50/p95 of each page as rendered by the app.

Baseline in the same run: the search page for a different word each request, so the ratios hold on a noisy machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus.gazetteer import all_authorities
from indexer.directory import slug

SHARED = Path(os.environ.get("LETTERS_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
LETTERS = Path(sys.executable).with_name("letters")
TARGET_P95_MS = 100
WORDS = ("permanence", "neglect", "supervision", "exploitation", "housing", "advocacy", "court", "health",
         "transitions", "oversight", "chronologies", "disabled", "assessment", "placement", "reunification")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(client, urls: list[str]) -> list[float]:
    """Milliseconds of each request, every one checked to answer 200 or a redirect."""
    found = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        found.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 301):
            raise SystemExit(f"{url} answered {response.status_code}")
    return found


def run(data_dir: Path | None = None) -> None:
    from webapp import create_app

    with tempfile.TemporaryDirectory() as scratch:
        if data_dir is None:
            data_dir = Path(scratch) / "data"
            for command in (["import", str(SHARED / "corpus")], ["reindex"]):
                subprocess.run([str(LETTERS), "--data-dir", str(data_dir), *command], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = create_app(data_dir, {"TESTING": True}).test_client()
        started = time.perf_counter()
        client.get("/authorities")
        print(f"directory built on the first request of an index generation: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms (then kept until the next reindex)")
        inspectors = [person.slug for person in client.application.extensions["letters.index"].inspectors()]
        pages = {
            "/authorities (each sort)": [f"/authorities?sort={sort}&order=desc" for sort in
                                         ("name", "region", "inspected", "overall_effectiveness", "focused",
                                          "letters", "care_leavers")] * 5,
            "/authorities.csv": ["/authorities.csv"] * 20,
            "/authorities/<slug> (all 153)": [f"/authorities/{slug(a.name)}" for a in all_authorities()],
            "/inspectors": ["/inspectors"] * 20,
            "/inspectors/<slug> (all)": [f"/inspectors/{name}" for name in inspectors],
        }
        baseline = timed(client, [f"/?q={word}+{other}" for word in WORDS for other in WORDS[:7]])
        base_p95 = percentile(baseline, 0.95)
        print(f"baseline, the search page ({len(baseline)} different queries): "
              f"p50 {statistics.median(baseline):.1f} ms, p95 {base_p95:.1f} ms")
        for name, urls in pages.items():
            took = timed(client, urls)
            p95 = percentile(took, 0.95)
            verdict = "ok" if p95 <= TARGET_P95_MS else f"over the {TARGET_P95_MS} ms target"
            print(f"{name:<34} {len(took):>4} requests  p50 {statistics.median(took):6.1f} ms  "
                  f"p95 {p95:6.1f} ms  ({p95 / base_p95:.2f}× the search page's p95; {verdict})")


if __name__ == "__main__":
    run()
