"""The `letters` commands that build and query the index: reindex, update, delete, stats, search.

Each parses its options, calls the indexer's Python API and prints.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from corpus.cli import (
    data_dir,
    data_dir_option,
    open_store,
    print_crawl_report,
    print_damaged,
    site_options,
)
from corpus.findings import JUDGEMENTS
from corpus.letters import UNTITLED
from indexer import Hit, IndexMissing, LetterIndex
from indexer.directory import AUTHORITY_SORTS, authorities_csv, select_authorities
from indexer.request import SORTS


def index_state_note(data_dir: Path) -> str:
    """How many letters the search index lacks, and the command that adds them (said after import and crawl)."""
    from indexer.build import letters_to_index
    from indexer.generations import UnreadableIndex

    try:
        waiting = letters_to_index(data_dir)
    except UnreadableIndex as error:
        return f"The search index needs a rebuild: {error}. letters reindex rebuilds it."
    if waiting is None:
        return "There is no search index yet: letters reindex builds it."
    if waiting == 1:
        return "1 letter is not in the search index yet: letters reindex adds it."
    if waiting:
        return f"{waiting} letters are not in the search index yet: letters reindex adds them."
    return "The search index is up to date."


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


@click.command("update")
@data_dir_option()
@site_options
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for indexing [all cores].")
@click.pass_context
def update_command(
    ctx: click.Context,
    base_url: str | None,
    delay: float,
    timeout: float,
    skip_after: int,
    retry_failed: bool,
    workers: int | None,
) -> None:
    """Crawl Ofsted's site for new letters, then add them to the index: one command for cron or a timer.

    One update runs at a time per data directory, and each run appends one line to update.log there.

    \b
    Exit status:
        0   all well
        1   some pages or documents failed (the next runs try them again)
        2   could not run: the site could not be read at all, or another command held the store or index
        75  another update is running: this one did nothing

    \b
    Example (crontab, every night at 04:17):
        17 4 * * *  /opt/letters/.venv/bin/letters --data-dir /srv/letters update >/dev/null
    """
    from corpus.crawler import CrawlOptions
    from corpus.site import DEFAULT_BASE_URL
    from indexer.update import BUSY, UpdateBusy, update

    options = CrawlOptions(
        base_url=base_url or DEFAULT_BASE_URL, skip_after_failures=skip_after, retry_failed=retry_failed
    )
    try:
        report = update(data_dir(ctx), options, delay=delay, timeout=timeout, workers=workers)
    except UpdateBusy as error:
        click.echo(f"Error: {error}; this update does nothing (exit status {BUSY}).", err=True)
        ctx.exit(BUSY)
    if report.crawl is not None:
        print_crawl_report(report.crawl)
    if report.reindex is not None:
        click.echo(report.reindex.sentence())
        print_damaged(report.reindex.damaged)
    if report.problem:
        click.echo(f"Error: {report.problem}", err=True)
    click.echo(f"Logged in {data_dir(ctx) / 'update.log'}: {report.log_line()}")
    ctx.exit(report.status)


@click.command("delete")
@data_dir_option()
@click.argument("letter_ids", nargs=-1, required=True, metavar="ID...")
@click.pass_context
def delete_command(ctx: click.Context, letter_ids: tuple[str, ...]) -> None:
    """Remove letters from the store and from the search index.

    Each letter's record goes, and its original file unless another letter uses it; the index is then
    brought up to date (as letters reindex does). A crawled letter is not fetched again by later crawls;
    importing its file again brings it back. Exits with status 1 when an id names no letter.

    \b
    Example:
        letters delete 50172438 011afbdfbf0460e3
    """
    from corpus.store import is_letter_id
    from indexer.build import ReindexBusy, reindex
    from indexer.generations import current_generation

    store = open_store(ctx)
    ids = list(dict.fromkeys(letter_ids))
    unknown = [letter_id for letter_id in ids if not (is_letter_id(letter_id) and store.delete(letter_id))]
    deleted = len(ids) - len(unknown)
    click.echo(f"Deleted {deleted} letter{'s' if deleted != 1 else ''}.")
    for letter_id in unknown:
        click.echo(f"  no letter has the id {letter_id!r}", err=True)
    if deleted and current_generation(data_dir(ctx)) is not None:
        try:
            click.echo(reindex(data_dir(ctx), wait=True).sentence())
        except ReindexBusy as error:
            raise click.ClickException(f"{error} Run letters reindex then to drop the deleted letters.") from error
    ctx.exit(1 if unknown else 0)


@click.command("stats")
@data_dir_option()
@click.pass_context
def stats_command(ctx: click.Context) -> None:
    """Print letters per visit type and per year, the index's size and when and how fast it was built."""
    stats = _open_index(ctx).stats()
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


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _print_results(results: Any) -> None:
    from indexer.facets import BY_NAME

    first = (results.page - 1) * results.per_page + 1
    if not results.total:
        click.secho(f"No letters, {results.took_ms:.0f} ms", bold=True)
    elif results.pages == 1:
        click.secho(f"{_plural(results.total, 'letter')}, {results.took_ms:.0f} ms", bold=True)
    else:
        click.secho(f"{_plural(results.total, 'letter')}, {first:,}–{first + len(results.hits) - 1:,} shown "
                    f"(page {results.page} of {results.pages}), {results.took_ms:.0f} ms", bold=True)
    click.echo(results.interpreted)
    if results.suggestion:
        click.secho(f"Did you mean: {results.suggestion}", fg="yellow")
    for number, hit in enumerate(results.hits, start=first):
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
        values = BY_NAME[name].listed(values)
        if values:
            shown = ", ".join(f"{value} ({count:,})" for value, count in values[:8])
            more = f", … {len(values) - 8} more" if len(values) > 8 else ""
            click.echo()
            click.secho(f"{BY_NAME[name].label}: ", bold=True, nl=False)
            click.echo(shown + more)


def facet_options(command: Any) -> Any:
    """One repeatable option per facet of the registry: --authority, --type, --inspector, …"""
    from indexer.facets import FACETS

    for facet in reversed(FACETS):
        command = click.option(f"--{facet.parameter.replace('_', '-')}", facet.parameter, multiple=True,
                               metavar="VALUE", help=f"{facet.help} Repeatable: any of them.")(command)
    return command


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
@facet_options
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="Visits on or after this day (letters without visit dates: publication).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Visits on or before this day.")
@click.option("--improvements", "in_improvements", is_flag=True,
              help="Look for the words only in what reports say must improve.")
@click.option("--sort", type=click.Choice(SORTS),
              help="[relevance with a query, newest without]")
@click.option("--page", default="1", metavar="N", show_default=True, help="Which page of results.")
@click.option("--per-page", metavar="N", help="Letters per page (1–100).  [default: 20, as on the web]")
@click.option("--all", "every", is_flag=True, help="Every matching letter, not one page (with --format csv or jsonl).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv", "jsonl"]), default="text",
              show_default=True, help="json: as the web API; csv and jsonl: one row per letter, as /search.csv.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    in_improvements: bool,
    sort: str | None,
    page: str,
    per_page: str | None,
    every: bool,
    output_format: str,
    as_json: bool,
    **filters: tuple[str, ...],
) -> None:
    """Search the letters: words (all must match), "phrases", OR, NOT or -word, (brackets), prefix*,
    fields (authority: inspector: type: year: region: overall: protection: focus: send: priority: …) and
    improve:(words) for the improvement points. Filter values match as people write them: "leeds",
    "Hull", --type focused, --inspector mcinerney.

    \b
    Examples:
        letters search permanence "care leavers"
        letters search 'front door' --authority Leeds --from 2019-01-01 --sort newest
        letters search 'type:focused protection:inadequate' --json
        letters search --overall inadequate --all --format csv > inadequate.csv
    """
    from indexer.request import InvalidRequest, parse_request

    output_format = "json" if as_json else output_format
    if every and output_format not in ("csv", "jsonl"):
        raise click.UsageError("--all writes every match as rows: add --format csv or --format jsonl.")
    args = {"q": " ".join(query), "from": date_from or "", "to": date_to or "", "sort": sort or "",
            "page": "1" if every else page, "per_page": per_page or "",
            "improvements": "1" if in_improvements else "", **filters}
    index = _open_index(ctx)
    try:
        request = parse_request(args, index.known_values)
        if every:
            _write_rows(index.every_hit(request.query, **request.selection_kwargs()), output_format)
            return
        results = index.search(request.query, **request.search_kwargs())
        request.check_page(results.total)
        if output_format in ("csv", "jsonl"):
            _write_rows(results.hits, output_format)
            return
    except InvalidRequest as error:
        raise click.ClickException("\n".join(problem.message for problem in error.problems)) from error
    if output_format == "json":
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_results(results)


def _write_rows(hits: Iterable[Hit], output_format: str) -> None:
    """The hits as CSV (the columns of /search.csv) or as JSON lines, to standard output."""
    import csv

    from indexer.rows import CSV_FIELDS, csv_row, record

    writer = csv.writer(sys.stdout)
    if output_format == "csv":
        writer.writerow(CSV_FIELDS)
    for hit in hits:
        if output_format == "csv":
            writer.writerow(csv_row(hit))
        else:
            sys.stdout.write(json.dumps(record(hit), ensure_ascii=False) + "\n")


@click.command("values")
@data_dir_option()
@click.argument("facet_name", metavar="FACET")
@click.option("--json", "as_json", is_flag=True, help="Print [{value, count}, …] in JSON.")
@click.pass_context
def values_command(ctx: click.Context, facet_name: str, as_json: bool) -> None:
    """List a facet's values over every letter, with how many letters have each.

    FACET is any of a facet's names: authority, type, inspector, year, region, overall, focus, send,
    priority, protection, …

    \b
    Examples:
        letters values authority
        letters values focus --json
    """
    from indexer.facets import FACETS, facet_named

    facet = facet_named(facet_name)
    if facet is None:
        names = ", ".join(facet.parameter for facet in FACETS)
        raise click.UsageError(f"No facet is called “{facet_name}”: choose one of {names}.")
    values = _open_index(ctx).facet_values(facet.name)
    if as_json:
        click.echo(json.dumps([{"value": value, "count": count} for value, count in values], ensure_ascii=False,
                              indent=2))
        return
    click.secho(f"{facet.label}: {_plural(len(values), 'value')}", bold=True)
    for value, count in values:
        click.echo(f"  {count:>7,}  {value}")




def _open_index(ctx: click.Context) -> LetterIndex:
    """The index of --data-dir, closed when the command ends; a missing one is a plain error."""
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
    from indexer.request import InvalidRequest

    try:
        rows = select_authorities(_open_index(ctx).authorities(), region=region, grade=grade, sort=sort,
                                  descending=desc)
    except InvalidRequest as error:
        raise click.ClickException("\n".join(problem.message for problem in error.problems)) from error
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


COMMANDS = (reindex_command, update_command, delete_command, stats_command, search_command, values_command,
            authorities_command, authority_command, inspectors_command)
