"""A document: the bytes of one published file and what is known of where it came from.

Documents are what the importer reads from disk and the crawler downloads; extraction turns them into letters.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Any

MEDIA_TYPES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt", ".text": "txt"}
# A SHA-256 as the store names originals by it: 64 lower-case hex digits.
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Document:
    """One file as published, before any text is taken out of it.

    `site` carries metadata from the source site (crawler): keys are letter field names
    (urn, authority, visit_type, published, …) plus `file_id`, `url` and `label`.
    """

    content: bytes
    source: str
    site: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def filename(self) -> str:
        return PurePath(self.source.split("?")[0]).name

    @property
    def media_type(self) -> str:
        """What the document claims to be ("pdf", "html" or "txt"): its name's extension, else its first bytes.

        Extraction checks the claim against the bytes, so an HTML error page saved as `.pdf` fails clearly.
        """
        claimed = MEDIA_TYPES.get(PurePath(self.filename).suffix.lower())
        if claimed:
            return claimed
        head = self.content[:1024].lstrip().lower()
        if head.startswith(b"%pdf"):
            return "pdf"
        if b"<html" in head or head.startswith(b"<!doctype html"):
            return "html"
        return "txt"
