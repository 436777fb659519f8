"""The `letters` command: a thin click layer over the corpus and indexer Python APIs.

Each command parses its options, calls the API, and prints; no work is done here that a script could not do.
"""

from __future__ import annotations

from pathlib import Path

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
