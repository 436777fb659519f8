"""What goes wrong, said plainly: error pages for people, JSON errors for machine interfaces.

Bad parameters are 400s, unknown letters 404s, a missing index 503; nothing a user types is a 500.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from indexer import IndexMissing
from indexer.request import InvalidRequest, Problem

MACHINE_PATHS = ("/search.csv", "/search.atom", "/healthz")


def wants_json() -> bool:
    """Machine interfaces answer errors in JSON; pages answer with a page."""
    return request.path.startswith("/api/") or request.path in MACHINE_PATHS


def json_error(status: int, message: str, problems: Sequence[Problem] = ()) -> tuple[Response, int]:
    body = {"error": message, "status": status,
            "problems": [{"parameter": p.parameter, "message": p.message} for p in problems]}
    return jsonify(body), status


def error_page(status: int, heading: str, **context: object) -> tuple[str, int]:
    """The error page, which renders even for a request whose Host header werkzeug refused.

    Such a request has no URL adapter, and the page's links need none: they are paths, so they are
    built with an adapter bound to a placeholder host instead of the one the request named.
    """
    if request_ctx.url_adapter is None:
        request_ctx.url_adapter = current_app.url_map.bind("localhost", script_name=request.root_path or "/")
    return render_template("error.html", status=status, heading=heading, **context), status


def invalid_params(error: InvalidRequest) -> tuple[Response | str, int]:
    if wants_json():
        return json_error(400, "The search parameters cannot be used.", error.problems)
    return error_page(400, "Check your search", problems=error.problems)


def index_missing(error: IndexMissing) -> tuple[Response | str, int]:
    if wants_json():
        return json_error(503, str(error))
    return error_page(503, "The letters are not indexed yet", message=str(error))


def http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description or error.name)
    headings = {404: "Page not found", 405: "That does not work here"}
    messages = {404: "There is no page at this address. If you followed a link to a letter, "
                     "it may have been removed from the index."}
    return error_page(status, headings.get(status, error.name), message=messages.get(status, error.description))


def init_app(app: Flask) -> None:
    app.register_error_handler(InvalidRequest, invalid_params)
    app.register_error_handler(IndexMissing, index_missing)
    app.register_error_handler(HTTPException, http_error)
