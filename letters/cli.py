"""The `letters` group: every command of corpus/, indexer/ and webapp/ under one name.

Nothing below imports this module; it is the top of the layers.
"""

from __future__ import annotations

import click

from corpus import cli as corpus_cli
from corpus.cli import data_dir_option
from indexer import cli as indexer_cli
from webapp import cli as webapp_cli


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@data_dir_option(envvar="LETTERS_DATA_DIR")
def main() -> None:
    """Search England's Ofsted inspection letters: crawl, import, index, search, serve."""


for command in (*corpus_cli.COMMANDS, *indexer_cli.COMMANDS, *webapp_cli.COMMANDS):
    main.add_command(command)
corpus_cli.STORE_CHANGE_NOTES.append(indexer_cli.index_state_note)
