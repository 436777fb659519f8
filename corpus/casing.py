"""Fast answers to case-insensitive questions: lower-cased copies of text that read as re's IGNORECASE reads the
text, and the matches of patterns split by their first character, in order. Both cost far less than ignoring case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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


# The characters besides its two cases that re, ignoring case, takes for a letter.
_ALSO_TAKEN_FOR = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def taken_for(letter: str) -> str:
    """Every character re, ignoring case, takes for a letter: "Ii" and "İı" for "i", "Ss" and "ſ" for "s"."""
    return letter.upper() + letter.lower() + _ALSO_TAKEN_FOR.get(letter.lower(), "")


def each_case(letter: str, rest: str) -> tuple[re.Pattern[str], ...]:
    """The pattern `letter` then `rest`, ignoring case, as one pattern per character re ignoring case takes for that
    letter, each led by it as a literal, to be read with in_order.

    `rest` may look behind at the letter as any character: "(?<!\\w.)" says no word character comes before it.
    """
    return tuple(re.compile(f"{character}(?i:{rest})") for character in taken_for(letter))


def in_order(patterns: tuple[re.Pattern[str], ...], text: str) -> Iterator[re.Match[str]]:
    """The matches that one pattern made of these as alternatives, in this order, would find in the text, in order
    (none of them may match an empty string).

    Patterns each led by a literal character (each_case's) are scanned for several times faster than one pattern
    led by a choice of characters: re looks for a literal first character with a tight loop, but tries a choice of
    characters, or a letter ignoring case, at every place.
    """
    # Each pattern's next match from where the last match found ended, searched again only once that end passes it.
    upcoming = {pattern: pattern.search(text) for pattern in patterns}
    end = 0
    while True:
        for pattern, match in upcoming.items():
            if match and match.start() < end:
                upcoming[pattern] = pattern.search(text, end)
        found = [match for match in upcoming.values() if match]
        if not found:
            return
        first = min(found, key=re.Match.start)  # the earliest; at one place, the first pattern's
        if first.end() == first.start():
            raise ValueError(f"{first.re.pattern!r} matched an empty string: in_order cannot step past it")
        yield first
        end = first.end()
