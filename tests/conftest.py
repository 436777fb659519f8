"""Fixtures shared by the tests: where ../shared is, and a fresh data directory per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-requests", type=int, default=600, dest="fuzz_requests",
                     help="How many seeded random requests tests/test_fuzz.py sends (default 600).")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses ../shared (the shared_dir fixture, directly or through another fixture) is a corpus
    test: `-m "not corpus"` runs everything else, with no ../shared at all."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)


def shared_path() -> Path:
    return Path(os.environ.get("LETTERS_SHARED", PROJECT_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project: the real corpus. Missing, the test fails saying so."""
    path = shared_path()
    if not (path / "corpus" / "manifest.csv").is_file():
        pytest.fail(f"the real corpus is missing: expected {path}/corpus/manifest.csv (set LETTERS_SHARED)")
    return path


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _extract_one(path: Path) -> tuple[str, str | None, str | None]:
    from corpus.documents import Document
    from corpus.extract import ExtractionError, extract_text

    try:
        return str(path), extract_text(Document(path.read_bytes(), str(path))), None
    except ExtractionError as error:
        return str(path), None, str(error)


@pytest.fixture(scope="session")
def manifest(corpus_dir: Path) -> list[dict[str, str]]:
    """The rows of ../shared/corpus/manifest.csv, each with `file`: the absolute path."""
    import csv

    with open(corpus_dir / "manifest.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["file"] = str(corpus_dir / row["path"])
    return rows


@pytest.fixture(scope="session")
def corpus_texts(manifest: list[dict[str, str]]) -> dict[str, str | None]:
    """Every corpus file's path → its extracted text (None where extraction failed), done once per run."""
    from concurrent.futures import ProcessPoolExecutor

    paths = [Path(row["file"]) for row in manifest]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return {path: text for path, text, _ in pool.map(_extract_one, paths, chunksize=8)}


def indexed_store(folder: Path, letters: list) -> Path:
    """`folder` as a data directory holding `letters` (corpus.letters.Letter), indexed: a test's small world."""
    from corpus.store import LetterStore
    from indexer.build import reindex

    with LetterStore(folder) as store:
        for letter in letters:
            store.save(letter)
    reindex(folder, workers=1)
    return folder
