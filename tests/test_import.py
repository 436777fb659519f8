"""`letters import`, `export` and `show` on real PDFs: what a user sees in the summary and in the store."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.store import LetterStore
from letters.cli import main


@pytest.fixture
def letters_folder(tmp_path: Path, manifest: list[dict[str, str]]) -> Path:
    """A folder with two focused-visit letters and a full report, copied from the corpus at run time."""
    folder = tmp_path / "incoming"
    (folder / "nested").mkdir(parents=True)
    visits = [row for row in manifest if row["collection"] == "focused-visits"][:2]
    report = next(row for row in manifest if row["collection"] == "inspections" and row["published"] >= "2019")
    for number, row in enumerate([*visits, report]):
        target = folder / ("nested" if number == 2 else "") / f"letter-{number}.pdf"
        shutil.copyfile(row["file"], target)
    return folder


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


def test_import_reads_folders_recursively_and_a_second_run_changes_nothing(
    data_dir: Path, letters_folder: Path
) -> None:
    code, output = run(data_dir, "import", str(letters_folder))
    assert code == 0, output
    assert "3 files: 3 imported, 0 updated, 0 unchanged, 0 failed" in output
    with LetterStore(data_dir) as store:
        letters = list(store)
    assert len(letters) == 3
    assert all(letter.get("authority_code") and letter.get("visit_type") for letter in letters)

    code, output = run(data_dir, "import", str(letters_folder))
    assert "3 files: 0 imported, 0 updated, 3 unchanged, 0 failed" in output


def test_a_changed_file_becomes_a_new_version_of_its_letter(data_dir: Path, letters_folder: Path) -> None:
    run(data_dir, "import", str(letters_folder))
    changed = letters_folder / "letter-0.pdf"
    with LetterStore(data_dir) as store:
        letter_id = store.id_for_source(str(changed))
    shutil.copyfile(letters_folder / "letter-1.pdf", changed)
    changed.write_bytes(changed.read_bytes() + b"\n% amended\n")

    code, output = run(data_dir, "import", str(changed))
    assert code == 0
    assert "1 files: 0 imported, 1 updated" in output
    with LetterStore(data_dir) as store:
        letter = store.get(letter_id)
        assert len(store) == 3
    assert len(letter.versions) == 2
    assert letter.versions[0]["sha256"] != letter.versions[1]["sha256"] == letter.sha256


def test_bad_files_are_reported_by_name_and_the_rest_still_import(
    data_dir: Path, letters_folder: Path, manifest: list[dict[str, str]]
) -> None:
    (letters_folder / "cut-short.pdf").write_bytes(Path(manifest[0]["file"]).read_bytes()[:3000])
    (letters_folder / "error-page.pdf").write_text("<!DOCTYPE html><html><title>Server error</title></html>")
    (letters_folder / "notes.txt").write_text("Focused visit to Leeds children's services\n\nA fictional note.")
    (letters_folder / "empty.pdf").write_bytes(b"")
    (letters_folder / "blank.txt").write_text("  \n\n \t\n")
    (letters_folder / "blank.html").write_text("<!DOCTYPE html><html><body><p> </p><p>\u00a0</p></body></html>")

    code, output = run(data_dir, "import", str(letters_folder))
    assert code == 1, "an import with failures must say so in its exit status"
    assert "9 files: 4 imported, 0 updated, 0 unchanged, 5 failed" in output
    assert "cut-short.pdf" in output and "error-page.pdf" in output
    assert f"failed: {letters_folder}/empty.pdf is empty (0 bytes): there is no letter in it" in output
    assert f"failed: {letters_folder}/blank.html has no text" in output
    assert f"failed: {letters_folder}/blank.txt has no text: there is no letter in it" in output
    with LetterStore(data_dir) as store:
        assert len(store) == 4
        assert store.id_for_source(str(letters_folder / "blank.html")) is None


def test_export_writes_one_record_per_letter_with_every_field(data_dir: Path, letters_folder: Path) -> None:
    run(data_dir, "import", str(letters_folder))

    code, output = run(data_dir, "export", "--format", "jsonl")
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records) == 3
    for record in records:
        assert {"id", "source", "url", "authority_code", "visit_start", "inspectors", "origins"} <= set(record)
        assert "text" not in record
        assert Path(record["source"]).is_file()
        assert record["origins"]["authority_code"] == "text"

    code, output = run(data_dir, "export", "--format", "csv", "--with-text")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 3
    assert all(len(row["text"]) > 1000 for row in rows)
    assert {row["id"] for row in rows} == {record["id"] for record in records}


def test_show_prints_a_letter_and_refuses_unknown_ids(data_dir: Path, letters_folder: Path) -> None:
    run(data_dir, "import", str(letters_folder))
    with LetterStore(data_dir) as store:
        letter = next(iter(store))

    code, output = run(data_dir, "show", letter.id)
    assert code == 0
    assert letter.get("authority") in output
    assert letter.text[:200] in output

    code, output = run(data_dir, "show", letter.id, "--json")
    assert json.loads(output)["text"] == letter.text

    code, output = run(data_dir, "show", "../../etc/passwd")
    assert code == 1
    assert "no letter has the id" in output


@pytest.mark.corpus
def test_the_whole_corpus_imports_and_reimports_unchanged(data_dir: Path, corpus_dir: Path) -> None:
    code, output = run(data_dir, "import", str(corpus_dir))
    assert code == 0, output
    summary = next(line for line in output.splitlines() if " files: " in line)
    print(summary)
    files, counts = summary.split(" files: ")
    failed = int(counts.split(", ")[-1].split()[0])
    assert failed <= 4, output
    assert f"{int(files) - failed} imported" in counts
    assert output.count("failed: ") == failed

    code, output = run(data_dir, "import", str(corpus_dir))
    assert f"{files} files: 0 imported, 0 updated, {int(files) - failed} unchanged, {failed} failed" in output


def test_a_damaged_record_is_left_out_and_named_and_reimporting_restores_it(
    data_dir: Path, letters_folder: Path
) -> None:
    run(data_dir, "import", str(letters_folder))
    with LetterStore(data_dir) as store:
        damaged_id = store.ids()[0]
    (data_dir / "letters" / f"{damaged_id}.json").write_text("{ not json")

    code, output = run(data_dir, "export")
    assert code == 0
    assert len([line for line in output.splitlines() if line.startswith("{")]) == 2
    assert f"left out: {data_dir}/letters/{damaged_id}.json is damaged" in output

    code, output = run(data_dir, "show", damaged_id)
    assert code == 1
    assert "is damaged" in output

    code, output = run(data_dir, "reindex")
    assert code == 0
    assert "2 letters in the index" in output
    assert f"left out: {data_dir}/letters/{damaged_id}.json is damaged" in output

    code, output = run(data_dir, "import", str(letters_folder))
    assert "1 imported" in output
    with LetterStore(data_dir) as store:
        assert len(list(store)) == 3
        assert store.get(damaged_id) is not None
