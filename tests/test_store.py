"""The letter store keeps records and originals safely, and never lets an id become a path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.atomic import write_atomic
from corpus.documents import Document
from corpus.letters import Found, Letter
from corpus.store import LetterStore, default_data_dir, is_letter_id


def make_letter(letter_id: str = "50001234", text: str = "Dear Ann Example") -> Letter:
    return Letter(
        id=letter_id,
        text=text,
        source="/tmp/letter.pdf",
        sha256="ab" * 32,
        metadata={"authority": Found("Leeds", "text"), "inspectors": Found(["Ann Example"], "site")},
        versions=[{"sha256": "ab" * 32, "source": "/tmp/letter.pdf", "imported": "2026-01-01T00:00:00+00:00"}],
    )


def test_a_saved_letter_reads_back_whole(data_dir: Path) -> None:
    with LetterStore(data_dir) as store:
        store.save(make_letter())
        letter = store.get("50001234")
    assert letter == make_letter()
    assert letter.get("inspectors") == ["Ann Example"]
    assert letter.metadata["inspectors"].origin == "site"
    assert letter.get("visit_start") is None


def test_the_catalog_finds_letters_by_source_and_content(data_dir: Path) -> None:
    with LetterStore(data_dir) as store:
        store.save(make_letter())
        assert store.id_for_source("/tmp/letter.pdf") == "50001234"
        assert store.id_for_content("ab" * 32) == "50001234"
        assert store.current_versions() == {"50001234": "ab" * 32}
        assert store.delete("50001234")
        assert store.get("50001234") is None
        assert store.id_for_content("ab" * 32) is None
        assert len(store) == 0


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "a/b", ".hidden", "", "x" * 65, "id with space", "..", "a.json"])
def test_ids_that_could_be_paths_are_refused(data_dir: Path, bad_id: str) -> None:
    assert not is_letter_id(bad_id)
    with LetterStore(data_dir) as store:
        assert store.get(bad_id) is None
        assert bad_id not in store
        with pytest.raises(ValueError, match="not a letter id"):
            store.save(make_letter(bad_id))


def test_originals_are_kept_once_by_content(data_dir: Path) -> None:
    document = Document(b"%PDF-1.4 pretend", "/somewhere/visit.pdf")
    with LetterStore(data_dir) as store:
        first = store.keep_original(document)
        second = store.keep_original(Document(b"%PDF-1.4 pretend", "/elsewhere/copy.pdf"))
    assert first == second
    assert first.read_bytes() == b"%PDF-1.4 pretend"
    assert first.name == f"{document.sha256}.pdf"


def test_atomic_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "record.json"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [path.name for path in target.parent.iterdir()] == ["record.json"]


def test_the_data_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LETTERS_DATA_DIR", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"
    monkeypatch.delenv("LETTERS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "letters"


def test_temp_files_of_a_killed_writer_are_swept_before_the_next_write(data_dir: Path) -> None:
    # A writer killed mid-write leaves its temp file behind; a live writer's temp file must survive.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    letters_dir = data_dir / "letters"
    letters_dir.mkdir(parents=True)
    orphan = letters_dir / f".50001234.json.{dead.stdout.strip()}.k1a2b3.tmp"
    in_progress = letters_dir / f".50001235.json.{os.getpid()}.z9y8x7.tmp"
    orphan.write_bytes(b'{"id": "half')
    in_progress.write_bytes(b'{"id": "still')

    with LetterStore(data_dir) as store:
        assert store.sweep() == 1
        assert len(store) == 0
    assert not orphan.exists()
    assert in_progress.exists()


def test_a_damaged_record_is_reported_not_fatal(data_dir: Path) -> None:
    with LetterStore(data_dir) as store:
        store.save(make_letter("50000001"))
        store.save(make_letter("50000002"))
    (data_dir / "letters" / "50000001.json").write_text('{"id": "50000001", "text": "cut sh')

    with LetterStore(data_dir) as store:
        assert [letter.id for letter in store] == ["50000002"]
        assert store.get("50000001") is None
    assert "50000001.json is damaged" in store.damaged[0]
    assert "importing /tmp/letter.pdf again restores it" in store.damaged[0]
