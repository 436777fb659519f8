"""Runs every benchmark in turn and prints their figures: `make bench`.

Name some to run only those: python -m benchmarks import index web.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {"import": "benchmarks.bench_import", "index": "benchmarks.bench_index", "web": "benchmarks.bench_web",
              "pages": "benchmarks.bench_pages"}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        print(f"\n== {name} ==", flush=True)
        importlib.import_module(BENCHMARKS[name]).run()


if __name__ == "__main__":
    main(sys.argv[1:])
