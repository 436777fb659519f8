"""Lower-cased copies of text that answer case-insensitive questions exactly as re's IGNORECASE would.

Searching such a copy with a lower-case pattern, or for a lower-case word, costs far less than ignoring case.
"""

from __future__ import annotations

from functools import lru_cache

# The characters whose lower case is not one character, in the same place, matching a lower-case pattern as the
# original matches it ignoring case: "İ" becomes two, re takes "ı" for an "i" and "ſ" for an "s" while lower()
# keeps them, and "Σ" lower-cases by its neighbours. (tests/test_casing.py checks every other character.)
UNLIKE = ("İ", "ı", "ſ", "Σ")


def lowered(text: str) -> str | None:
    """text.lower() where it is the text letter for letter as re's IGNORECASE reads it; None where it is not.

    Where it is, a lower-case pattern matches the copy at exactly the places, with exactly the spans, where the
    same pattern ignoring case matches the text.
    """
    if not text.isascii() and any(character in text for character in UNLIKE):
        return None
    return text.lower()


@lru_cache(maxsize=4)
def lowered_text(text: str) -> str | None:
    """lowered(text), kept for the last few texts: the metadata parsers ask it of the same whole letter."""
    return lowered(text)
