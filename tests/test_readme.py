"""The README's Python examples run as written, against a sample index where the README says it lives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from letters.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
LETTER = """12 March 2020

Sam Example
Director of Children's Services
Leeds City Council

Dear Sam

Focused visit to Leeds children's services

Inspectors looked at the local authority's arrangements for care leavers.

Yours sincerely

Ada Fictional
Her Majesty's Inspector
"""


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def test_the_readme_python_examples_run_as_written(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    # The query example opens ~/.local/share/letters; the corpus example imports ../shared/corpus.
    index_dir = home / ".local" / "share" / "letters"
    for command in (["sample", "--count", "40"], ["reindex"]):
        result = CliRunner().invoke(main, ["--data-dir", str(index_dir), *command], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    project.mkdir()
    (tmp_path / "shared" / "corpus").mkdir(parents=True)
    (tmp_path / "shared" / "corpus" / "leeds.txt").write_text(LETTER, encoding="utf-8")

    blocks = python_blocks()
    assert len(blocks) >= 2 and "LetterIndex.open" in blocks[0] and "import_paths" in blocks[1]
    # The crawling examples after them talk to Ofsted's site: they are only checked to be valid Python.
    for block in blocks[2:]:
        compile(block, "README.md", "exec")
    blocks = blocks[:2]
    environment = {**os.environ, "HOME": str(home),
                   "PYTHONPATH": os.pathsep.join([str(README.parent), os.environ.get("PYTHONPATH", "")])}
    for block in blocks:
        run = subprocess.run([sys.executable, "-c", block], cwd=project, env=environment, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, f"{block}\n{run.stderr}"
    # The corpus example printed the letter it imported, with the fields it found.
    assert run.stdout.endswith(" Leeds None None\n") and "imported" in run.stdout, run.stdout
