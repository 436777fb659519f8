"""The authority and inspector pages: the national picture, each authority's history, each inspector's letters.

Rows come from the index's directory (indexer.directory); the page, JSON and CSV render the same selection.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for

from corpus.findings import GRADES, JUDGEMENTS
from indexer.directory import (
    AUTHORITY_SORTS,
    GRADE_CHOICES,
    MAX_ARGUMENT_CHARS,
    NOT_GRADED,
    AuthoritySummary,
    authorities_csv,
    select_authorities,
)
from indexer.request import InvalidRequest, Problem
from webapp import backend
from webapp.chart import grades_by_region_chart, grades_by_year_chart
from webapp.urls import path_with_replaced_args

blueprint = Blueprint("directory", __name__)

def _table() -> tuple[dict[str, Any], list[AuthoritySummary]]:
    """The national table's GET arguments (region, grade, sort, order) and its rows; InvalidRequest lists every
    argument that cannot be used (select_authorities checks all but the order, which is this page's)."""
    args = request.args
    order = args.get("order", "").strip() or "asc"
    selection = {"region": args.get("region", "").strip() or None, "grade": args.get("grade", "").strip() or None,
                 "sort": args.get("sort", "").strip() or "name", "descending": order == "desc"}
    problems = [] if order in ("asc", "desc") else [Problem("order", f"Order is asc or desc, not “{order[:40]}”.")]
    try:
        rows = select_authorities(backend.current_index().authorities(), **selection)
    except InvalidRequest as invalid:
        problems = invalid.problems + problems
    if problems:
        raise InvalidRequest(problems)
    return selection, rows


@blueprint.get("/authorities")
def authorities_page() -> tuple[str, int] | str:
    index = backend.current_index()
    everyone = index.authorities()
    regions = sorted({summary.region for summary in everyone})
    try:
        selection, rows = _table()
    except InvalidRequest as invalid:
        return render_template("authorities.html", problems=invalid.problems, rows=[], regions=regions,
                               grades=GRADE_CHOICES, columns=[], selection={}, charts=None), 400
    directory = index.directory()
    args = request.args

    def column(name: str) -> dict[str, Any]:
        current = selection["sort"] == name
        descending = not selection["descending"] if current else name in ("letters", "inspected", "focused")
        return {
            "name": name,
            "label": AUTHORITY_SORTS[name][0],
            "url": path_with_replaced_args(request.path, args,
                                           {"sort": name, "order": "desc" if descending else "asc"}),
            "sorted": ("descending" if selection["descending"] else "ascending") if current else None,
        }

    return render_template(
        "authorities.html",
        problems=None,
        rows=rows,
        total=len(everyone),
        regions=regions,
        grades=GRADE_CHOICES,
        columns=[column(name) for name in AUTHORITY_SORTS],
        judgement_keys=list(JUDGEMENTS),
        selection=selection,
        charts={
            "regions": grades_by_region_chart(directory.grade_by_region(), GRADES, NOT_GRADED),
            "years": grades_by_year_chart(directory.grade_by_year(), GRADES),
        },
        json_url=path_with_replaced_args(url_for("directory.authorities_json"), args, {}),
        csv_url=path_with_replaced_args(url_for("directory.authorities_csv_file"), args, {}),
    )


@blueprint.get("/authorities.json")
def authorities_json() -> Response | tuple[Response, int]:
    try:
        _, rows = _table()
    except InvalidRequest as invalid:
        return jsonify(errors=[{"parameter": p.parameter, "message": p.message} for p in invalid.problems]), 400
    return jsonify(authorities=[summary.to_dict() for summary in rows])


@blueprint.get("/authorities.csv")
def authorities_csv_file() -> Response | tuple[Response, int]:
    try:
        _, rows = _table()
    except InvalidRequest as invalid:
        return Response("\n".join(p.message for p in invalid.problems) + "\n", 400, mimetype="text/plain")
    return Response(authorities_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="authorities.csv"'})


@blueprint.get("/authorities/<name>")
def authority_page(name: str) -> Any:
    index = backend.current_index()
    directory = index.directory()
    detail = index.authority(name[:MAX_ARGUMENT_CHARS])
    if detail is None:
        return _not_found("authority", name, directory.names_like(name[:MAX_ARGUMENT_CHARS], authorities=True))
    if name != detail.summary.slug:
        return redirect(url_for("directory.authority_page", name=detail.summary.slug), 301)
    return render_template("authority.html", detail=detail, judgement_keys=list(JUDGEMENTS),
                           judgements=JUDGEMENTS,
                           history_keys=[key for key in JUDGEMENTS
                                         if any(key in brief.judgements for brief in detail.history)])


@blueprint.get("/inspectors")
def inspectors_page() -> str:
    return render_template("inspectors.html", inspectors=backend.current_index().inspectors())


@blueprint.get("/inspectors/<name>")
def inspector_page(name: str) -> Any:
    index = backend.current_index()
    detail = index.inspector(name[:MAX_ARGUMENT_CHARS])
    if detail is None:
        return _not_found("inspector", name,
                          index.directory().names_like(name[:MAX_ARGUMENT_CHARS], authorities=False))
    if name != detail.summary.slug:
        return redirect(url_for("directory.inspector_page", name=detail.summary.slug), 301)
    return render_template("inspector.html", detail=detail)


def _not_found(kind: str, name: str, close: list[str]) -> tuple[str, int]:
    if kind == "authority":
        suggestions = [(found, url_for("directory.authority_page", name=found)) for found in close]
        index_url, index_label = url_for("directory.authorities_page"), "every authority"
    else:
        suggestions = [(found, url_for("directory.inspector_page", name=found)) for found in close]
        index_url, index_label = url_for("directory.inspectors_page"), "every inspector"
    return render_template("not_found.html", kind=kind, name=name[:MAX_ARGUMENT_CHARS], suggestions=suggestions,
                           index_url=index_url, index_label=index_label), 404


@blueprint.get("/letters/<letter_id>/original")
def original_file(letter_id: str) -> Response:
    """The stored original of a letter, as it was imported or crawled."""
    found = backend.current_index().original(letter_id)
    if found is None:
        abort(404)
    path, filename, mimetype = found
    # Only a PDF opens in the browser: a stored HTML page must never run as this site's page.
    return send_file(path, mimetype=mimetype, as_attachment=mimetype != "application/pdf", download_name=filename)
