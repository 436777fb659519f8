"""The `letters` commands that build and query the index: reindex, stats, search.

Each parses its options, calls the indexer's Python API and prints.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from corpus.cli import data_dir, data_dir_option, print_damaged
from corpus.letters import UNTITLED


@click.command("reindex")
@data_dir_option()
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
        summary = reindex(data_dir(ctx), full=full, workers=workers, wait=wait, progress=progress)
    except ReindexBusy as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.sentence())
    print_damaged(summary.damaged)


@click.command("stats")
@data_dir_option()
@click.pass_context
def stats_command(ctx: click.Context) -> None:
    """Print letters per visit type and per year, the index's size and when and how fast it was built."""
    from indexer import IndexMissing, LetterIndex

    try:
        with LetterIndex.open(data_dir(ctx)) as index:
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
        click.secho(f"{number}. {hit.title or UNTITLED}", bold=True, nl=False)
        click.echo(f"  [{hit.id}]")
        if details:
            click.echo(f"   {details}")
        click.echo(f"   {_coloured(hit.snippet_text, hit.snippet_spans)}")
        if hit.url:
            click.echo(f"   {hit.url}")
    for name, values in results.facets.items():
        if values:
            shown = ", ".join(f"{value} ({count:,})" for value, count in values[:8])
            more = f", … {len(values) - 8} more" if len(values) > 8 else ""
            click.echo()
            click.secho(f"{name.replace('_', ' ')}: ", bold=True, nl=False)
            click.echo(shown + more)


def _coloured(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with its spans in bold red (plain where the output is no terminal)."""
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], click.style(text[start:end], fg="red", bold=True)]
        at = end
    return "".join([*pieces, text[at:]])


@click.command("search")
@data_dir_option()
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
        with LetterIndex.open(data_dir(ctx)) as index:
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



COMMANDS = (reindex_command, stats_command, search_command)
