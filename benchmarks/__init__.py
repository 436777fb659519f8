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


def read_into_memory(data_dir: Path) -> None:
    """Read the live index's files once, so that no side of a comparison starts on a cold disk: this machine
    drops pages left unread for a while, and the first search to touch them would wait for the disk."""
    from indexer.generations import current_generation

    for path in sorted((current_generation(data_dir) or Path(data_dir)).rglob("*")):
        if path.is_file():
            with path.open("rb") as file:
                while file.read(1 << 20):
                    pass
