"""The scheduled update: a crawl of Ofsted's site, then an incremental reindex, one run at a time.

Each run appends one line to update.log in the data directory; its exit status says how it went.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from corpus.crawler import CrawlOptions, CrawlReport, crawl
from corpus.crawlstate import CrawlLocked
from corpus.locks import held_lock
from corpus.store import LetterStore
from indexer.build import ReindexBusy, ReindexSummary, reindex

LOG_FILE = "update.log"
LOCK_FILE = "update.lock"

# Exit statuses, for cron and systemd.
ALL_WELL = 0  # crawled and indexed; nothing failed
SOME_FAILED = 1  # crawled and indexed, but some pages or documents failed (the next run tries them again)
COULD_NOT_RUN = 2  # the site could not be crawled at all, or the store or index was busy with another command
BUSY = 75  # another update is running (EX_TEMPFAIL: try again later)
INTERRUPTED = 130  # stopped with Ctrl-C


class UpdateBusy(Exception):
    """Another update holds the data directory's update lock."""


@dataclass
class UpdateReport:
    """What one update did: its crawl and reindex (None when it did not get that far), and why not."""

    started: datetime
    seconds: float = 0.0
    crawl: CrawlReport | None = None
    reindex: ReindexSummary | None = None
    problem: str | None = None  # why it could not run
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        if self.crawl is not None and self.crawl.interrupted:
            return INTERRUPTED
        if self.problem or self.reindex is None or self.crawl is None or self.crawl.read_nothing:
            return COULD_NOT_RUN
        return SOME_FAILED if self.crawl.failed else ALL_WELL

    def log_line(self) -> str:
        """One line for update.log: when, how long, documents new/updated/failed, letters indexed, status."""
        crawled = self.crawl
        documents = (
            f"documents {crawled.new} new, {crawled.outcomes['updated']} updated, {len(crawled.failures)} failed"
            if crawled
            else "documents not crawled"
        )
        indexed = f"{self.reindex.indexed} letters indexed" if self.reindex else "not indexed"
        notes = [self.problem] if self.problem else []
        if crawled and crawled.page_failures:
            notes.append(f"{len(crawled.page_failures)} pages failed")
        if crawled and crawled.skipped:
            notes.append(f"{len(crawled.skipped)} files skipped as failing (letters crawl --retry-failed)")
        if crawled and crawled.stopped:
            notes.append(f"stopped early: {crawled.stopped}")
        notes += self.notes
        return (
            f"{self.started.isoformat(timespec='seconds')} update took {self.seconds:.1f} s: {documents}; "
            f"{indexed}; exit {self.status}" + "".join(f"; {note}" for note in notes)
        )


def append_log(data_dir: Path, line: str) -> None:
    """Add one line to update.log; a single write in append mode, so concurrent runs never interleave."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOG_FILE, "a", encoding="utf-8") as log:
        log.write(line.replace("\n", " ") + "\n")


@contextmanager
def update_lock(data_dir: Path) -> Iterator[str | None]:
    """Hold the update lock, or raise UpdateBusy at once; yields the note of a run that was killed, if any.

    The lock file holds the running update's process and start time, and is emptied when it ends: a note
    found on taking the lock is a run that never ended. The system releases the lock of a killed process.
    """
    def busy(holder: str) -> UpdateBusy:
        return UpdateBusy(f"another update of {data_dir} is running ({holder})")

    with held_lock(data_dir / LOCK_FILE, busy) as unfinished:
        yield unfinished


def update(
    data_dir: Path | str,
    options: CrawlOptions,
    *,
    delay: float = 1.0,
    timeout: float = 30.0,
    workers: int | None = None,
    notify: Callable[[str], None] | None = None,
) -> UpdateReport:
    """Crawl into the store in `data_dir`, then bring its index up to date, and log the run in update.log.

    Raises UpdateBusy (after logging the refusal) when another update is running.
    """
    data_dir = Path(data_dir)
    report = UpdateReport(started=datetime.now(UTC))
    began = time.monotonic()
    try:
        with update_lock(data_dir) as unfinished:
            if unfinished:
                report.notes.append(f"the update before ({unfinished}) did not finish")
            _crawl_then_reindex(data_dir, options, report, delay, timeout, workers, notify)
    except UpdateBusy as error:
        append_log(data_dir, f"{report.started.isoformat(timespec='seconds')} update refused: {error}; exit {BUSY}")
        raise
    report.seconds = time.monotonic() - began
    append_log(data_dir, report.log_line())
    return report


def _crawl_then_reindex(
    data_dir: Path,
    options: CrawlOptions,
    report: UpdateReport,
    delay: float,
    timeout: float,
    workers: int | None,
    notify: Callable[[str], None] | None,
) -> None:
    try:
        with LetterStore(data_dir) as store:
            report.crawl = crawl(store, options, delay=delay, timeout=timeout, notify=notify)
    except CrawlLocked as error:
        report.problem = str(error)
        return
    if report.crawl.interrupted:
        return
    try:
        report.reindex = reindex(data_dir, workers=workers, wait=True)
    except ReindexBusy as error:
        report.problem = str(error)
