"""The letter store: a data directory with every original file (by content hash) and every letter's record.

Records are JSON files written atomically; a small SQLite catalog finds letters by source, by content and by visit.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corpus.atomic import remove_orphaned_temps, write_atomic
from corpus.documents import MEDIA_TYPES, SHA256, Document
from corpus.letters import Letter

LETTER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

CATALOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS letters (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS letters_source ON letters (source);
CREATE TABLE IF NOT EXISTS versions (
    sha256 TEXT PRIMARY KEY,
    id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS visits (
    id TEXT PRIMARY KEY,
    authority TEXT,
    visit_type TEXT,
    visit_start TEXT,
    visit_end TEXT
);
"""
# Letters of different files with the same values of these are probably one visit published twice.
SAME_VISIT = ("authority", "visit_type", "visit_start", "visit_end")


def default_data_dir() -> Path:
    """$LETTERS_DATA_DIR, else the user's data folder ($XDG_DATA_HOME or ~/.local/share) / letters."""
    if os.environ.get("LETTERS_DATA_DIR"):
        return Path(os.environ["LETTERS_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "letters"


def is_letter_id(value: str) -> bool:
    """True for a string that can name a letter (and so a file in the store): no paths, no dots."""
    return bool(LETTER_ID.match(value))


def content_id(sha256: str) -> str:
    """The id of a letter known only by its content: the first 16 hex digits of its first file's hash."""
    return sha256[:16]


class LetterStore:
    """Letters kept in `data_dir`: originals/, letters/ and catalog.sqlite.

    Safe for one writing process at a time alongside any number of readers.
    """

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.originals_dir = self.data_dir / "originals"
        self.letters_dir = self.data_dir / "letters"
        self.damaged: list[str] = []
        self._sync_each_write = True
        self._unsynced = False
        self.letters_dir.mkdir(parents=True, exist_ok=True)
        self.originals_dir.mkdir(parents=True, exist_ok=True)
        self._catalog = sqlite3.connect(self.data_dir / "catalog.sqlite", timeout=60)
        # WAL lets readers work during a write. Records are fsynced themselves; a catalog row lost in a
        # crash only makes the next import read that file again, so commits need not wait for the disk.
        self._catalog.execute("PRAGMA journal_mode=WAL")
        self._catalog.execute("PRAGMA synchronous=NORMAL")
        with self._catalog:
            self._catalog.executescript(CATALOG_SCHEMA)

    def close(self) -> None:
        self._catalog.close()

    def __enter__(self) -> LetterStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def syncing_in_batches(self) -> Iterator[LetterStore]:
        """Writes inside are flushed to disk by `sync()`, once for many files, rather than one by one.

        Each file is still written atomically; until the next `sync()` a power cut (not a killed
        process) may leave the files written since the last one damaged, which importing them again
        repairs, so callers report what they stored only after `sync()`.
        """
        self._sync_each_write = False
        try:
            yield self
        finally:
            self.sync()
            self._sync_each_write = True

    def sync(self) -> None:
        """Flush the writes made since the last sync to disk (one call for the whole batch)."""
        if self._unsynced:
            os.sync()
            self._unsynced = False

    def _write(self, path: Path, data: bytes) -> None:
        write_atomic(path, data, sync=self._sync_each_write)
        if not self._sync_each_write:
            self._unsynced = True

    def sweep(self) -> int:
        """Remove temp files that killed writers left behind; writers call this before they start."""
        return sum(remove_orphaned_temps(folder) for folder in (self.letters_dir, self.originals_dir))

    # Originals -------------------------------------------------------------------------------

    def original_path(self, sha256: str, media_type: str) -> Path:
        return self.originals_dir / sha256[:2] / f"{sha256}.{media_type}"

    def keep_original(self, document: Document) -> Path:
        """Store the document's bytes under their hash (once), and return where they are."""
        path = self.original_path(document.sha256, document.media_type)
        # The size check rewrites an original that a power cut left empty before its batch was synced.
        if not path.exists() or path.stat().st_size != len(document.content):
            self._write(path, document.content)
        return path

    def original_of(self, letter: Letter) -> tuple[Path, str] | None:
        """Where the letter's current file is kept and its media type; None when it is not kept here."""
        if not SHA256.fullmatch(letter.sha256 or ""):
            return None
        for media_type in dict.fromkeys(MEDIA_TYPES.values()):
            path = self.original_path(letter.sha256, media_type)
            if path.is_file():
                return path, media_type
        return None

    # Letters ---------------------------------------------------------------------------------

    def _record_path(self, letter_id: str) -> Path:
        if not is_letter_id(letter_id):
            raise ValueError(f"not a letter id: {letter_id!r}")
        return self.letters_dir / f"{letter_id}.json"

    def save(self, letter: Letter) -> None:
        """Write the letter's record atomically, then catalog it."""
        record = json.dumps(letter.to_record(), ensure_ascii=False, indent=1).encode("utf-8")
        self._write(self._record_path(letter.id), record)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._catalog:
            self._catalog.execute(
                "INSERT OR REPLACE INTO letters (id, sha256, source, updated) VALUES (?, ?, ?, ?)",
                (letter.id, letter.sha256, letter.source, now),
            )
            self._catalog.executemany(
                "INSERT OR REPLACE INTO versions (sha256, id) VALUES (?, ?)",
                [(version["sha256"], letter.id) for version in letter.versions],
            )
            self._catalog_visit(letter)

    def _catalog_visit(self, letter: Letter) -> None:
        self._catalog.execute(
            "INSERT OR REPLACE INTO visits (id, authority, visit_type, visit_start, visit_end) VALUES (?, ?, ?, ?, ?)",
            (letter.id, *(letter.get(name) for name in SAME_VISIT)),
        )

    def visits(self) -> dict[tuple[str, ...], list[tuple[str, str]]]:
        """Each visit (SAME_VISIT's values) that letters name with at least its authority, type and first day
        → its letters as (id, source), in id order; from the catalog, without reading a record.

        Catalogued letters without a visit yet (a catalog made before it kept visits) are read once for it.
        """
        with closing(self._catalog.execute("SELECT id FROM letters WHERE id NOT IN (SELECT id FROM visits)")) as rows:
            missing = [row[0] for row in rows]
        with self._catalog:
            for letter_id in missing:
                letter = self.get(letter_id)
                if letter is not None:
                    self._catalog_visit(letter)
        by_visit: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        with closing(self._catalog.execute(
            "SELECT v.authority, v.visit_type, v.visit_start, v.visit_end, v.id, l.source"
            " FROM visits v JOIN letters l ON l.id = v.id"
            " WHERE v.authority <> '' AND v.visit_type <> '' AND v.visit_start <> ''"  # (NULL <> '' is not true)
            " ORDER BY v.id"
        )) as rows:
            for *visit, letter_id, source in rows:
                by_visit.setdefault(tuple(visit), []).append((letter_id, source))
        return by_visit

    def get(self, letter_id: str) -> Letter | None:
        """The letter with this id, or None when there is none (or the id could not be one).

        A damaged record (edited by hand, or hit by a disk fault) also gives None, and a sentence in
        `self.damaged` for the command to report.
        """
        if not is_letter_id(letter_id):
            return None
        path = self._record_path(letter_id)
        try:
            return Letter.from_record(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            row = self._catalog.execute("SELECT source FROM letters WHERE id = ?", (letter_id,)).fetchone()
            source = f"; importing {row[0]} again restores it" if row else ""
            self.damaged.append(f"{path} is damaged ({error}){source}")
            return None

    def delete(self, letter_id: str) -> bool:
        """Remove a letter's record, and its original files that no other letter uses; False if it had none."""
        path = self._record_path(letter_id)
        existed = path.exists()
        rows = self._catalog.execute("SELECT sha256 FROM versions WHERE id = ?", (letter_id,)).fetchall()
        hashes = {row[0] for row in rows}
        letter = self.get(letter_id) if existed else None
        if letter is not None:
            hashes |= {version["sha256"] for version in letter.versions}
        # The record goes first: a crash after it leaves an unused original, never a letter without one.
        path.unlink(missing_ok=True)
        with self._catalog:
            self._catalog.execute("DELETE FROM letters WHERE id = ?", (letter_id,))
            self._catalog.execute("DELETE FROM versions WHERE id = ?", (letter_id,))
            self._catalog.execute("DELETE FROM visits WHERE id = ?", (letter_id,))
        for sha256 in hashes:
            if self.id_for_content(sha256) is None:
                for original in self.original_path(sha256, "*").parent.glob(f"{sha256}.*"):
                    original.unlink(missing_ok=True)
        return existed

    def __contains__(self, letter_id: str) -> bool:
        return is_letter_id(letter_id) and self._record_path(letter_id).exists()

    def __len__(self) -> int:
        return sum(1 for _ in self.letters_dir.glob("*.json"))

    def ids(self) -> list[str]:
        return sorted(path.stem for path in self.letters_dir.glob("*.json"))

    def __iter__(self) -> Iterator[Letter]:
        for letter_id in self.ids():
            letter = self.get(letter_id)
            if letter is not None:
                yield letter

    def current_versions(self) -> dict[str, str]:
        """Each letter's id → the hash of its current file: what an index compares to find changes."""
        with closing(self._catalog.execute("SELECT id, sha256 FROM letters")) as rows:
            catalogued = dict(rows.fetchall())
        versions = {}
        for letter_id in self.ids():
            # A writer killed between the record and the catalog leaves a record the catalog lacks.
            sha256 = catalogued.get(letter_id)
            if sha256 is None and (letter := self.get(letter_id)) is not None:
                sha256 = letter.sha256
            if sha256 is not None:
                versions[letter_id] = sha256
        return versions

    def id_for_source(self, source: str) -> str | None:
        row = self._catalog.execute("SELECT id FROM letters WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def id_for_content(self, sha256: str) -> str | None:
        row = self._catalog.execute("SELECT id FROM versions WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None
