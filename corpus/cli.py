"""The `letters` commands that fill and read the store: import, crawl, export, show, sample.

Also the helpers every package's commands share: the --data-dir option, the store, failure lines.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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


def print_duplicates(sentences: list[str]) -> None:
    """Letters that are probably another file of a letter already stored."""
    if sentences:
        click.echo(f"Probable duplicates: {len(sentences)} (letters delete ID removes one)")
        for sentence in sentences:
            click.echo(f"  {sentence}", err=True)


# What a change to the store means for the layers above it (the search index): the group that assembles the
# commands (letters/cli.py) supplies it, since corpus/ must not import them. Each gives a sentence, or None.
STORE_CHANGE_NOTES: list[Callable[[Path], str | None]] = []


def print_index_state(ctx: click.Context) -> None:
    """What the layers above make of the store's new state: how many letters the index lacks, and so on."""
    for note in STORE_CHANGE_NOTES:
        sentence = note(data_dir(ctx))
        if sentence:
            click.echo(sentence)


@click.command("import")
@data_dir_option()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.csv",
              help="Ofsted's facts per file (path, url, urn, site_label, published, sha256 columns). "
                   "Without PATHS, the manifest's folder is imported.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for extraction [all cores].")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], manifest: Path | None, workers: int | None) -> None:
    """Import letters from PDF, HTML and text files, or folders of them (recursively).

    With --manifest, each file a row describes keeps its Ofsted URL, file id, label and publication date,
    as a crawl would give them, so a later crawl does not fetch it again. Exits with status 1 when any
    file failed.

    \b
    Examples:
        letters import ../shared/corpus
        letters import --manifest ../shared/corpus/manifest.csv ../shared/corpus
    """
    from tqdm import tqdm

    from corpus.importer import find_files, import_paths
    from corpus.manifest import Manifest, ManifestError

    if not paths:
        if manifest is None:
            raise click.UsageError("name the files or folders to import (or give --manifest)")
        paths = (manifest.parent,)
    try:
        rows = Manifest.read(manifest) if manifest else None
    except ManifestError as error:
        raise click.ClickException(str(error)) from error
    store = open_store(ctx)
    files = list(find_files(paths))
    with tqdm(total=len(files), unit="file", desc="Importing", disable=None, file=sys.stderr) as bar:
        summary = import_paths(store, files, workers=workers, on_outcome=lambda _: bar.update(), manifest=rows)
    counts = summary.counts
    click.echo(
        f"{summary.total} files: {counts['imported']} imported, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
    )
    print_failures(summary.failures)
    if rows is not None:
        missing = rows.missing()
        click.echo(
            f"Manifest: {rows.matched} of its {len(rows.rows)} rows matched a file; "
            f"{len(missing)} name a file that is missing"
        )
        for sentence in [*rows.problems, *missing]:
            click.echo(f"  {sentence}", err=True)
    print_duplicates(summary.duplicates)
    print_index_state(ctx)
    ctx.exit(1 if counts["failed"] else 0)


def _web_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not a web address (http://… or https://…)")
    return value.rstrip("/")


def site_options(command: Any) -> Any:
    """The options of every command that crawls: which site, how politely, and what to do with failing files."""
    from corpus.crawlstate import SKIP_AFTER_FAILURES

    options = (
        click.option("--base-url", callback=_web_address, metavar="URL",
                     help="A mirror or test server serving the same pages as Ofsted's reports site [that site]."),
        click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Seconds between two requests to the same host."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Seconds to wait for a server before trying again."),
        click.option("--skip-after", type=click.IntRange(min=1), default=SKIP_AFTER_FAILURES, show_default=True,
                     metavar="N", help="Skip a file that failed in N crawls in a row (until --retry-failed)."),
        click.option("--retry-failed", is_flag=True, help="Try again the files skipped for failing."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def print_crawl_report(report: Any) -> None:
    """A crawl's summary, then the letters it stored that are probably duplicates."""
    for line in report.lines():
        click.echo(line)
    print_duplicates(report.duplicates)


@click.command("crawl")
@data_dir_option()
@click.option("--authority", "authorities", multiple=True, metavar="NAME|URN",
              help="Only this local authority: its name (any usual form) or Ofsted URN. Repeatable.")
@click.option("--type", "types", multiple=True, metavar="LABEL",
              help="Only files of this type: a visit type or words of the site's label. Repeatable.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only files published on or after this date.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Fetch at most N files.")
@site_options
@click.option("--dry-run", is_flag=True, help="Read the pages and list the files that would be fetched; fetch none.")
@click.pass_context
def crawl_command(
    ctx: click.Context,
    authorities: tuple[str, ...],
    types: tuple[str, ...],
    since: datetime | None,
    limit: int | None,
    base_url: str | None,
    delay: float,
    timeout: float,
    skip_after: int,
    retry_failed: bool,
    dry_run: bool,
) -> None:
    """Fetch new letters from Ofsted's reports site into the store, politely.

    Obeys robots.txt, makes one request at a time with --delay between, and tries failures again with
    backoff. A second crawl fetches only new files; a stopped or killed crawl carries on where it ended.
    A file that failed in --skip-after crawls in a row is skipped with a note until --retry-failed.
    Exits with status 1 when anything failed.

    \b
    Examples:
        letters crawl --authority Dorset --authority 80426 --type "focused visit"
        letters crawl --since 2025-01-01 --dry-run
    """
    from corpus.crawler import CrawlError, CrawlOptions, crawl, resolve_authority
    from corpus.crawlstate import CrawlLocked
    from corpus.site import DEFAULT_BASE_URL

    try:
        options = CrawlOptions(
            base_url=base_url or DEFAULT_BASE_URL,
            authorities=tuple(resolve_authority(name) for name in authorities),
            types=types,
            since=since.date() if since else None,
            limit=limit,
            dry_run=dry_run,
            skip_after_failures=skip_after,
            retry_failed=retry_failed,
        )
        report = crawl(
            open_store(ctx), options, delay=delay, timeout=timeout, notify=lambda line: click.echo(line, err=True)
        )
    except (CrawlError, CrawlLocked) as error:
        raise click.ClickException(str(error)) from error
    print_crawl_report(report)
    print_index_state(ctx)
    if report.interrupted:
        ctx.exit(130)
    ctx.exit(1 if report.failed else 0)


@click.command("export")
@data_dir_option()
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--with-text", is_flag=True, help="Include each letter's full text.")
@click.option("--improvements", is_flag=True,
              help="One record per 'what needs to improve' item (letter id, authority, visit type, date, item).")
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-", help="File to write [stdout]."
)
@click.pass_context
def export_command(ctx: click.Context, output_format: str, with_text: bool, improvements: bool, output: TextIO) -> None:
    """Write every letter's metadata as JSON lines or CSV, one record per letter (or per improvement).

    In CSV each judgement has a column of its own and improvements are joined by " | ".

    \b
    Examples:
        letters export --format csv -o letters.csv
        letters export --improvements --format csv -o improvements.csv
    """
    from corpus import export

    if improvements and with_text:
        raise click.UsageError("--with-text goes with one record per letter, not with --improvements")
    store = open_store(ctx)
    if improvements:
        writer = export.write_improvements_jsonl if output_format == "jsonl" else export.write_improvements_csv
        writer(store, output)
    else:
        writer = export.write_jsonl if output_format == "jsonl" else export.write_csv
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
    click.secho(f"{'id':>15}: ", bold=True, nl=False)
    click.echo(f"{letter.id}\n{'source':>15}: {letter.source}")
    for name, found in letter.metadata.items():
        first, *more = _shown(name, found.value)
        click.secho(f"{name:>15}: ", bold=True, nl=False)
        where = "composed from the other fields" if found.origin == "composed" else f"from the {found.origin}"
        click.echo(f"{first}  " + click.style(f"({where})", dim=True))
        for line in more:
            click.echo(f"{'':>17}{line}")
        for origin, value in letter.disagreements.get(name, {}).items():
            click.echo(click.style(f"{'':>17}the {origin} says {value}", fg="yellow"))
    click.echo()
    click.echo(letter.text)


def _shown(name: str, value: Any) -> list[str]:
    """A field's value as lines a person reads: judgements one per line, improvements numbered."""
    from corpus.findings import judgement_rows

    if name == "judgements":
        rows = list(judgement_rows(value))
        if not rows:
            return ["none"]
        width = max(len(label) for label, _ in rows)
        return [f"{label + ':':<{width + 1}} {grade}" for label, grade in rows]
    if name == "sections":
        return [f"{len(value)} headings", *(f"{s['heading']}  [{s['start']}–{s['end']}]" for s in value)]
    if name == "improvements":
        return [f"{len(value)} items" if value else "none", *(f"{n}. {item}" for n, item in enumerate(value, 1))]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return ["; ".join(value)]
    return [str(value)]



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
