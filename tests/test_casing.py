"""Tests of corpus.casing: a lower-cased copy reads as re's IGNORECASE reads the original, character by character."""

from __future__ import annotations

import re
import sys

from corpus.casing import UNLIKE, lowered


def test_every_other_character_lower_cases_into_one_that_matches_as_re_ignoring_case_would() -> None:
    # What the speed-ups resting on lowered() assume, checked for every character this Python knows.
    any_ascii = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    classes = [re.compile(pattern) for pattern in (r"\s", r"\w", r"\d")]
    wrong = []
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        if character in UNLIKE:
            continue
        lower = character.lower()
        if len(lower) != 1 or any(bool(c.match(character)) != bool(c.match(lower)) for c in classes):
            wrong.append(character)
        elif any_ascii.fullmatch(character) or lower.isascii():
            for ascii_character in map(chr, range(128)):
                ignoring_case = re.fullmatch(re.escape(ascii_character), character, re.IGNORECASE) is not None
                if ignoring_case != (lower == ascii_character.lower()):
                    wrong.append(character)
    assert wrong == []


def test_text_with_a_character_that_lower_cases_otherwise_has_no_copy() -> None:
    assert lowered("The Area SEND Inspection") == "the area send inspection"
    assert lowered("Café’s Ökonomie") == "café’s ökonomie"
    for odd in ("İzmir", "Tıme", "Inſpection", "ΟΔΟΣ"):
        assert lowered(f"Visit to {odd}") is None
