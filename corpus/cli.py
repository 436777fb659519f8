"""The `letters` commands that fill and read the store: import, crawl, export, show, sample.

Also the helpers every package's commands share: the --data-dir option, the store, failure lines.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from corpus.store import LetterStore, default_data_dir

DATA_DIR_HELP = "Where the letters, their original files and the index live."


def _set_data_dir(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    # Given after the subcommand, --data-dir overrides the group's (and $LETTERS_DATA_DIR).
    if value is not None:
        ctx.obj = value.expanduser()
    elif ctx.obj is None:
        ctx.obj = default_data_dir().expanduser()


def data_dir_option(*, envvar: str | None = None) -> Any:
    """--data-dir, accepted before the subcommand (the group's) and after it (each command's)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar=envvar,
        expose_value=False,
        is_eager=True,
        callback=_set_data_dir,
        show_default="$LETTERS_DATA_DIR or ~/.local/share/letters",
        help=DATA_DIR_HELP,
    )


def data_dir(ctx: click.Context) -> Path:
    """The data directory this command works in."""
    return ctx.obj


def open_store(ctx: click.Context) -> LetterStore:
    """The store in --data-dir, closed when the command ends."""
    return ctx.with_resource(LetterStore(data_dir(ctx)))


def print_failures(failures: list) -> None:
    """Every failure of a run, one line each, after its summary; each reason names its file."""
    for failure in failures:
        reason = failure.reason if failure.source in failure.reason else f"{failure.source}: {failure.reason}"
        click.echo(f"  failed: {reason}", err=True)


def print_damaged(damaged: list[str] | tuple[str, ...]) -> None:
    """Letter records the command had to leave out because they could not be read."""
    for sentence in dict.fromkeys(damaged):
        click.echo(f"  left out: {sentence}", err=True)


@click.command("import")
@data_dir_option()
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


def _web_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not a web address (http://… or https://…)")
    return value.rstrip("/")


@click.command("crawl")
@data_dir_option()
@click.option("--authority", "authorities", multiple=True, metavar="NAME|URN",
              help="Only this local authority: its name (any usual form) or Ofsted URN. Repeatable.")
@click.option("--type", "types", multiple=True, metavar="LABEL",
              help="Only files of this type: a visit type or words of the site's label. Repeatable.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only files published on or after this date.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Fetch at most N files.")
@click.option("--base-url", default="https://reports.ofsted.gov.uk", show_default=True, callback=_web_address,
              help="The reports site, or a mirror or test server serving the same pages.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to the same host.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a server before trying again.")
@click.option("--dry-run", is_flag=True, help="Read the pages and list the files that would be fetched; fetch none.")
@click.pass_context
def crawl_command(
    ctx: click.Context,
    authorities: tuple[str, ...],
    types: tuple[str, ...],
    since: datetime | None,
    limit: int | None,
    base_url: str,
    delay: float,
    timeout: float,
    dry_run: bool,
) -> None:
    """Fetch new letters from Ofsted's reports site into the store, politely.

    Obeys robots.txt, makes one request at a time with --delay between, and tries failures again with
    backoff. A second crawl fetches only new files; a stopped or killed crawl carries on where it ended.
    Exits with status 1 when anything failed.

    \b
    Examples:
        letters crawl --authority Dorset --authority 80426 --type "focused visit"
        letters crawl --since 2025-01-01 --dry-run
    """
    from corpus.crawler import CrawlError, CrawlOptions, crawl, resolve_authority
    from corpus.crawlstate import CrawlLocked

    try:
        options = CrawlOptions(
            base_url=base_url,
            authorities=tuple(resolve_authority(name) for name in authorities),
            types=types,
            since=since.date() if since else None,
            limit=limit,
            dry_run=dry_run,
        )
        report = crawl(
            open_store(ctx), options, delay=delay, timeout=timeout, notify=lambda line: click.echo(line, err=True)
        )
    except (CrawlError, CrawlLocked) as error:
        raise click.ClickException(str(error)) from error
    for line in report.lines():
        click.echo(line)
    if report.interrupted:
        ctx.exit(130)
    ctx.exit(1 if report.failed else 0)


@click.command("export")
@data_dir_option()
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
    store = open_store(ctx)
    writer(store, output, with_text=with_text)
    print_damaged(store.damaged)


@click.command("show")
@data_dir_option()
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

    store = open_store(ctx)
    letter = store.get(letter_id)
    if letter is None:
        raise click.ClickException(store.damaged[-1] if store.damaged else f"no letter has the id {letter_id!r}")
    if as_json:
        click.echo(json.dumps(letter_record(letter, with_text=True), ensure_ascii=False, indent=2))
        return
    click.secho(f"{'id':>14}: ", bold=True, nl=False)
    click.echo(f"{letter.id}\n{'source':>14}: {letter.source}")
    for name, found in letter.metadata.items():
        shown = "; ".join(found.value) if isinstance(found.value, list) else found.value
        click.secho(f"{name:>14}: ", bold=True, nl=False)
        where = "composed from the other fields" if found.origin == "composed" else f"from the {found.origin}"
        click.echo(f"{shown}  " + click.style(f"({where})", dim=True))
        for origin, value in letter.disagreements.get(name, {}).items():
            click.echo(click.style(f"{'':>16}the {origin} says {value}", fg="yellow"))
    click.echo()
    click.echo(letter.text)



@click.command("sample")
@data_dir_option()
@click.option("--count", type=click.IntRange(min=0), required=True, metavar="N", help="How many letters to write.")
@click.option("--kind", type=click.Choice(["all", "letters"]), default="all", show_default=True,
              help="all: every visit type, full reports included; letters: letters only, no reports.")
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed gives other letters.")
@click.pass_context
def sample_command(ctx: click.Context, count: int, kind: str, seed: int) -> None:
    """Write N fictional letters into the store, for demos and benchmarks.

    Each says in its text and title that it is fictional; authorities are real, people invented. The same
    --count, --kind and --seed always give the same letters, so a second run changes nothing. Ids carry the seed and
    kind (sample-000001… for seed 0 of kind all, sample-s7-000001… for seed 7), so another seed adds letters.

    \b
    Examples:
        letters sample --count 300
        letters sample --count 10000 --kind letters --seed 7
    """
    import time

    from tqdm import tqdm

    from corpus.sample import generate_letters, save_letters

    store = open_store(ctx)
    started = time.perf_counter()
    with tqdm(total=count, unit="letter", desc="Writing sample", disable=None, file=sys.stderr) as bar:
        counts = save_letters(store, generate_letters(count, seed=seed, kind=kind), on_letter=lambda _: bar.update())
    seconds = time.perf_counter() - started
    click.echo(
        f"{count} fictional letters (kind {kind}, seed {seed}): {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged in {seconds:.1f} s"
    )


COMMANDS = (import_command, crawl_command, export_command, show_command, sample_command)
