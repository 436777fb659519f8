"""Benchmarks: figures for import, indexing, queries and the web server, each with a same-run baseline.

`make bench` (python -m benchmarks) runs them all; each module also runs alone (python -m benchmarks.NAME).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_corpus() -> Path:
    """../shared/corpus (or $LETTERS_SHARED/corpus); a clear error when it is not there."""
    corpus = Path(os.environ.get("LETTERS_SHARED", PROJECT_ROOT.parent / "shared")) / "corpus"
    if not (corpus / "manifest.csv").is_file():
        raise SystemExit(f"benchmarks need the real corpus at {corpus} (set LETTERS_SHARED)")
    return corpus.resolve()


@contextmanager
def held_in_memory(data_dir: Path) -> Iterator[None]:
    """Keep the live index's files in memory while the block runs: locked (mlock, which reads them in) in the
    page cache. This machine pages out file pages it sees idle for a minute or so (DAMON reclaim), even during
    a run, and a search then waits on the disk; FTS5's tables in the baselines live in process memory, which
    nothing pages out. Where pages cannot be locked, they are only read once, and a note says so."""
    from indexer.generations import current_generation

    files = [path for path in sorted((current_generation(data_dir) or Path(data_dir)).rglob("*")) if path.is_file()]
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if os.name == "posix" else None
    locked: list[tuple[int, int]] = []
    try:
        failed = _lock(libc, files, locked) if libc is not None else "not on a POSIX system"
        if failed:
            print(f"NOTE: the index's files could not be held in memory ({failed}); a search may wait on the disk")
            for path in files:
                with path.open("rb") as file:
                    while file.read(1 << 20):
                        pass
        yield
    finally:
        for address, size in locked:
            libc.munmap(address, size)  # unlocks too


def _lock(libc: ctypes.CDLL, files: list[Path], locked: list[tuple[int, int]]) -> str | None:
    """Map and lock each file, adding (address, size) to `locked` as it goes; why not, if one fails."""
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mlock.argtypes = libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    for path in files:
        size = path.stat().st_size
        if not size:
            continue
        with path.open("rb") as file:
            address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, file.fileno(), 0)
        if address == ctypes.c_void_p(-1).value:
            return os.strerror(ctypes.get_errno())
        locked.append((address, size))
        if libc.mlock(address, size) != 0:
            return os.strerror(ctypes.get_errno())
    return None
