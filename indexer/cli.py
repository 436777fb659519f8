"""The `letters` commands that build and query the index: reindex, stats, search.

Each parses its options, calls the indexer's Python API and prints.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from corpus.cli import data_dir, data_dir_option, print_damaged
from corpus.findings import JUDGEMENTS
from indexer import IndexMissing, LetterIndex
from indexer.directory import AUTHORITY_SORTS, authorities_csv, select_authorities


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





def _open_index(ctx: click.Context) -> LetterIndex:

    try:
        return ctx.with_resource(LetterIndex.open(data_dir(ctx)))
    except IndexMissing as error:
        raise click.ClickException(str(error)) from error


@click.command("authorities")
@data_dir_option()
@click.option("--region", help="Only authorities of this region.")
@click.option("--grade", help="Only authorities whose latest overall grade is this (or \"Not graded\").")
@click.option("--sort", type=click.Choice(list(AUTHORITY_SORTS)), default="name", show_default=True)
@click.option("--desc", is_flag=True, help="Sort from the highest value down.")
@click.option("--json", "as_json", is_flag=True, help="JSON, as /authorities.json gives it.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV, as /authorities.csv gives it.")
@click.pass_context
def authorities_command(ctx: click.Context, region: str | None, grade: str | None, sort: str, desc: bool,
                        as_json: bool, as_csv: bool) -> None:
    """The national picture: every authority's latest inspection grades and latest focused visit.

    \b
    Examples:
        letters authorities --region "North East"
        letters authorities --sort overall_effectiveness --csv > authorities.csv
    """
    index = _open_index(ctx)
    rows = select_authorities(index.authorities(), region=region, grade=grade, sort=sort, descending=desc)
    if region and not rows and not any(s.region.lower() == region.lower() for s in index.authorities()):
        regions = sorted({s.region for s in index.authorities()})
        raise click.ClickException(f"There is no region {region!r}: choose one of {', '.join(regions)}.")
    if as_json:
        click.echo(json.dumps({"authorities": [row.to_dict() for row in rows]}, ensure_ascii=False, indent=2))
        return
    if as_csv:
        click.echo(authorities_csv(rows), nl=False)
        return
    for row in rows:
        inspection = row.latest_inspection
        grade_text = f"{row.overall or 'not graded'}" + (f" ({inspection.date})" if inspection else "")
        click.echo(f"{row.name:<36} {row.region:<26} {grade_text:<34} {row.letters:>4} letters")
    click.echo(f"{len(rows)} {'authority' if len(rows) == 1 else 'authorities'}")


@click.command("authority")
@data_dir_option()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="JSON, as the authority's page shows it.")
@click.pass_context
def authority_command(ctx: click.Context, name: str, as_json: bool) -> None:
    """One authority (name in any usual form, ONS code or URN): judgement history and every letter.

    \b
    Example:
        letters authority "Stockton"
    """
    index = _open_index(ctx)
    detail = index.authority(name)
    if detail is None:
        close = index.directory().names_like(name, authorities=True)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise click.ClickException(f"No authority is called {name!r}.{hint}")
    if as_json:
        click.echo(json.dumps(detail.to_dict(), ensure_ascii=False, indent=2))
        return
    summary = detail.summary
    click.secho(f"{summary.name} ({summary.region}; {summary.ons_code}; URN {summary.urn})", bold=True)
    click.secho("Judgement history", bold=True)
    for brief in detail.history or []:
        grades = ", ".join(f"{JUDGEMENTS[key]}: {grade}" for key, grade in brief.judgements.items())
        click.echo(f"  {brief.date}  {brief.framework or ''}  {grades}")
    if not detail.history:
        click.echo("  no graded inspection in the index")
    click.secho(f"Letters ({summary.letters})", bold=True)
    for brief in detail.timeline:
        extra = "; ".join(filter(None, [", ".join(brief.focus_areas),
                                        "priority action" if brief.priority_action else ""]))
        click.echo(f"  {brief.date}  {brief.visit_type}  [{brief.id}]" + (f"  {extra}" if extra else ""))
    if detail.neighbours:
        click.secho("Statistical neighbours", bold=True)
        for row in detail.neighbours:
            click.echo(f"  {row.name:<36} {row.overall or 'not graded'}")


@click.command("inspectors")
@data_dir_option()
@click.option("--json", "as_json", is_flag=True, help="JSON: each inspector's names, letters, years and visit types.")
@click.pass_context
def inspectors_command(ctx: click.Context, as_json: bool) -> None:
    """Every inspector named in the letters, variants of one name as one, by surname."""
    people = _open_index(ctx).inspectors()
    if as_json:
        click.echo(json.dumps({"inspectors": [person.to_dict() for person in people]}, ensure_ascii=False, indent=2))
        return
    for person in people:
        years = f"{person.first_year}–{person.last_year}" if person.first_year else ""
        click.echo(f"{person.name:<32} {person.letters:>4} letters  {years}")


COMMANDS = (reindex_command, stats_command, search_command, authorities_command, authority_command,
            inspectors_command)
