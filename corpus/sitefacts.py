"""What Ofsted's site says about one published file, as the letter fields a document carries.

The one home of that mapping: the crawler and the manifest importer both give documents these facts.
"""

from __future__ import annotations

from typing import Any

from corpus.gazetteer import authority_by_urn
from corpus.metadata import visit_type_from_label
from corpus.site import file_id_from_url
from corpus.store import is_letter_id


def site_facts(
    url: str | None,
    label: str | None = None,
    published: str | None = None,
    urn: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """The facts for a document's `site`: file id and URL, the site's label, visit type and publication date,
    and the authority of the provider page (from the gazetteer by URN, else `name` as the site gives it).

    Facts that are not known are left out.
    """
    file_id = file_id_from_url(url) if url else None
    authority = authority_by_urn(urn) if urn else None
    facts: dict[str, Any] = {
        "file_id": file_id if file_id and is_letter_id(file_id) else None,
        "url": url,
        "label": label,
        "urn": urn,
        "authority": authority.name if authority else name,
        "authority_code": authority.ons_code if authority else None,
        "region": authority.region if authority else None,
        "visit_type": visit_type_from_label(label) if label else None,
        "published": published,
    }
    return {key: value for key, value in facts.items() if value}
