"""The index's storage format: Whoosh's own (W3), uncompressed, with field lengths read into memory once.

Segments keep a reference to this codec, so its name must stay; why each change pays is said below.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


class LetterCodec(W3Codec):
    """W3 without compression: a posting block holds the ids, weights and (large) character offsets of up to
    128 letters, and decompressing whole blocks just to read ids was most of a frequent word's search."""

    def __init__(self) -> None:
        super().__init__(compression=0)

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return LengthsInMemory(storage, segment)


class LengthsInMemory(W3PerDocReader):
    """Per-document values as W3 stores them, with each field's lengths read in one go on first use.

    Whoosh looks a letter's field length up for every posting it writes and every letter it scores: from
    disk, that was a third of a build and most of the scoring of a frequent word.
    """

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._lengths: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if fieldname not in self._lengths:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = (
                None if column is None else [byte_to_length(b) if b else None for b in column]
            )
        lengths = self._lengths[fieldname]
        if lengths is None:
            return default
        return lengths[docnum]
