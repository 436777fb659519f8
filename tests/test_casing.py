"""Tests of corpus.casing: lowered copies and case-split patterns read text as re's IGNORECASE does."""

from __future__ import annotations

import re
import string
import sys

from corpus.casing import UNLIKE, each_case, in_order, lowered, taken_for


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


def test_taken_for_and_each_case_know_every_character_re_ignoring_case_takes_for_a_letter() -> None:
    # What splitting a pattern by its first letter's case rests on, checked for every character this Python knows.
    any_letter = re.compile("[a-z]", re.IGNORECASE)
    taken: dict[str, set[str]] = {letter: set() for letter in string.ascii_lowercase}
    for character in map(chr, range(sys.maxunicode + 1)):
        if any_letter.fullmatch(character):
            for letter in taken:
                if re.fullmatch(letter, character, re.IGNORECASE):
                    taken[letter].add(character)
    for letter, characters in taken.items():
        assert set(taken_for(letter)) == characters, letter
        assert {pattern.pattern[0] for pattern in each_case(letter, "")} == characters, letter


def test_patterns_split_by_case_find_what_the_pattern_ignoring_case_finds() -> None:
    text = "yours sincerely, YOURS SINCERELY; PYours sincerely. Yours  Sincerely"
    whole = re.compile(r"(?<!\w)yours\s+sincerely", re.IGNORECASE)
    split = each_case("y", r"(?<!\w.)ours\s+sincerely")
    assert [m.span() for m in in_order(split, text)] == [m.span() for m in whole.finditer(text)]
    assert len(list(in_order(split, text))) == 3


def test_in_order_finds_what_one_pattern_of_them_as_alternatives_finds_where_they_overlap() -> None:
    patterns = (re.compile("ab"), re.compile("ba"), re.compile("b+a?"))
    text = "abba babab abbba bb"
    alternatives = re.compile("ab|ba|b+a?")
    assert [m.group() for m in in_order(patterns, text)] == alternatives.findall(text)
    assert alternatives.findall(text) == ["ab", "ba", "ba", "ba", "b", "ab", "bba", "bb"]
