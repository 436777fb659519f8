"""The `letters` command: a thin click layer over the corpus and indexer Python APIs.

Each command parses its options, calls the API, and prints; no work is done here that a script could not do.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
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
    """Every failure of a run, one line each, after its summary; each reason names its file."""
    for failure in failures:
        reason = failure.reason if failure.source in failure.reason else f"{failure.source}: {failure.reason}"
        click.echo(f"  failed: {reason}", err=True)


def print_damaged(damaged: list[str] | tuple[str, ...]) -> None:
    """Letter records the command had to leave out because they could not be read."""
    for sentence in dict.fromkeys(damaged):
        click.echo(f"  left out: {sentence}", err=True)


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


def _web_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not a web address (http://… or https://…)")
    return value.rstrip("/")


@main.command("crawl")
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
    store = open_store(ctx)
    writer(store, output, with_text=with_text)
    print_damaged(store.damaged)


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
        click.echo(f"{shown}  " + click.style(f"(from the {found.origin})", dim=True))
        for origin, value in letter.disagreements.get(name, {}).items():
            click.echo(click.style(f"{'':>16}the {origin} says {value}", fg="yellow"))
    click.echo()
    click.echo(letter.text)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the site to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the search site over the index in --data-dir, with waitress.

    \b
    Example:
        letters serve --port 8000    # then open http://127.0.0.1:8000/
    """
    import socket

    import waitress

    from webapp import create_app

    try:
        listener = socket.create_server((host, port))
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from error
    click.echo(f"Serving the letters in {ctx.obj} at http://{host}:{port}/ (Ctrl-C stops)")
    waitress.serve(create_app(ctx.obj), sockets=[listener], threads=threads, ident="letters",
                   _quiet=True)


@main.command("reindex")
@click.option("--full", is_flag=True, help="Build a fresh index beside the live one, then swap it in.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for indexing [all cores].")
@click.option("--wait", is_flag=True, help="If another reindex is running, wait for it instead of stopping.")
@click.pass_context
def reindex_command(ctx: click.Context, full: bool, workers: int | None, wait: bool) -> None:
    """Bring the search index up to date with the letters in the store.

    Adds new letters, replaces changed ones and removes deleted ones; --full rebuilds everything while
    searches keep being answered from the old index.

    \b
    Examples:
        letters reindex
        letters reindex --full --workers 2
    """
    from tqdm import tqdm

    from indexer.build import ReindexBusy, reindex

    def progress(items, total):
        return tqdm(items, total=total, unit="letter", desc="Indexing", disable=None, file=sys.stderr)

    try:
        summary = reindex(ctx.obj, full=full, workers=workers, wait=wait, progress=progress)
    except ReindexBusy as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.sentence())
    print_damaged(summary.damaged)


@main.command("stats")
@click.pass_context
def stats_command(ctx: click.Context) -> None:
    """Print letters per visit type and per year, the index's size and when and how fast it was built."""
    from indexer import IndexMissing, LetterIndex

    try:
        with LetterIndex.open(ctx.obj) as index:
            stats = index.stats()
    except IndexMissing as error:
        raise click.ClickException(str(error)) from error
    click.secho(f"{stats['letters']:,} letters in the index", bold=True)
    click.secho("By visit type", bold=True)
    for value, count in stats["visit_types"]:
        click.echo(f"  {count:>7,}  {value}")
    click.secho("By year (of the visit, else of publication)", bold=True)
    for value, count in stats["years"]:
        click.echo(f"  {count:>7,}  {value}")
    build = stats["build"]
    click.echo(f"Index size: {stats['size_bytes'] / 1_000_000:,.1f} MB in {stats['segments']} segment(s)")
    if build:
        seconds = build.get("build_seconds") or 0
        rate = build.get("words", 0) / seconds if seconds else 0
        click.echo(
            f"Built {build.get('built')} in {seconds:,.1f} s "
            f"({build.get('documents', 0):,} letters, {rate:,.0f} words/s, {build.get('workers')} workers)"
        )
        if build.get("updated"):
            click.echo(f"Last updated {build['updated']} in {build.get('update_seconds', 0):,.1f} s")


def _print_results(results) -> None:
    import html
    import re

    shown_to = min(results.total, (results.page - 1) * results.per_page + len(results.hits))
    click.secho(
        f"{results.total:,} letters; page {results.page} of {results.pages} "
        f"({shown_to:,} shown so far), {results.took_ms:.0f} ms",
        bold=True,
    )
    click.echo(results.interpreted)
    if results.suggestion:
        click.secho(f"Did you mean: {results.suggestion}", fg="yellow")
    for number, hit in enumerate(results.hits, start=(results.page - 1) * results.per_page + 1):
        when = hit.visit_start or hit.published
        details = " · ".join(str(part) for part in (hit.authority, hit.visit_type, when) if part)
        click.echo()
        click.secho(f"{number}. {hit.title or hit.id}", bold=True, nl=False)
        click.echo(f"  [{hit.id}]")
        if details:
            click.echo(f"   {details}")
        pieces = re.split(r"(<mark>.*?</mark>)", hit.snippet)
        line = "".join(
            click.style(html.unescape(piece[6:-7]), fg="red", bold=True)
            if piece.startswith("<mark>")
            else html.unescape(piece)
            for piece in pieces
        )
        click.echo(f"   {line}")
        if hit.url:
            click.echo(f"   {hit.url}")
    for name, values in results.facets.items():
        if values:
            shown = ", ".join(f"{value} ({count:,})" for value, count in values[:8])
            more = f", … {len(values) - 8} more" if len(values) > 8 else ""
            click.echo()
            click.secho(f"{name.replace('_', ' ')}: ", bold=True, nl=False)
            click.echo(shown + more)


@main.command("search")
@click.argument("query", nargs=-1)
@click.option("--authority", multiple=True, help="Only this authority (repeatable: any of them).")
@click.option("--type", "visit_type", multiple=True, help="Only this visit type, e.g. \"Focused visit\".")
@click.option("--inspector", multiple=True, help="Only letters by this inspector.")
@click.option("--region", multiple=True, help="Only this region.")
@click.option("--year", type=int, multiple=True, help="Only visits in this year.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Visits on or after this day (letters without visit dates: publication).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Visits on or before this day.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]),
              help="[relevance with a query, newest without]")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page of results.")
@click.option("--per-page", type=click.IntRange(1, 100), default=10, show_default=True, help="Letters per page.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as the web API does, in JSON.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    authority: tuple[str, ...],
    visit_type: tuple[str, ...],
    inspector: tuple[str, ...],
    region: tuple[str, ...],
    year: tuple[int, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    sort: str | None,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Search the letters: words (all must match), "phrases", OR, NOT or -word, (brackets), prefix*,
    and authority: inspector: type: year: region: fields.

    \b
    Examples:
        letters search permanence "care leavers"
        letters search 'front door' --authority Leeds --from 2019-01-01 --sort newest
        letters search 'type:focused inspector:smith' --json
    """
    from indexer import IndexMissing, LetterIndex

    try:
        with LetterIndex.open(ctx.obj) as index:
            results = index.search(
                " ".join(query),
                authority=authority,
                visit_type=visit_type,
                inspector=inspector,
                region=region,
                year=year,
                date_from=date_from.date() if date_from else None,
                date_to=date_to.date() if date_to else None,
                sort=sort,
                page=page,
                per_page=per_page,
            )
    except IndexMissing as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_results(results)


@main.command("sample")
@click.option("--count", type=click.IntRange(min=0), required=True, metavar="N", help="How many letters to write.")
@click.option("--kind", type=click.Choice(["all", "letters"]), default="all", show_default=True,
              help="all: every visit type, full reports included; letters: letters only, no reports.")
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed gives other letters.")
@click.pass_context
def sample_command(ctx: click.Context, count: int, kind: str, seed: int) -> None:
    """Write N fictional letters into the store, for demos and benchmarks.

    Each says in its text and title that it is fictional; authorities are real, people invented. The same
    --count, --kind and --seed always give the same letters (ids sample-000001…), so a second run changes nothing.

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
