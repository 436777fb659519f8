"""The index's fields and how a letter becomes one index document.

The schema is pickled into every index, so these classes must stay importable under these names.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable
from datetime import date
from typing import Any

from whoosh import columns, fields

from corpus.findings import JUDGEMENTS
from corpus.letters import Letter
from indexer.analysis import LetterAnalyzer, analyse, pair_positions
from indexer.facets import FACETS

# Bump when the schema, the analysis or the files beside the index change: `letters reindex` then rebuilds
# instead of updating (a new facet needs no bump: SCHEMA below follows the registry). 4: the vocabulary of
# printed words (indexer/vocabulary.py). 5: every facet of the registry (indexer/facets.py) a FacetText field,
# the year too; the findings (judgements, focus areas, SEND outcome, priority action) as facets and the
# improvement points as a field of their own. 6: word pairs keep their positions (indexer/phrases.py). 7: the body
# keeps positions only (snippets read the stored text). 8: a pair's positions are a bitmap where that is no bigger;
# the text is kept as UTF-8 in a column of its own.
SCHEMA_VERSION = 8
# What the build info records and searches check: the version and the registry's facets, so that adding a
# facet (indexer/facets.py) rebuilds the index by itself.
SCHEMA = f"{SCHEMA_VERSION}:" + hashlib.sha256(
    ",".join(f"{facet.name}={type(facet).__name__}" for facet in FACETS).encode()).hexdigest()[:12]

_last_analysed: tuple[str | None, Any] = (None, None)


def analysed(text: str) -> Any:
    """`analyse(text)`, remembered for the last text: the body and pair fields index the same text."""
    global _last_analysed
    if _last_analysed[0] is not text and _last_analysed[0] != text:
        _last_analysed = (text, analyse(text))
    return _last_analysed[1]


class LetterText(fields.TEXT):
    """Text analysed by `indexer.analysis`, with positions (for phrases); snippets find their matches in the
    text column, so no character offsets are kept."""

    def __init__(self) -> None:
        super().__init__(analyzer=LetterAnalyzer(), phrase=True)

    def index(self, value: str, **kwargs: Any):
        encode = self.format.encode
        for term, places in analysed(value)[0].items():
            yield term.encode("utf-8"), len(places), float(len(places)), encode(places)


# A bitmap is read in C however many positions it has, an array's positions one by one: bitmaps are kept
# up to this many times an array's size (measured on 10 000 sample letters: 8 makes every pair of the
# commonest words a bitmap, and the pairs' postings about twice as big as arrays alone).
BITMAP_SIZE_LIMIT = 8


class PairPositions(fields.formats.Format):
    """A pair's positions in one letter, each encoding read in one call: a bitmap (bit p set for position p:
    indexer/phrases.py lines pairs up with a shift and an AND, however often the pair occurs), or, for a pair
    so rare in the letter that its bitmap would be over BITMAP_SIZE_LIMIT times bigger, an array of unsigned
    32-bit numbers. The last byte says which: 0 for a bitmap (so that the whole value reads as the bitmap's
    number), 1 for an array.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any):
        raise NotImplementedError("WordPairs.index makes the postings")

    def encode(self, positions: list[int]) -> bytes:
        bitmap_size = positions[-1] // 8 + 1
        if bitmap_size <= BITMAP_SIZE_LIMIT * 4 * len(positions):
            return bitmap_of(positions).to_bytes(bitmap_size, "little") + b"\0"
        return array("I", positions).tobytes() + b"\1"

    def decode_bitmap(self, value: bytes) -> int:
        """The positions as a number with bit p set for position p."""
        if value[-1]:
            return bitmap_of(array("I", value[:-1]))
        return int.from_bytes(value, "little")

    def decode_positions(self, value: bytes) -> list[int]:
        if value[-1]:
            return array("I", value[:-1]).tolist()
        bitmap = int.from_bytes(value, "little")
        return [position for position in range(bitmap.bit_length()) if bitmap >> position & 1]

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // 4 if value[-1] else int.from_bytes(value, "little").bit_count()

    def decode_weight(self, value: bytes) -> float:
        return float(self.decode_frequency(value))


def bitmap_of(positions: Iterable[int]) -> int:
    """The number with bit p set for each position p."""
    bitmap = 0
    for position in positions:
        bitmap |= 1 << position
    return bitmap


class WordPairs(fields.FieldType):
    """Adjacent pairs of common terms, one index term each, at the body position of the pair's first word:
    a phrase of common words is a few pairs at consecutive positions (see indexer/phrases.py).

    `common` (measured when the index is built) travels with the schema, so searches use the same set.
    """

    indexed = True
    scorable = True  # (not scorable, Whoosh looks for a length column on disk for every posting it writes)
    stored = False
    unique = False

    def __init__(self, common: frozenset[str]) -> None:
        self.analyzer = LetterAnalyzer()
        self.format = PairPositions()
        self.common = common

    def index(self, value: str, **kwargs: Any):
        encode = self.format.encode
        for pair, positions in pair_positions(analysed(value)[1], self.common).items():
            yield pair.encode("utf-8"), len(positions), float(len(positions)), encode(positions)


class FacetText(fields.TEXT):
    """A facet: its words searchable (`authority:leeds`), its exact values in a fast column.

    A list of values (inspectors) goes into the column as one string, values separated by newlines.
    """

    def __init__(self) -> None:
        super().__init__(analyzer=LetterAnalyzer(), phrase=True)
        self.column_type = columns.VarBytesColumn()

    def index(self, value: str | list[str], **kwargs: Any):
        text = "\n".join(value) if isinstance(value, list) else value
        encode = self.format.encode
        for term, places in analyse(text)[0].items():
            yield term.encode("utf-8"), len(places), float(len(places)), encode(places)

    def to_column_value(self, value: str | list[str]) -> bytes:
        return ("\n".join(value) if isinstance(value, list) else value).encode("utf-8")


class ItemText(FacetText):
    """Items of a list (what a report says must improve), one a line: searchable on their own, and stored so
    that snippets are taken from them."""

    def __init__(self) -> None:
        super().__init__()
        self.column_type = None
        self.stored = True


def letter_schema(common: frozenset[str]) -> fields.Schema:
    """The schema of an index whose word pairs are those of `common` terms."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        sha256=fields.COLUMN(columns.VarBytesColumn()),
        body=LetterText(),
        # The text as UTF-8, uncompressed: snippets read it for every hit shown, where a stored field would be
        # decompressed and unpickled whole (measured: the largest cost of a search's page of hits).
        text=fields.COLUMN(columns.VarBytesColumn()),
        pairs=WordPairs(common),
        **{facet.name: FacetText() for facet in FACETS},
        improvements=ItemText(),
        # The date searches and sorts use, as a day number (date.toordinal()); 0 when unknown.
        day=fields.COLUMN(columns.NumericColumn("i", default=0)),
        display=fields.STORED(),
    )


def parse_date(value: Any) -> date | None:
    """A date from an ISO string (or a date); None for anything else."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def displayed(stored: dict[str, Any]) -> dict[str, Any]:
    """A letter's display fields as `document_for` stored them, read back: dates as dates, lists and the
    judgements as fresh copies (what hits and the directory's briefs are made of)."""
    shown = stored.get("display", {})
    return {
        "id": stored["id"],
        **{name: shown.get(name) for name in ("title", "authority", "authority_code", "visit_type", "url",
                                              "framework", "send_outcome", "priority_action")},
        **{name: parse_date(shown.get(name)) for name in ("published", "visit_start", "visit_end")},
        **{name: list(shown.get(name) or []) for name in ("inspectors", "focus_areas", "improvements")},
        "judgements": dict(shown.get("judgements") or {}),
    }


def search_date(letter_fields: dict[str, Any]) -> date | None:
    """The date a letter is searched and sorted by: its visit's start, else its publication."""
    return parse_date(letter_fields.get("visit_start")) or parse_date(letter_fields.get("published"))


def document_for(letter: Letter) -> dict[str, Any]:
    """The index document of one letter (fields with no value are left out)."""
    found = letter.fields
    day = search_date(found)
    inspectors = [name for name in (found.get("inspectors") or []) if isinstance(name, str)]
    document: dict[str, Any] = {
        "id": letter.id,
        "sha256": letter.sha256.encode("ascii"),
        "body": letter.text or "",
        "text": (letter.text or "").encode("utf-8"),
        "pairs": letter.text or "",
        "day": day.toordinal() if day else 0,
        "display": {
            "title": found.get("title"),
            "authority": found.get("authority"),
            "authority_code": found.get("authority_code"),
            "visit_type": found.get("visit_type"),
            "published": found.get("published"),
            "visit_start": found.get("visit_start"),
            "visit_end": found.get("visit_end"),
            "inspectors": inspectors,
            "url": letter.url,
            "framework": found.get("framework"),
            "judgements": {key: grade for key, grade in (found.get("judgements") or {}).items() if key in JUDGEMENTS},
            "send_outcome": found.get("send_outcome"),
            "priority_action": found.get("priority_action"),
            "focus_areas": [area for area in found.get("focus_areas") or [] if isinstance(area, str)],
            "improvements": [item for item in found.get("improvements") or [] if isinstance(item, str)],
        },
    }
    improvements = [item for item in found.get("improvements") or [] if isinstance(item, str) and item.strip()]
    if improvements:
        document["improvements"] = "\n".join(" ".join(item.split()) for item in improvements)
    for facet in FACETS:
        values = facet.values(found, day)
        if values:
            document[facet.name] = values if facet.many else values[0]
    return document
