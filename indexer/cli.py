"""The `letters` command: a thin click layer over the corpus and indexer Python APIs.

Each command parses its options, calls the API, and prints; no work is done here that a script could not do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import click

from corpus.store import LetterStore, default_data_dir


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="$LETTERS_DATA_DIR or ~/.local/share/letters",
    envvar="LETTERS_DATA_DIR",
    help="Where the letters, their original files and the index live.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path) -> None:
    """Search England's Ofsted inspection letters: crawl, import, index, search, serve."""
    ctx.obj = data_dir


def open_store(ctx: click.Context) -> LetterStore:
    """The store in --data-dir, closed when the command ends."""
    return ctx.with_resource(LetterStore(ctx.obj))


def print_failures(failures: list) -> None:
    """Every failure of a run, one line each, after its summary."""
    for failure in failures:
        click.echo(f"  failed: {failure.source}\n          {failure.reason}", err=True)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for extraction [all cores].")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], workers: int | None) -> None:
    """Import letters from PDF, HTML and text files, or folders of them (recursively).

    \b
    Example:
        letters import ../shared/corpus
    """
    from tqdm import tqdm

    from corpus.importer import find_files, import_paths

    store = open_store(ctx)
    total = sum(1 for _ in find_files(paths))
    with tqdm(total=total, unit="file", desc="Importing", disable=None, file=sys.stderr) as bar:
        summary = import_paths(store, paths, workers=workers, on_outcome=lambda _: bar.update())
    counts = summary.counts
    click.echo(
        f"{summary.total} files: {counts['imported']} imported, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
    )
    print_failures(summary.failures)


@main.command("export")
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--with-text", is_flag=True, help="Include each letter's full text.")
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-", help="File to write [stdout]."
)
@click.pass_context
def export_command(ctx: click.Context, output_format: str, with_text: bool, output: TextIO) -> None:
    """Write every letter's metadata as JSON lines or CSV, one record per letter.

    \b
    Example:
        letters export --format csv -o letters.csv
    """
    from corpus.export import write_csv, write_jsonl

    writer = write_jsonl if output_format == "jsonl" else write_csv
    writer(open_store(ctx), output, with_text=with_text)


@main.command("show")
@click.argument("letter_id")
@click.option("--json", "as_json", is_flag=True, help="Print the letter's record as JSON.")
@click.pass_context
def show_command(ctx: click.Context, letter_id: str, as_json: bool) -> None:
    """Print one letter's metadata and text.

    \b
    Example:
        letters show 50172438
    """
    from corpus.export import letter_record

    letter = open_store(ctx).get(letter_id)
    if letter is None:
        raise click.ClickException(f"no letter has the id {letter_id!r}")
    if as_json:
        click.echo(json.dumps(letter_record(letter, with_text=True), ensure_ascii=False, indent=2))
        return
    for name, value in letter_record(letter, with_text=False).items():
        if value not in (None, "", [], {}):
            shown = "; ".join(value) if isinstance(value, list) else value
            click.secho(f"{name:>14}: ", bold=True, nl=False)
            click.echo(shown)
    click.echo()
    click.echo(letter.text)
