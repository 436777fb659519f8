"""`letters update` as cron or a systemd timer runs it: crawl a fake site on 127.0.0.1, then reindex.

Run twice, concurrently, killed mid-run, and against a site that cannot be read; each run logs one line.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakesite import FakeAuthority, FakeSite, Slow, Status, Truncated, fake_authorities

from corpus.store import LetterStore
from indexer import LetterIndex
from letters.cli import main

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 update took \d+\.\d s: "
    r"documents (\d+) new, (\d+) updated, (\d+) failed; (\d+) letters indexed; exit (\d+)"
)


@pytest.fixture
def small(manifest: list[dict[str, str]]) -> list[FakeAuthority]:
    return fake_authorities(manifest, 3, per_authority=1)


def letters_command() -> str:
    command = Path(sys.executable).with_name("letters")
    assert command.exists(), f"the letters command is missing beside {sys.executable}: pip install -e ."
    return str(command)


def update(site: FakeSite, data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "update", "--base-url", site.url, "--delay", "0"]
    )
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def log_lines(data_dir: Path) -> list[str]:
    return (data_dir / "update.log").read_text(encoding="utf-8").splitlines()


def indexed_ids(data_dir: Path) -> list[str]:
    with LetterIndex.open(data_dir) as index:
        results = index.search("", per_page=100)
        assert results.total <= 100
        return sorted(hit.id for hit in results.hits)


def test_update_crawls_indexes_and_logs_and_a_second_run_finds_nothing_new(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    file_ids = sorted(f.file_id for a in small for f in a.files)
    with FakeSite(small) as site:
        code, output = update(site, data_dir)
        assert code == 0, output
        assert "Documents: 3 listed; 3 new, 0 updated, 0 unchanged, 0 failed" in output
        assert "3 added, 0 updated, 0 deleted; 3 letters in the index" in output
        assert indexed_ids(data_dir) == file_ids

        code, output = update(site, data_dir)
        assert code == 0, output
        assert len(site.paths("/v1/file/")) == 3, "the second update downloaded files again"
    assert "Documents: 3 listed; 0 new, 0 updated, 3 unchanged, 0 failed" in output
    first, second = (LOG_LINE.match(line) for line in log_lines(data_dir))
    assert first and first.groups() == ("3", "0", "0", "3", "0")
    assert second and second.groups() == ("0", "0", "0", "0", "0")
    assert f"Logged in {data_dir / 'update.log'}: {log_lines(data_dir)[-1]}" in output


def test_failed_documents_exit_1_and_a_site_that_cannot_be_read_exits_2(
    small: list[FakeAuthority], tmp_path: Path
) -> None:
    with FakeSite(small) as site:
        site.always(site.files[0].url_path, Truncated())
        code, output = update(site, tmp_path / "a")
    assert code == 1, output
    assert LOG_LINE.match(log_lines(tmp_path / "a")[0]).groups() == ("2", "0", "1", "2", "1")

    with FakeSite(small, robots="") as site:
        site.always("/robots.txt", Status(403))
        code, output = update(site, tmp_path / "b")
        assert site.paths("/search") == []
    assert code == 2, output
    line = log_lines(tmp_path / "b")[0]
    assert LOG_LINE.match(line).groups() == ("0", "0", "0", "0", "2")
    assert "1 pages failed" in line
    assert "robots.txt answered HTTP 403" in output


def test_a_second_update_while_one_runs_refuses_at_once_with_its_own_status(
    small: list[FakeAuthority], data_dir: Path
) -> None:
    with FakeSite(small) as site:
        site.always(site.files[0].url_path, Slow(4.0))
        command = [letters_command(), "--data-dir", str(data_dir), "update", "--base-url", site.url, "--delay", "0"]
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while not site.paths(site.files[0].url_path):
            assert first.poll() is None, first.communicate()[0]
            assert time.monotonic() < deadline, "the first update never reached the slow file"
            time.sleep(0.02)

        started = time.monotonic()
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        refused_in = time.monotonic() - started
        assert first.poll() is None, "the first update ended before the second could meet it"
        first_output = first.communicate(timeout=120)[0]

    assert second.returncode == 75, second.stdout + second.stderr
    assert refused_in < 15, f"the second update took {refused_in:.1f} s to refuse"
    assert re.search(
        rf"Error: another update of {re.escape(str(data_dir))} is running \(process {first.pid}, started .+ UTC\); "
        r"this update does nothing \(exit status 75\)\.",
        second.stderr,
    ), second.stderr
    assert second.stdout == ""
    assert first.returncode == 0, first_output
    refusal, finished = log_lines(data_dir)
    assert refusal.endswith(f"update refused: another update of {data_dir} is running (process {first.pid}, "
                            f"started {refusal.split('started ')[1].split(' UTC')[0]} UTC); exit 75")
    assert LOG_LINE.match(finished).groups() == ("3", "0", "0", "3", "0")


def test_an_update_killed_mid_run_is_completed_by_the_next_with_nothing_lost_or_duplicated(
    manifest: list[dict[str, str]], data_dir: Path
) -> None:
    authorities = fake_authorities(manifest, 8)
    expected = sorted({f.file_id for a in authorities for f in a.files})
    with FakeSite(authorities, page_size=5) as site:
        command = [letters_command(), "--data-dir", str(data_dir), "update", "--base-url", site.url,
                   "--delay", "0.05", "--workers", "1"]
        # Killed once while crawling, then once while building the index.
        for killed_when in (lambda: len(site.paths("/v1/file/")) >= 4, lambda: (data_dir / "index").exists()):
            run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while not killed_when():
                assert run.poll() is None, "the update ended before it could be killed"
                assert time.monotonic() < deadline, "the update did not get there in two minutes"
                time.sleep(0.005)
            run.send_signal(signal.SIGKILL)
            run.wait()
        finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
        downloads = site.paths("/v1/file/")

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert len(downloads) <= len(expected) + 2, "more than the file in flight at each kill was fetched again"
    with LetterStore(data_dir) as store:
        assert store.ids() == expected
        assert all(len(letter.versions) == 1 for letter in store)
    assert indexed_ids(data_dir) == expected
    assert [path.name for path in (data_dir / "index").glob("gen-*")] == [
        (data_dir / "index" / "CURRENT").read_text()
    ], "a killed build left its generation behind"
    last = log_lines(data_dir)[-1]
    assert LOG_LINE.match(last).groups()[2:] == ("0", str(len(expected)), "0")
    assert re.search(r"; the update before \(process \d+, started .+ UTC\) did not finish$", last), last
