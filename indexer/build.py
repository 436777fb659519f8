"""The reindex job: bring the index in line with the letter store, incrementally or by a full rebuild.

One reindex runs at a time per data directory (a lock file); searchers are never left without an index.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from whoosh import index as whoosh_index
from whoosh.index import LockError

from corpus.locks import held_lock
from corpus.store import LetterStore
from indexer import generations
from indexer.analysis import common_terms, printed_words
from indexer.codec import LetterCodec
from indexer.schema import SCHEMA, document_for, letter_schema
from indexer.vocabulary import read_counts, write_vocabulary

LOCK_FILE = "reindex.lock"
# Letters read to find the frequent words that are indexed in pairs.
COMMON_SAMPLE = 250
# Incremental updates of more letters than this use worker processes.
SMALL_BATCH = 500
# Words per worker between two commits of a full build (about 0.5 GB of postings in memory).
CHUNK_WORDS = 2_500_000
# New objects between two garbage collections while letters are added (Python's default: 700). A build holds
# millions of postings in memory and each collection of the oldest objects walked them again: 2.2 s of an 18 s
# build of the corpus (measured), against 0.4 s at this setting, with the same peak memory.
BUILD_GC_THRESHOLD = 50_000

Progress = Callable[[Iterable[Any], int], Iterable[Any]]


class ReindexBusy(Exception):
    """Another reindex holds the data directory's lock."""


@dataclass
class ReindexSummary:
    mode: str  # "full" or "incremental"
    added: int
    updated: int
    deleted: int
    documents: int  # letters in the index afterwards
    words: int  # words in the letters (re)indexed by this run
    seconds: float
    workers: int
    damaged: tuple[str, ...] = ()  # letter records that could not be read, so were left out

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def sentence(self) -> str:
        rate = self.indexed / self.seconds if self.seconds else 0.0
        words_rate = self.words / self.seconds if self.seconds else 0.0
        what = "Rebuilt the index" if self.mode == "full" else "Updated the index"
        return (
            f"{what}: {self.added:,} added, {self.updated:,} updated, {self.deleted:,} deleted; "
            f"{self.documents:,} letters in the index. {self.indexed:,} letters in {self.seconds:.1f} s "
            f"({rate:,.0f} letters/s, {words_rate:,.0f} words/s, {self.workers} worker"
            f"{'s' if self.workers != 1 else ''})."
        )


def _no_progress(items: Iterable[Any], total: int) -> Iterable[Any]:
    return items


@contextmanager
def _collecting_less_often() -> Iterator[None]:
    """Garbage collection at BUILD_GC_THRESHOLD while the block (or the decorated function) runs, worker processes
    forked in it included; then as the caller had it."""
    thresholds = gc.get_threshold()
    gc.set_threshold(BUILD_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def reindex_lock(data_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the reindex lock; raise ReindexBusy at once when another process has it (unless `wait`)."""
    def busy(holder: str) -> ReindexBusy:
        return ReindexBusy(f"Another reindex of {data_dir} is running ({holder}); "
                           "wait for it to finish, or run this again with --wait.")

    with held_lock(generations.index_root(data_dir) / LOCK_FILE, busy, wait):
        yield


def _writer(ix: Any, workers: int) -> Any:
    # compound=False: a compound file is copied into memory by every process that opens it.
    # multisegment: each worker's segment is kept as it is; merging them would be serial again.
    options = {"limitmb": 1024, "compound": False, "codec": LetterCodec()}
    if workers > 1:
        return ix.writer(procs=workers, multisegment=True, batchsize=50, **options)
    return ix.writer(**options)


def _indexed_versions(ix: Any) -> dict[str, str]:
    """id → sha256 of every live document in the index, read from its columns."""
    versions: dict[str, str] = {}
    with ix.reader() as reader:
        for segment, _offset in reader.leaf_readers():
            if not segment.doc_count_all():  # an empty index has one reader, with no columns
                continue
            ids = segment.column_reader("id")
            hashes = segment.column_reader("sha256")
            for docnum in segment.all_doc_ids():
                versions[ids[docnum]] = hashes[docnum].decode("ascii")
    return versions


def letters_to_index(data_dir: Path | str) -> int | None:
    """How many of the store's letters the index lacks or holds in another version; None when no index exists.
    UnreadableIndex when the index must be rebuilt."""
    live = generations.current_generation(data_dir)
    if live is None:
        return None
    with LetterStore(data_dir) as store:
        current = store.current_versions()
    indexed = _indexed_versions(generations.open_index(live))
    return sum(1 for letter_id, sha256 in current.items() if indexed.get(letter_id) != sha256)


def _common_terms(store: LetterStore, ids: list[str]) -> frozenset[str]:
    """The frequent terms of the store, measured on an even sample of its letters."""
    step = max(1, len(ids) // COMMON_SAMPLE)
    texts = (letter.text or "" for letter in map(store.get, ids[::step]) if letter is not None)
    return common_terms(texts)


def reindex(
    data_dir: Path | str,
    full: bool = False,
    workers: int | None = None,
    wait: bool = False,
    progress: Progress = _no_progress,
    log: TextIO | None = None,
) -> ReindexSummary:
    """Update the index in `data_dir` from its letter store and say what was done.

    Incremental unless `full` (or there is no index yet, or it was built by another schema version):
    letters added, changed (another file) or removed since the last run are added, replaced, deleted.
    Raises ReindexBusy when another reindex is running and `wait` is false.
    """
    data_dir = Path(data_dir)
    workers = max(1, workers or os.cpu_count() or 1)
    try:
        with reindex_lock(data_dir, wait=wait), LetterStore(data_dir) as store:
            live = generations.current_generation(data_dir)
            info = generations.read_build_info(live) if live else {}
            if full or live is None or info.get("schema") != SCHEMA:
                summary = _full(data_dir, store, workers, progress)
            else:
                try:
                    ix = generations.open_index(live)
                except generations.UnreadableIndex:
                    ix = None  # its schema names a class that has moved: only a rebuild reads it again
                saved = read_counts(live)
                # A vocabulary that missed a commit (a run stopped between the two) is mended by a rebuild.
                if ix is None or saved is None or saved[1] != ix.latest_generation():
                    summary = _full(data_dir, store, workers, progress)
                else:
                    summary = _incremental(data_dir, live, ix, info, saved[0], store, workers, progress)
            return replace(summary, damaged=tuple(dict.fromkeys(store.damaged)))
    except LockError:
        raise ReindexBusy(
            f"The index in {data_dir} is being written by another process; try again when it is done."
        ) from None


@_collecting_less_often()
def _add_letters(
    ix: Any,
    store: LetterStore,
    ids: list[str],
    workers: int,
    progress: Progress,
    vocabulary: Counter[str],
    delete: Sequence[str] = (),
    merge: bool = False,
) -> tuple[int, int]:
    """Delete the `delete` ids, then add the letters with `ids`; (letters added, their words).

    `vocabulary` (letters per printed word) gains the words of the letters added. With `merge`, the last
    commit merges small segments (an update); a full build keeps its segments.
    """
    # Postings are held in memory until a commit; a commit every CHUNK_WORDS words per worker keeps that
    # bounded (and Whoosh from sorting on disk), at the price of a few more segments.
    chunk = CHUNK_WORDS * workers
    writer = None
    words = count = words_in_writer = 0
    try:
        if delete:
            writer = _writer(ix, workers)
            for letter_id in delete:
                writer.delete_by_term("id", letter_id)
        for letter_id in progress(ids, len(ids)):
            letter = store.get(letter_id)
            if letter is None:  # removed while we ran
                continue
            if writer is None:
                writer = _writer(ix, workers)
            writer.add_document(**document_for(letter))
            tokens = (letter.text or "").split()
            vocabulary.update(printed_words(tokens))
            letter_words = len(tokens)
            words += letter_words
            words_in_writer += letter_words
            count += 1
            if words_in_writer >= chunk:
                writer.commit(merge=False)
                writer, words_in_writer = None, 0
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    if writer is not None:
        writer.commit(merge=merge)
    return count, words


def _full(data_dir: Path, store: LetterStore, workers: int, progress: Progress) -> ReindexSummary:
    started = time.perf_counter()
    generation = generations.new_generation(data_dir)
    try:
        ids = store.ids()
        ix = whoosh_index.create_in(str(generation), letter_schema(_common_terms(store, ids)))
        vocabulary: Counter[str] = Counter()
        count, words = _add_letters(ix, store, ids, workers, progress, vocabulary)
        write_vocabulary(generation, vocabulary, ix.latest_generation())
        seconds = time.perf_counter() - started
        generations.write_build_info(
            generation,
            {
                "schema": SCHEMA,
                "built": datetime.now(UTC).isoformat(timespec="seconds"),
                "build_seconds": round(seconds, 3),
                "documents": count,
                "words": words,
                "workers": workers,
            },
        )
        generations.publish(data_dir, generation)
    except BaseException:
        generations.discard(generation)
        raise
    return ReindexSummary("full", count, 0, 0, count, words, seconds, workers)


def _incremental(
    data_dir: Path,
    live: Path,
    ix: Any,
    info: dict[str, Any],
    vocabulary: Counter[str],
    store: LetterStore,
    workers: int,
    progress: Progress,
) -> ReindexSummary:
    started = time.perf_counter()
    indexed = _indexed_versions(ix)
    current = store.current_versions()
    added = [letter_id for letter_id in current if letter_id not in indexed]
    updated = [i for i, sha in current.items() if i in indexed and indexed[i] != sha]
    deleted = [letter_id for letter_id in indexed if letter_id not in current]
    # Worker processes pay off only for a large batch.
    workers = workers if len(added) + len(updated) > SMALL_BATCH else 1
    words = 0
    if added or updated or deleted:
        # The words of the letters going out, from the text the index keeps of them.
        with ix.searcher() as searcher:
            texts = searcher.reader().column_reader("text") if deleted or updated else []
            for letter_id in deleted + updated:
                docnum = searcher.document_number(id=letter_id)
                if docnum is not None:
                    vocabulary.subtract(printed_words(texts[docnum].decode("utf-8").split()))
        _, words = _add_letters(
            ix, store, added + updated, workers, progress, vocabulary, deleted + updated, merge=True
        )
        write_vocabulary(live, vocabulary, ix.latest_generation())
    seconds = time.perf_counter() - started
    with ix.reader() as reader:
        documents = reader.doc_count()
    info.update(
        {
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "update_seconds": round(seconds, 3),
            "documents": documents,
        }
    )
    generations.write_build_info(live, info)
    return ReindexSummary("incremental", len(added), len(updated), len(deleted), documents, words, seconds, workers)
