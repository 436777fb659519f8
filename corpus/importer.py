"""Importing documents into the store: extraction in parallel, then one writer deciding what is new.

`ingest` takes one document (the crawler's path); `import_paths` takes files and folders (`letters import`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus.documents import MEDIA_TYPES, Document
from corpus.extract import ExtractionError, extract_text
from corpus.letters import FIELDS, Found, Letter
from corpus.manifest import Manifest
from corpus.metadata import compose_title, extract_metadata
from corpus.store import LetterStore, content_id, is_letter_id

STATUSES = ("imported", "updated", "unchanged", "failed")
_WORD = re.compile(r"\w")
# Files stored between two flushes to disk: one sync for many files costs less than one per file, and
# their outcomes are reported only once they are on disk.
SYNC_EVERY = 32


@dataclass(frozen=True)
class Outcome:
    """What importing one document did: its status, the letter it became, and why it failed."""

    source: str
    status: str
    letter_id: str | None = None
    reason: str = ""


@dataclass
class Reading:
    """A document's text and metadata, as extraction found them: what a worker process hands back."""

    text: str
    metadata: dict[str, Found]
    disagreements: dict[str, dict[str, Any]]


@dataclass
class ImportSummary:
    """The counts of a run, every failure with its file and reason, and the probable duplicates it made."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    failures: list[Outcome] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # ids of the letters imported or updated
    duplicates: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "failed":
            self.failures.append(outcome)
        elif outcome.status in ("imported", "updated") and outcome.letter_id:
            self.stored.append(outcome.letter_id)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def read_document(document: Document) -> Reading:
    """Extract text and metadata; the site's values win over the text's, and disagreements are kept.

    Raises ExtractionError for a file that is not what it claims to be, or that holds no text.
    """
    if not document.content:
        raise ExtractionError(f"{document.source} is empty (0 bytes): there is no letter in it")
    text = extract_text(document)
    if not _WORD.search(text):
        raise ExtractionError(f"{document.source} has no text: there is no letter in it")
    metadata = extract_metadata(text, document.filename)
    disagreements: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        site_value = document.site.get(name)
        if site_value in (None, "", []):
            continue
        found = metadata.get(name)
        if found is not None and found.value != site_value:
            disagreements[name] = {found.origin: found.value}
        metadata[name] = Found(site_value, "site")
    if "title" not in metadata:
        title = compose_title({name: found.value for name, found in metadata.items()})
        if title:
            metadata = {"title": Found(title, "composed"), **metadata}  # first, where a title line's would be
    return Reading(text, metadata, disagreements)


def _read_or_fail(document: Document) -> Reading | str:
    """read_document for a worker process: a failure comes back as its reason, never as a crash."""
    try:
        return read_document(document)
    except ExtractionError as error:
        return str(error)
    except Exception as error:  # one bad file must not stop a run of a thousand
        return f"{document.source}: unexpected {type(error).__name__} while reading it: {error}"


def _file_id(document: Document) -> str | None:
    file_id = str(document.site.get("file_id") or "")
    return file_id if is_letter_id(file_id) else None


def _unchanged(store: LetterStore, document: Document) -> Outcome | None:
    """The outcome for a document whose bytes are already its letter's current file; else None."""
    letter_id = _file_id(document) or store.id_for_content(document.sha256)
    letter = store.get(letter_id) if letter_id else None
    if letter is not None and letter.sha256 == document.sha256:
        store.keep_original(document)  # a copy a power cut left empty is written again
        return Outcome(document.source, "unchanged", letter.id)
    return None


def _store_reading(store: LetterStore, document: Document, reading: Reading | str) -> Outcome:
    """Save what was read as a new letter, or as a new version of the letter this source already is."""
    if isinstance(reading, str):
        return Outcome(document.source, "failed", reason=reading)
    # A file the site names is its own letter; an imported file continues the letter of its path or
    # its content. A site file whose bytes were imported earlier with no URL takes that letter over.
    earlier_id = store.id_for_source(document.source) or store.id_for_content(document.sha256)
    letter_id = _file_id(document) or earlier_id or content_id(document.sha256)
    previous = store.get(letter_id) or (store.get(earlier_id) if earlier_id else None)
    same_file = previous is not None and previous.sha256 == document.sha256
    if same_file and (previous.id == letter_id or previous.url is not None):
        return Outcome(document.source, "unchanged", previous.id)
    store.keep_original(document)
    version = {
        "sha256": document.sha256,
        "source": document.source,
        "imported": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    versions = [*(previous.versions if previous else []), *([] if same_file else [version])]
    letter = Letter(
        id=letter_id,
        text=reading.text,
        source=document.source,
        sha256=document.sha256,
        url=document.site.get("url") or (previous.url if previous else None),
        metadata=reading.metadata,
        disagreements=reading.disagreements,
        versions=versions,
    )
    store.save(letter)
    if previous is not None and previous.id != letter_id:
        store.delete(previous.id)
    return Outcome(document.source, "updated" if previous else "imported", letter_id)


def ingest(store: LetterStore, document: Document) -> Outcome:
    """Import one document: unchanged if its bytes are already a letter's, else read and stored."""
    return _unchanged(store, document) or _store_reading(store, document, _read_or_fail(document))


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every importable file (PDF, HTML, text) named or found below the given folders, in a stable order."""
    for path in map(Path.resolve, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden and found.suffix.lower() in MEDIA_TYPES:
                    yield found
        else:
            yield path


def _read_path(path: Path, site: dict[str, Any]) -> Reading | str:
    return _read_or_fail(Document(path.read_bytes(), str(path), site))


def import_paths(
    store: LetterStore,
    paths: Iterable[Path],
    workers: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    manifest: Manifest | None = None,
) -> ImportSummary:
    """Import files and folders (recursively): unchanged files are skipped, the rest read in parallel.

    With a `manifest`, each file it describes gets the site's facts from its row, as a crawl would give
    them. `on_outcome` is called once per file as it finishes (for a progress bar).
    """
    summary = ImportSummary()
    store.sweep()

    def record(outcome: Outcome) -> None:
        summary.add(outcome)
        if on_outcome:
            on_outcome(outcome)

    to_read: list[Document] = []
    for path in find_files(paths):
        try:
            document = Document(path.read_bytes(), str(path))
        except OSError as error:
            record(Outcome(str(path), "failed", reason=f"{path}: cannot be read: {error.strerror}"))
            continue
        if manifest is not None:
            document = Document(document.content, document.source, manifest.facts_for(path, document.sha256))
        unchanged = _unchanged(store, document)
        if unchanged:
            record(unchanged)
        else:
            to_read.append(document)

    workers = max(1, workers or os.cpu_count() or 1)
    with store.syncing_in_batches():
        if workers == 1 or len(to_read) < 2:
            _store_all(store, to_read, map(_read_or_fail, to_read), record)
        else:
            # Workers re-read each file from its path: cheaper than pickling the bytes to them.
            with ProcessPoolExecutor(max_workers=workers) as pool:
                readings = pool.map(
                    _read_path, [Path(d.source) for d in to_read], [d.site for d in to_read], chunksize=4
                )
                _store_all(store, to_read, readings, record)
    summary.duplicates = probable_duplicates(store, summary.stored)
    return summary


def _store_all(
    store: LetterStore,
    documents: list[Document],
    readings: Iterable[Reading | str],
    record: Callable[[Outcome], None],
) -> None:
    """Store each reading, reporting outcomes a batch at a time, after the batch is synced to disk."""
    synced: list[Outcome] = []
    for document, reading in zip(documents, readings, strict=True):
        synced.append(_store_reading(store, document, reading))
        if len(synced) >= SYNC_EVERY:
            store.sync()
            for outcome in synced:
                record(outcome)
            synced.clear()
    store.sync()
    for outcome in synced:
        record(outcome)


def probable_duplicates(store: LetterStore, letter_ids: Iterable[str]) -> list[str]:
    """A sentence for each of these letters that has the authority, visit type and visit dates of another
    letter (from another file): most likely one visit published, or saved, twice."""
    wanted = set(letter_ids)
    if not wanted:
        return []
    sentences = []
    for (authority, visit_type, start, end), letters in store.visits().items():
        for letter_id, source in letters:
            if letter_id not in wanted:
                continue
            for other_id, other_source in letters:
                if other_id != letter_id:
                    sentences.append(
                        f"{source} (letter {letter_id}) is probably a duplicate of {other_source} "
                        f"(letter {other_id}): the same authority, visit type and visit dates "
                        f"({authority}; {visit_type}; {start}{f' to {end}' if end and end != start else ''})"
                    )
    return sentences
