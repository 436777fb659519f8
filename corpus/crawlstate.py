"""What the crawler remembers between runs, in the data directory: pages seen, documents fetched, failures.

Kept in SQLite (crawl.sqlite) and a lock file so that one crawl at a time writes to a data directory.
"""

from __future__ import annotations

import fcntl
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    content BLOB NOT NULL,
    fetched TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    file_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    letter_id TEXT NOT NULL,
    status TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    fetched TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_failed TEXT NOT NULL
);
"""

PARTIAL_SUFFIX = ".part"
# A file that failed in this many crawls in a row is skipped until a crawl is asked to retry failed files.
SKIP_AFTER_FAILURES = 3


class CrawlLocked(Exception):
    """Another crawl is already writing to this data directory."""


@dataclass(frozen=True)
class SeenPage:
    """A page as last fetched: its validators (ETag, Last-Modified) and its content, as the caller stored it."""

    etag: str | None
    last_modified: str | None
    content: bytes

    @property
    def validators(self) -> tuple[str | None, str | None]:
        return self.etag, self.last_modified


@dataclass(frozen=True)
class PastFailure:
    """A page or file that failed: why (the last time), and in how many crawls in a row."""

    reason: str
    crawls: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CrawlState:
    """crawl.sqlite, crawl.lock and the downloads/ folder of partial files in `data_dir`.

    Opening it takes the lock (released when closed, or by the system when the process dies) and removes
    partial downloads a killed crawl left behind.
    """

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.data_dir / "crawl.lock", "a+")  # noqa: SIM115 (held until close)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise CrawlLocked(f"another crawl is running in {self.data_dir}; wait for it to end") from None
        self.downloads_dir = self.data_dir / "downloads"
        self.downloads_dir.mkdir(exist_ok=True)
        for leftover in self.downloads_dir.glob(f"*{PARTIAL_SUFFIX}"):
            leftover.unlink()
        self._db = sqlite3.connect(self.data_dir / "crawl.sqlite", timeout=60)
        with self._db:
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()
        self._lock.close()

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def partial_path(self, file_id: str) -> Path:
        """Where a file is downloaded to before it is checked and stored; `file_id` must be a letter id."""
        return self.downloads_dir / f"{file_id}{PARTIAL_SUFFIX}"

    # Pages -------------------------------------------------------------------------------------

    def seen_page(self, url: str) -> SeenPage | None:
        row = self._db.execute(
            "SELECT etag, last_modified, content FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return SeenPage(*row) if row else None

    def record_page(self, url: str, etag: str | None, last_modified: str | None, content: bytes) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO pages (url, etag, last_modified, content, fetched) VALUES (?, ?, ?, ?, ?)",
                (url, etag, last_modified, content, _now()),
            )

    # Documents ---------------------------------------------------------------------------------

    def fetched(self, file_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM documents WHERE file_id = ?", (file_id,)).fetchone()
        return row is not None

    def record_fetched(self, file_id: str, url: str, letter_id: str, status: str, size: int) -> None:
        """Remember a document stored (call only once the store holds it); its failures are forgotten."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO documents (file_id, url, letter_id, status, bytes, fetched) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (file_id, url, letter_id, status, size, _now()),
            )
            self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    # Failures ----------------------------------------------------------------------------------

    def record_failure(self, url: str, reason: str) -> int:
        """Remember that a page or file failed, and return how many crawls it has now failed in."""
        with self._db:
            self._db.execute(
                "INSERT INTO failures (url, reason, attempts, last_failed) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (url) DO UPDATE SET reason = excluded.reason, "
                "attempts = attempts + 1, last_failed = excluded.last_failed",
                (url, reason, _now()),
            )
        return self._db.execute("SELECT attempts FROM failures WHERE url = ?", (url,)).fetchone()[0]

    def past_failure(self, url: str) -> PastFailure | None:
        row = self._db.execute("SELECT reason, attempts FROM failures WHERE url = ?", (url,)).fetchone()
        return PastFailure(*row) if row else None

    def forget_failure(self, url: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM failures WHERE url = ?", (url,))
