"""A letter: the readable text of one document and the metadata found in it, each field with its origin.

This is the record the store keeps, the exporter writes and the indexer reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every metadata field a letter has, in the order exports show them.
FIELDS = (
    "title",
    "authority",
    "authority_code",
    "urn",
    "region",
    "visit_type",
    "published",
    "visit_start",
    "visit_end",
    "inspectors",
    "signatory",
    "recipient",
    "focus",
    "framework",
    "judgements",
    "send_outcome",
    "wsoa",
    "priority_action",
    "improvements",
    "focus_areas",
    "sections",
)


# Where a field's value came from ("generated": the fictional sample); a later origin wins over an earlier one.
# "composed" (a title made from the other fields for a document with no title line) comes first: any title a
# document or the site gives beats it.
ORIGINS = ("composed", "generated", "filename", "text", "site")
# What a page or list shows for a document with neither a title nor the fields to compose one: never its id.
UNTITLED = "Untitled document"


@dataclass(frozen=True)
class Found:
    """One metadata value and where it was found. Dates are ISO strings; inspectors a list of names."""

    value: Any
    origin: str


@dataclass
class Letter:
    """One letter (or report) as the store keeps it.

    `metadata` maps field name → Found; a field that could not be found is absent (its value is None).
    `disagreements` records, per field, values from other origins that lost to the winning one.
    `versions` lists every distinct file imported for this letter, oldest first.
    """

    id: str
    text: str
    source: str
    sha256: str
    url: str | None = None
    metadata: dict[str, Found] = field(default_factory=dict)
    disagreements: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)

    def get(self, name: str) -> Any:
        found = self.metadata.get(name)
        return found.value if found else None

    @property
    def fields(self) -> dict[str, Any]:
        """Every field's value, None where nothing was found."""
        return {name: self.get(name) for name in FIELDS}

    def to_record(self) -> dict[str, Any]:
        """The letter as plain data for JSON, sharing its values (not copies: dataclasses.asdict's deep copies
        cost more than writing the record)."""
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "sha256": self.sha256,
            "metadata": {name: {"value": found.value, "origin": found.origin} for name, found in self.metadata.items()},
            "disagreements": self.disagreements,
            "versions": self.versions,
            "text": self.text,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Letter:
        return cls(
            id=record["id"],
            text=record["text"],
            source=record["source"],
            sha256=record["sha256"],
            url=record.get("url"),
            metadata={name: Found(**found) for name, found in record.get("metadata", {}).items()},
            disagreements=record.get("disagreements", {}),
            versions=record.get("versions", []),
        )
