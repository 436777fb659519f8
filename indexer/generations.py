"""Where the index lives: generation folders under data_dir/index and the CURRENT file naming the live one.

A full rebuild writes a new generation and swaps CURRENT atomically; readers follow CURRENT.
"""

from __future__ import annotations

import json
import mmap
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from corpus.atomic import write_atomic

CURRENT = "CURRENT"
BUILD_INFO = "build.json"


def index_root(data_dir: Path | str) -> Path:
    return Path(data_dir) / "index"


def current_generation(data_dir: Path | str) -> Path | None:
    """The live generation's folder, or None when no index has been built."""
    root = index_root(data_dir)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    folder = root / name
    return folder if folder.is_dir() else None


def live_stamp(data_dir: Path | str, generation: Path) -> tuple[int, ...] | None:
    """What a change to the live index changes, in two stats: CURRENT's identity (a rebuild replaces it) and
    `generation`'s folder's modification time (a commit or a new vocabulary adds files to it). None while
    the folder changed in the last two seconds, as some file systems keep times to the second."""
    try:
        current = (index_root(data_dir) / CURRENT).stat()
        changed = generation.stat().st_mtime_ns
    except OSError:
        return None
    if time.time_ns() - changed < 2_000_000_000:
        return None
    return current.st_ino, current.st_mtime_ns, current.st_size, changed


class UnreadableIndex(Exception):
    """A generation whose pickled schema cannot be loaded: a class it names has moved or gone."""


class _MappedFile(StructFile):
    """An index file read through a memory map: a read at a place is a slice, with no system call (the reads
    of a search were a tenth of its CPU and, beside a job syncing the disk, waited on it)."""

    def __init__(self, file: Any, name: str) -> None:
        super().__init__(file, name=name)
        self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)

    def get(self, position: int, length: int) -> bytes:
        return self._map[position : position + length]

    def close(self) -> None:
        self._map.close()
        super().close()


class _MappedStorage(FileStorage):
    """A generation's folder whose files are read through memory maps (an empty one cannot be mapped)."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        file = open(self._fpath(name), "rb")  # noqa: SIM115 (closed with the StructFile)
        if os.fstat(file.fileno()).st_size == 0:
            return StructFile(file, name=name, **kwargs)
        return _MappedFile(file, name)


def open_index(generation: Path) -> Any:
    """The Whoosh index in a generation; UnreadableIndex when its schema names code that no longer imports."""
    try:
        return _MappedStorage(str(generation)).open_index()
    except (ImportError, AttributeError, pickle.UnpicklingError) as error:
        raise UnreadableIndex(f"its schema names code that no longer exists ({error})") from error


def new_generation(data_dir: Path | str) -> Path:
    """A fresh, empty folder for a generation that is not live yet."""
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    folder = root / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    folder.mkdir()
    return folder


def publish(data_dir: Path | str, generation: Path) -> None:
    """Make `generation` the live one, then remove all but it and the one it replaces.

    The replaced generation stays one more round so a searcher that opened it just before the swap can
    finish; searchers reopen CURRENT before each search.
    """
    root = index_root(data_dir)
    previous = current_generation(data_dir)
    write_atomic(root / CURRENT, generation.name.encode("utf-8"))
    keep = {generation.name, previous.name if previous else ""}
    for folder in root.glob("gen-*"):
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def discard(generation: Path) -> None:
    """Remove a generation that never went live (a failed or interrupted build)."""
    shutil.rmtree(generation, ignore_errors=True)


def read_build_info(generation: Path) -> dict[str, Any]:
    try:
        return json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def write_build_info(generation: Path, info: dict[str, Any]) -> None:
    write_atomic(generation / BUILD_INFO, json.dumps(info, indent=1).encode("utf-8"))


def size_on_disk(generation: Path) -> int:
    return sum(path.stat().st_size for path in generation.rglob("*") if path.is_file())
