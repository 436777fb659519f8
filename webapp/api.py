"""The machine interfaces: /api/search and /api/letters/<id> (JSON), /search.csv, /search.atom, /healthz.

Each reads its search through webapp.backend, like the pages, so every output agrees with the page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, abort, jsonify, request, url_for

from corpus.store import is_letter_id
from indexer.request import MAX_PER_PAGE
from indexer.rows import CSV_FIELDS, csv_row
from webapp import backend, feeds

blueprint = Blueprint("api", __name__)

FEED_ENTRIES = 50


@blueprint.get("/api/search")
def search_json() -> Response:
    results = backend.search(backend.parse_search_args(request.args))
    return jsonify(results.to_dict())


@blueprint.get("/api/letters/<letter_id>")
def letter_json(letter_id: str) -> Response:
    if not is_letter_id(letter_id):
        abort(404, description=f"There is no letter with the id {letter_id[:80]!r}.")
    letter = backend.current_index().get(letter_id)
    if letter is None:
        abort(404, description=f"There is no letter with the id {letter_id!r}.")
    return jsonify({
        "id": letter.id,
        **letter.fields,  # dates are ISO strings in a letter's record
        "url": letter.url,
        "page": url_for("search.letter_page", letter_id=letter.id, _external=True),
        "text": letter.text,
    })


@blueprint.get("/search.csv")
def search_csv() -> Response:
    """Every matching letter, one row each, written a hundred rows at a time."""
    hits = backend.every_hit(backend.parse_search_args(request.args))  # bad parameters fail before the 200

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def written() -> str:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow(CSV_FIELDS)
        yield written()
        for start in range(0, len(hits), MAX_PER_PAGE):
            writer.writerows(csv_row(hit) for hit in hits[start : start + MAX_PER_PAGE])
            yield written()

    return Response(rows(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="letters.csv"'})


@blueprint.get("/search.atom")
def search_atom() -> Response:
    """The newest matching letters as an Atom feed: one feed per search, to follow a topic."""
    requested = backend.parse_search_args(request.args)
    params = requested.with_page(1, FEED_ENTRIES)
    results = backend.search(params, sort="newest")
    requested.check_page(results.total)
    return Response(feeds.atom_feed(params, results.hits), mimetype="application/atom+xml")


@blueprint.get("/healthz")
def healthz() -> Response:
    stats = backend.current_index().stats()
    return jsonify({"status": "ok", "letters": stats["letters"],
                    "index_built": stats["build"].get("built"), "generation": stats["generation"]})

