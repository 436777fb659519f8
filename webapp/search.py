"""The pages people read: the search page, a letter's page and the query-syntax help.

Views parse, search and hand templates plain values; every link is built here with webapp.urls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from corpus.findings import JUDGEMENTS
from corpus.site import DEFAULT_BASE_URL, provider_url
from corpus.store import is_letter_id
from indexer import Hit, Results
from indexer.facets import BY_NAME, BY_PARAMETER, COUNTED, FACETS
from indexer.querylang import MAX_QUERY_CHARS
from indexer.request import SORTS, InvalidRequest, PageOutOfRange, SearchRequest
from webapp import backend
from webapp.chart import year_chart
from webapp.formatting import external_url
from webapp.text import letter_html
from webapp.urls import path_with_added_args, path_with_removed_args, path_with_replaced_args

blueprint = Blueprint("search", __name__)

FACET_SHOWN = 8  # options shown before "Show all"
PAGE_WINDOW = 2  # page links on each side of the current one
SORT_LABELS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}


@blueprint.get("/")
def search_page() -> tuple[str, int] | str:
    args = request.args
    form = {name: args.get(name, "")[:MAX_QUERY_CHARS]
            for name in ("q", "from", "to", "per_page", "improvements")}
    # A search that cannot run keeps its filters, so that fixing one problem loses nothing.
    kept = [(name, value) for name, value in args.items(multi=True) if name in BY_PARAMETER]
    params = None
    try:
        params = backend.parse_search_args(args)
        results = backend.search(params)
    except InvalidRequest as invalid:
        last_page = None
        if isinstance(invalid, PageOutOfRange):
            last_page = path_with_replaced_args(request.path, args, {"page": str(invalid.pages)})
        return render_template("search.html", form=form, problems=invalid.problems, kept=kept,
                               chips=_chips(params, _held_args(params, args)) if params else [],
                               last_page=last_page, results=None, max_query=MAX_QUERY_CHARS), 400
    return render_template("search.html", **_search_view(params, results, form))


def _held_args(params: SearchRequest, args: MultiDict) -> MultiDict:
    """The arguments with each typed filter value as the index holds it ("leeds" → "Leeds"): the links built
    from them (chips, pages, the chart, data) then agree with the ticked boxes."""
    pairs = [(name, value) for name, value in args.items(multi=True) if name not in BY_PARAMETER]
    pairs += [(facet.parameter, value) for facet in FACETS for value in params.filters.get(facet.name, ())]
    return MultiDict(pairs)


@blueprint.get("/help")
def help_page() -> str:
    return render_template("help.html", findings=[facet for facet in FACETS if facet.order])


@blueprint.get("/letters/<letter_id>")
def letter_page(letter_id: str) -> str:
    if not is_letter_id(letter_id):
        abort(404)
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]
    index = backend.current_index()
    letter = index.get(letter_id)
    if letter is None:
        abort(404)
    fields = letter.fields
    similar = index.more_like_this(letter_id, n=5)
    # The authority's letters newest first, as its page lists them (the index's directory has them at hand).
    detail = index.authority(fields["authority"]) if fields.get("authority") else None
    timeline = detail.timeline if detail else []
    urn = str(fields.get("urn") or "")
    return render_template(
        "letter.html",
        letter=letter,
        fields=fields,
        query=query,
        text=letter_html(letter.text, index.highlighter(query) if query else None),
        original_url=external_url(letter.url),
        back_url=url_for("search.search_page", q=query) if query else None,
        ofsted_page=provider_url(DEFAULT_BASE_URL, urn) if urn.isdigit() else None,
        search_links=_letter_search_links(fields),
        original_download=url_for("directory.original_file", letter_id=letter.id)
        if index.original(letter) else None,
        findings=_letter_findings(fields),
        similar=similar,
        timeline=timeline,
    )


def _letter_findings(fields: dict[str, Any]) -> dict[str, Any]:
    """What the letter concludes, each judgement and focus area with the search for its value."""
    def search(name: str, value: str) -> str:
        return url_for("search.search_page", **{BY_NAME[name].parameter: value})

    judgements = fields.get("judgements") or {}
    return {
        "framework": fields.get("framework"),
        "judgements": [{"label": label, "grade": judgements[key], "url": search(key, judgements[key])}
                       for key, label in JUDGEMENTS.items() if key in judgements],
        "send_outcome": fields.get("send_outcome"),
        "send_url": search("send_outcome", fields["send_outcome"]) if fields.get("send_outcome") else None,
        "wsoa": fields.get("wsoa"),
        "priority_action": fields.get("priority_action"),
        "focus_areas": [(area, search("focus_areas", area)) for area in fields.get("focus_areas") or []],
        "improvements": fields.get("improvements"),
    }


def _search_view(params: SearchRequest, results: Results, form: dict[str, str]) -> dict[str, Any]:
    args, path = _held_args(params, request.args), request.path
    year_counts = list(results.facets.get("year", []))
    share = request.args.get("chart") == "share"
    of_year = None
    if share:
        # The same filters without the words: every letter of each year the share is taken of (without words,
        # the search itself).
        everything = results if not params.query else backend.search(
            replace(params, query="", in_improvements=False, page=1, per_page=1))
        of_year = {int(year): count for year, count in everything.facets.get("year", [])}
    return {
        "form": form,
        "params": params,
        "results": results,
        "sorts": _sort_options(params),
        "facets": _facets(params, results, args),
        "chips": _chips(params, args),
        "pages": _pagination(results.page, results.pages, args),
        "chart": year_chart(
            year_counts,
            link=lambda year: path_with_added_args(path, args, [("year", str(year))]),
            selected=[int(year) for year in params.filters.get("year", ())],
            of=of_year,
        ),
        "chart_share": share,
        "chart_views": {"count": path_with_replaced_args(path, args, {"chart": None}),
                        "share": path_with_replaced_args(path, args, {"chart": "share"})},
        "badges": {hit.id: _badges(hit) for hit in results.hits},
        "max_query": MAX_QUERY_CHARS,
        "suggestion_url": path_with_replaced_args(path, args, {"q": results.suggestion, "page": None})
        if results.suggestion else None,
        "hit_query": params.query,
        "first_hit": (results.page - 1) * params.per_page + 1,
        "json_url": path_with_removed_args(url_for("api.search_json"), args, ["page"]),
        "csv_url": path_with_removed_args(url_for("api.search_csv"), args, ["page", "per_page"]),
        "atom_url": path_with_removed_args(url_for("api.search_atom"), args,
                                           ["page", "per_page", "sort"]),
    }


def _sort_options(params: SearchRequest) -> list[dict[str, Any]]:
    """The sort choices; the default one submits no value, so a new query gets its own default."""
    default = "relevance" if params.query else "newest"
    return [{"value": "" if sort == default else sort, "label": SORT_LABELS[sort],
             "selected": sort == (params.sort or default)} for sort in SORTS]


def _facets(params: SearchRequest, results: Results, args: MultiDict) -> list[dict[str, Any]]:
    """Each counted facet's options, chosen ones first, with counts and a link that toggles each one; a facet
    no letter has a value of (findings before any were extracted) is left out."""
    groups = []
    index = backend.current_index()
    for facet in COUNTED:
        argument, label = facet.parameter, facet.label
        if not index.known_values(facet.name) and not params.filters.get(facet.name):
            continue
        counts = {str(value): count for value, count in facet.listed(results.facets.get(facet.name, []))}
        chosen = params.filters.get(facet.name, ())
        values = list(chosen) + [value for value in counts if value not in chosen]
        options = [{
            "value": value,
            "count": counts.get(value, 0),
            "checked": value in chosen,
            "id": f"facet-{argument}-{position}",
        } for position, value in enumerate(values)]
        shown = max(FACET_SHOWN, len(chosen))
        groups.append({"argument": argument, "label": label, "shown": options[:shown],
                       "more": options[shown:], "chosen": len(chosen)})
    return groups


def _chips(params: SearchRequest, args: MultiDict) -> list[dict[str, str]]:
    """The chosen filters as removable chips, each with the link that removes it."""
    path = request.path
    chips = [{"label": facet.label, "value": value,
              "remove_url": path_with_removed_args(path, args, [(facet.parameter, value)])}
             for facet in FACETS for value in params.filters.get(facet.name, ())]
    if params.in_improvements:
        chips.append({"label": "Words", "value": "in what to improve",
                      "remove_url": path_with_removed_args(path, args, ["improvements"])})
    for argument, label, value in (("from", "From", params.date_from),
                                   ("to", "To", params.date_to)):
        if value:
            chips.append({"label": label, "value": f"{value.day} {value:%B %Y}",
                          "remove_url": path_with_removed_args(path, args, [argument])})
    return chips


def _badges(hit: Hit) -> list[dict[str, str]]:
    """A report's grades and findings as badges: label and value in words, a class for the colour."""
    badges = [{"label": label, "value": hit.judgements[key], "kind": _slug(hit.judgements[key])}
              for key, label in JUDGEMENTS.items() if hit.judgements.get(key)]
    if hit.send_outcome:
        badges.append({"label": "SEND outcome", "value": hit.send_outcome, "kind": _slug(hit.send_outcome)})
    if hit.priority_action:
        badges.append({"label": "Areas for priority action", "value": "yes", "kind": "priority"})
    return badges


def _slug(value: str) -> str:
    return "-".join(value.lower().split())


def _pagination(page: int, pages: int, args: MultiDict) -> dict[str, Any] | None:
    if pages <= 1:
        return None

    def link(number: int) -> str:
        return path_with_replaced_args(request.path, args, {"page": None if number == 1 else str(number)})

    numbers = sorted({1, pages} | set(range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)))
    items: list[dict[str, Any]] = []
    for number in numbers:
        if items and number - items[-1]["number"] > 1:
            items.append({"number": number - 1, "gap": True})
        items.append({"number": number, "url": link(number), "current": number == page})
    return {
        "links": items,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }


def _letter_search_links(fields: dict[str, Any]) -> dict[str, Any]:
    """Links that search by this letter's authority, region, visit type and each inspector."""
    def search(argument: str, value: Any) -> str | None:
        return url_for("search.search_page", **{argument: value}) if value else None

    return {
        "authority": search("authority", fields.get("authority")),
        "region": search("region", fields.get("region")),
        "visit_type": search("type", fields.get("visit_type")),
        "inspectors": [(name, search("inspector", name)) for name in fields.get("inspectors") or []],
    }

