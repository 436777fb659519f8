"""A search as an Atom feed: its newest letters as entries, one feed per search to follow a topic.

Built with ElementTree, so every value is escaped; characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree

from flask import request, url_for

from indexer.facets import FACETS
from indexer.request import SearchRequest
from webapp.backend import current_index
from webapp.formatting import external_url, shown_title
from webapp.text import marked_snippet
from webapp.urls import path_with_removed_args

ATOM = "http://www.w3.org/2005/Atom"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def atom_feed(params: SearchRequest, hits: Iterable[Any]) -> bytes:
    """The feed document for `params`, with one entry per hit (newest first, as given)."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    # Both addresses are rebuilt from the parsed arguments: request.url cannot be read for every Host
    # header a client may send (werkzeug raises UnicodeError on "xn--zz"), and arguments the feed
    # ignores make no other feed.
    ignored = ["page", "per_page", "sort"]
    page_url = url_for("search.search_page", _external=True) + path_with_removed_args("", request.args, ignored)
    feed_url = url_for("api.search_atom", _external=True) + path_with_removed_args("", request.args, ignored)
    _add(feed, "title", f"Ofsted letters: {describe(params)}")
    _add(feed, "id", feed_url)
    _add(feed, "link", href=feed_url, rel="self", type="application/atom+xml")
    _add(feed, "link", href=page_url, rel="alternate", type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "Ofsted (letters indexed by the letters project)")
    _add(feed, "generator", "letters")
    updated = _add(feed, "updated")
    hits = list(hits)
    kept = current_index().originals(hit.id for hit in hits if not external_url(hit.url))
    newest = None
    for hit in hits:
        when = _timestamp(hit.published or hit.visit_start)
        newest = max(newest or when, when)
        page = url_for("search.letter_page", letter_id=hit.id, _external=True)
        entry = _add(feed, "entry")
        _add(entry, "title", shown_title(hit.title))
        _add(entry, "id", page)
        _add(entry, "updated", when.isoformat())
        _add(entry, "link", href=page, rel="alternate", type="text/html")
        if external_url(hit.url):
            _add(entry, "link", href=hit.url, rel="related", type="application/pdf")
        elif hit.id in kept:
            _add(entry, "link", href=url_for("directory.original_file", letter_id=hit.id, _external=True),
                 rel="related", type=kept[hit.id][2])
        if hit.visit_type:
            _add(entry, "category", term=hit.visit_type)
        summary = " · ".join(filter(None, [hit.authority, hit.visit_type]))
        if hit.snippet_text:
            _add(entry, "summary", marked_snippet(hit), type="html")
        else:
            _add(entry, "summary", summary, type="text")
    updated.text = (newest or datetime(2000, 1, 1, tzinfo=UTC)).isoformat()
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def describe(params: SearchRequest) -> str:
    """The search in a few words, for a feed's title: “care leavers” · Authority: Leeds."""
    parts = [f"“{params.query}”" + (" in what to improve" if params.in_improvements else "")] if params.query else []
    for facet in FACETS:
        if params.filters.get(facet.name):
            parts.append(f"{facet.label}: {', '.join(params.filters[facet.name])}")
    if params.date_from:
        parts.append(f"from {params.date_from.isoformat()}")
    if params.date_to:
        parts.append(f"to {params.date_to.isoformat()}")
    return " · ".join(parts) or "all letters"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None,
         **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}",
                                     {name: NOT_XML.sub("", value) for name, value in attributes.items()})
    if text is not None:
        element.text = NOT_XML.sub("", text)
    return element


def _timestamp(value: date | str | None) -> datetime:
    """A letter's date as the Atom timestamp of its midnight (UTC); the epoch of 2000 if none."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if not value:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
