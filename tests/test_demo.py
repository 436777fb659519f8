"""`make demo`: any port and data folder, and a taken port said at once, before sampling and indexing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_demo(*arguments: str, **options) -> subprocess.Popen:
    return subprocess.Popen(["make", "--no-print-directory", "-C", str(PROJECT_ROOT), "demo", *arguments],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def test_a_taken_port_is_said_before_anything_is_written(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo = make_demo(f"PORT={port}", f"DEMO_DIR={demo_dir}")
        output, errors = demo.communicate(timeout=120)
    assert demo.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in errors and "Traceback" not in errors
    assert not demo_dir.exists() and "fictional letters" not in output


def test_the_demo_serves_its_folder_on_the_port_given(tmp_path: Path) -> None:
    demo_dir, port = tmp_path / "demo", free_port()
    demo = make_demo(f"PORT={port}", f"DEMO_DIR={demo_dir}", "DEMO_COUNT=15", start_new_session=True)
    try:
        lines = []
        while not (lines and lines[-1].startswith("Serving")):
            line = demo.stdout.readline()
            assert line, "make demo ended early:\n" + "".join(lines) + demo.stderr.read()
            lines.append(line)
        assert f"http://127.0.0.1:{port}/" in lines[-1] and str(demo_dir) in lines[-1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
            assert json.load(answer)["letters"] == 15
    finally:
        os.killpg(demo.pid, signal.SIGTERM)  # make and the server it started, nothing else
        demo.wait(timeout=30)
