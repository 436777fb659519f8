"""Benchmarks: figures for import, indexing, queries and the web server, each with a same-run baseline.

`make bench` (python -m benchmarks) runs them all; each module also runs alone (python -m benchmarks.NAME).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_corpus() -> Path:
    """../shared/corpus (or $LETTERS_SHARED/corpus); a clear error when it is not there."""
    corpus = Path(os.environ.get("LETTERS_SHARED", PROJECT_ROOT.parent / "shared")) / "corpus"
    if not (corpus / "manifest.csv").is_file():
        raise SystemExit(f"benchmarks need the real corpus at {corpus} (set LETTERS_SHARED)")
    return corpus.resolve()
