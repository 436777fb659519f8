"""Process locks held on a file in the data directory: one holder at a time, its note readable by the next.

The system releases the lock of a killed process; the note it leaves says a run never ended.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


@contextmanager
def held_lock(path: Path, busy: Callable[[str], Exception], wait: bool = False) -> Iterator[str | None]:
    """Hold the lock of `path` (waiting for it with `wait`), or raise `busy(holder)` at once; yields the note of
    a holder that never ended, if any. The note (process, start time) is written on taking the lock and
    emptied on leaving it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise busy(handle.read().strip() or "another process") from None
        handle.seek(0)
        unfinished = handle.read().strip() or None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield unfinished
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
