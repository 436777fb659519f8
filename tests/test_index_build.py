"""`letters reindex`: incremental updates, full rebuilds swapped in under running searches, one run at a time."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.letters import Found, Letter
from corpus.store import LetterStore
from indexer import LetterIndex
from indexer.build import reindex
from indexer.generations import current_generation
from indexer.vocabulary import VOCABULARY_FILE, read_counts
from letters.cli import main

LETTERS = Path(sys.executable).with_name("letters")
WORDS = ["court", "risk", "plan", "review", "audit", "drift", "school", "health", "housing", "police", "nurse"]


def make_letter(number: int, version: int = 1, extra: str = "") -> Letter:
    words = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(60))
    return Letter(
        id=f"letter-{number:03d}",
        text=f"Letter number {number}. {words} {extra}",
        source=f"test:{number}",
        sha256=f"{number:03d}-v{version}",
        metadata={
            "authority": Found("Leeds" if number % 2 else "Kent", "generated"),
            "visit_type": Found("Focused visit", "generated"),
            "published": Found(f"20{10 + number % 15}-03-01", "generated"),
        },
    )


def fill(data_dir: Path, count: int) -> None:
    with LetterStore(data_dir) as store:
        for number in range(count):
            store.save(make_letter(number))


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


def test_reindex_adds_updates_and_deletes_only_what_changed(data_dir: Path) -> None:
    fill(data_dir, 12)
    code, output = run(data_dir, "reindex")
    assert code == 0, output
    assert "12 added, 0 updated, 0 deleted" in output and "letters/s" in output and "words/s" in output

    with LetterStore(data_dir) as store:
        store.save(make_letter(50))
        store.save(make_letter(3, version=2, extra="zeppelin"))
        store.delete("letter-007")
    code, output = run(data_dir, "reindex")
    assert code == 0, output
    assert "1 added, 1 updated, 1 deleted; 12 letters in the index" in output

    with LetterIndex.open(data_dir) as index:
        assert [hit.id for hit in index.search("zeppelin").hits] == ["letter-003"]
        everything = index.search("", per_page=100)
        assert {hit.id for hit in everything.hits} == {f"letter-{n:03d}" for n in [*range(12), 50]} - {"letter-007"}
        assert everything.total == 12

    code, output = run(data_dir, "reindex")
    assert "0 added, 0 updated, 0 deleted" in output


def test_prefixes_follow_letters_added_changed_and_deleted_by_an_update(data_dir: Path) -> None:
    fill(data_dir, 6)
    with LetterStore(data_dir) as store:
        store.save(make_letter(5, extra="xylophone"))
    reindex(data_dir, workers=1)
    with LetterIndex.open(data_dir) as index:  # open throughout: it must see each update
        assert [hit.id for hit in index.search("xylo*").hits] == ["letter-005"]
        with LetterStore(data_dir) as store:
            store.delete("letter-005")  # the only letter with "xylophone"
            store.save(make_letter(3, version=2, extra="zeppelin"))
            store.save(make_letter(50, extra="xylograph"))
        assert reindex(data_dir, workers=1).mode == "incremental"
        assert [hit.id for hit in index.search("xylo*").hits] == ["letter-050"]
        gone = index.search("xylophon*")
        assert gone.total == 0 and "No word in the letters starts with “xylophon”" in gone.interpreted
        assert [hit.id for hit in index.search("zepp*").hits] == ["letter-003"]
    updated = read_counts(current_generation(data_dir))[0]
    reindex(data_dir, full=True, workers=1)
    assert read_counts(current_generation(data_dir))[0] == updated  # as if built afresh
    assert updated["zeppelin"] == 1 and updated["xylophone"] == 0 and updated["court"] == 6


def test_an_index_whose_vocabulary_is_lost_is_rebuilt(data_dir: Path) -> None:
    fill(data_dir, 3)
    reindex(data_dir, workers=1)
    (current_generation(data_dir) / VOCABULARY_FILE).unlink()
    with LetterStore(data_dir) as store:
        store.save(make_letter(4, extra="zeppelin"))
    assert reindex(data_dir, workers=1).mode == "full"
    with LetterIndex.open(data_dir) as index:
        assert [hit.id for hit in index.search("zeppel*").hits] == ["letter-004"]


@pytest.mark.parametrize("moved", [(b"indexer.schema", b"indexer.schemx"), (b"LetterText", b"LetterTxet")],
                         ids=["module gone", "class gone"])
def test_an_index_whose_schema_names_code_that_moved_says_rebuild_and_reindex_rebuilds_it(
    data_dir: Path, moved: tuple[bytes, bytes]
) -> None:
    """The schema is pickled into the index: a class moved since the build must not make a traceback or a 500."""
    from webapp import create_app

    fill(data_dir, 3)
    reindex(data_dir, workers=1)
    # The table of contents names the schema's classes by module and name, as the build's code had them.
    (toc,) = current_generation(data_dir).glob("*.toc")
    pickled = toc.read_bytes()
    assert moved[0] in pickled
    toc.write_bytes(pickled.replace(moved[0], moved[1]))

    for command in (["search", "court"], ["stats"]):
        code, output = run(data_dir, *command)
        assert code == 1 and "needs a rebuild" in output and "letters reindex" in output, output
    client = create_app(data_dir, {"TESTING": True}).test_client()
    page = client.get("/?q=court")
    assert page.status_code == 503 and "letters reindex" in page.get_data(as_text=True)
    assert client.get("/api/search?q=court").status_code == 503

    code, output = run(data_dir, "reindex")
    assert code == 0 and output.startswith("Rebuilt the index: 3 added"), output
    with LetterIndex.open(data_dir) as index:
        assert index.search("court").total == 3
    assert client.get("/api/search?q=court").get_json()["total"] == 3


def test_reindex_from_python_leaves_the_callers_garbage_collector_as_it_was_even_when_it_fails(
    data_dir: Path,
) -> None:
    fill(data_dir, 5)
    before = gc.get_threshold()
    assert reindex(data_dir, workers=2).indexed == 5
    assert gc.get_threshold() == before

    def stopped(ids, total):
        yield ids[0]
        raise KeyboardInterrupt

    fill(data_dir, 8)
    with pytest.raises(KeyboardInterrupt):
        reindex(data_dir, progress=stopped)
    assert gc.get_threshold() == before
    with LetterIndex.open(data_dir) as index:
        assert index.search("").total == 5  # the stopped run added nothing


def test_a_full_rebuild_swaps_in_a_new_generation_and_clears_old_ones(data_dir: Path) -> None:
    fill(data_dir, 5)
    generations = []
    for _ in range(3):
        summary = reindex(data_dir, full=True, workers=1)
        assert summary.mode == "full" and summary.added == 5
        generations.append((data_dir / "index" / "CURRENT").read_text())
    assert len(set(generations)) == 3
    kept = sorted(path.name for path in (data_dir / "index").glob("gen-*"))
    assert kept == sorted(generations[1:])  # the live one and the one it replaced


def test_searches_are_answered_throughout_a_full_reindex_in_another_process(data_dir: Path) -> None:
    fill(data_dir, 150)
    reindex(data_dir, workers=1)
    stop = data_dir / "stop-searching"
    searcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import json, pathlib, sys
                from indexer import LetterIndex
                stop = pathlib.Path({str(stop)!r})
                answers, failures, generations = 0, [], set()
                with LetterIndex.open({str(data_dir)!r}) as index:
                    while not stop.exists():
                        try:
                            results = index.search("court OR risk", per_page=5)
                            if results.total != 150 or len(results.hits) != 5:
                                failures.append(f"total {{results.total}}, {{len(results.hits)}} hits")
                            answers += 1
                            generations.add(index.generation)
                        except Exception as error:
                            failures.append(repr(error))
                print(json.dumps({{"answers": answers, "failures": failures[:5], "generations": len(generations)}}))
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)
        for _ in range(2):
            rebuilt = subprocess.run([str(LETTERS), "--data-dir", str(data_dir), "reindex", "--full"],
                                     capture_output=True, text=True)
            assert rebuilt.returncode == 0, rebuilt.stderr
        time.sleep(1.0)
    finally:
        stop.touch()
        output, _ = searcher.communicate(timeout=120)
    report = json.loads(output)
    assert report["failures"] == []
    assert report["answers"] > 0
    assert report["generations"] == 3  # it followed both swaps


LOCK_HOLDER = """
import sys
from indexer.build import reindex_lock
with reindex_lock(sys.argv[1]):
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_a_second_reindex_stops_with_a_clear_sentence_or_waits(data_dir: Path) -> None:
    fill(data_dir, 3)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(data_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = subprocess.run([str(LETTERS), "--data-dir", str(data_dir), "reindex"],
                                capture_output=True, text=True)
        assert second.returncode == 1
        assert "Another reindex of" in second.stderr and "is running" in second.stderr
        assert "Traceback" not in second.stderr + second.stdout

        waiting = subprocess.Popen([str(LETTERS), "--data-dir", str(data_dir), "reindex", "--wait"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the lock
        holder.stdin.close()
        output, errors = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, errors
        assert "3 added" in output
    finally:
        holder.kill()
        holder.wait()


def test_stats_and_search_without_an_index_say_what_to_do(data_dir: Path) -> None:
    fill(data_dir, 2)
    for command in (["stats"], ["search", "court"]):
        code, output = run(data_dir, *command)
        assert code == 1
        assert "run `letters reindex` first" in output


def test_stats_prints_letters_per_type_and_year_and_the_build(data_dir: Path) -> None:
    fill(data_dir, 6)
    run(data_dir, "reindex")
    code, output = run(data_dir, "stats")
    assert code == 0, output
    assert "6 letters in the index" in output
    assert "6  Focused visit" in output and "1  2012" in output
    assert "Index size:" in output and "words/s" in output


def test_search_command_prints_hits_facets_and_the_same_json_as_the_api(data_dir: Path) -> None:
    fill(data_dir, 6)
    run(data_dir, "reindex")
    code, output = run(data_dir, "search", "number", "5", "--authority", "Leeds")
    assert code == 0, output
    assert output.startswith("1 letter,") and "letter-005" in output and "Authority: Leeds (1)" in output
    assert "Letters with “number” and “5”" in output
    code, output = run(data_dir, "search", "court", "--json", "--per-page", "2", "--sort", "oldest")
    assert code == 0
    printed = json.loads(output)
    with LetterIndex.open(data_dir) as index:
        expected = index.search("court", per_page=2, sort="oldest").to_dict()
    printed.pop("took_ms"), expected.pop("took_ms")
    assert printed == expected
    code, output = run(data_dir, "search", "leevers")
    assert output.startswith("No letters")


def test_an_empty_store_gives_an_empty_index_that_answers(data_dir: Path) -> None:
    for command in (["reindex"], ["reindex"], ["reindex", "--full"]):
        code, output = run(data_dir, *command)
        assert code == 0, output
        assert "0 letters in the index" in output
    code, output = run(data_dir, "search", "anything")
    assert code == 0 and output.startswith("No letters")
    code, output = run(data_dir, "search", "anything", "--page", "3")
    assert code == 1 and "There is no page 3: this search has 1 page." in output
    code, output = run(data_dir, "stats")
    assert code == 0 and "0 letters in the index" in output
