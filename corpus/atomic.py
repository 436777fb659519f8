"""Atomic file writes: write to a temporary name in the same folder, flush to disk, rename.

A reader sees the old file or the new one, never half of either; temp files of killed writers are swept up.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Replace `path` with `data` in one step. With `sync=False` the caller flushes the disk itself later
    (os.sync after a batch of writes): a killed process still leaves the whole file, as the kernel has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The writer's pid in the temp name tells a later sweep whether the writer is still alive.
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            if sync:
                temp.flush()
                os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _writer_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphaned_temps(folder: Path) -> int:
    """Delete temp files below `folder` left by writers that were killed; return how many."""
    removed = 0
    for temp in folder.rglob(f".*{TEMP_SUFFIX}"):
        parts = temp.name.rsplit(".", 3)  # ".name", pid, random, "tmp"
        pid = parts[1] if len(parts) == 4 else ""
        if pid.isdigit() and not _writer_alive(int(pid)):
            temp.unlink(missing_ok=True)
            removed += 1
    return removed
