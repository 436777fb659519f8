"""How letter text becomes index terms: words, folded accents, Porter stems, and common-word pairs.

`term_for` serves indexing and querying alike, so a query word always meets its indexed form.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from whoosh.analysis import Composable, Token
from whoosh.lang.porter import stem

# Letters and digits; apostrophes (curly or straight), hyphens and dots separate words, so "children’s"
# and "children's" give the same two terms, and "s47", "8" and "18" are kept as they are.
WORD = re.compile(r"[^\W_]+")

# A phrase of frequent words is costly to check by the body's positions: nearly every letter has its
# words, many times over. So each adjacent pair of frequent words is also indexed as one term, at the
# position of its first word (Lucene's "common grams"): a phrase of frequent words is then a few pairs at
# consecutive positions. Which words are frequent is measured on the letters when an index is built;
# these function words always count.
_FUNCTION_WORDS = """
    a about after all also an and any are as at be been before being both but by can could did do
    does for from had has have he her his how i if in into is it its may more most must no not of on
    one or other our over s she should so some such than that the their them there these they this
    those through to too under up upon very was we well were what when where which while who will
    with within would you your
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# A word in at least this share of letters is frequent.
COMMON_SHARE = 0.2


@lru_cache(maxsize=200_000)
def folded(word: str) -> str:
    """Lower case with accents folded, not stemmed: what a prefix query compares with index terms."""
    text = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in text if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def term_for(word: str) -> str:
    """The index term of one word: lower case, accents folded, Porter-stemmed."""
    return stem(folded(word))


FUNCTION_TERMS = frozenset(term_for(word) for word in FUNCTION_WORDS)


def printed_words(tokens: Iterable[str]) -> set[str]:
    """The different words of a text split at white space, as printed: lower case, accents folded, not
    stemmed. (Most tokens are one word already: splitting first is faster than finding every word.)"""
    found: set[str] = set()
    for token in set(tokens):
        if token.isalnum():  # the very characters WORD matches
            found.add(folded(token))
        else:
            found.update(map(folded, WORD.findall(token)))
    return found


def analyse(text: str) -> tuple[dict[str, list[int]], list[str]]:
    """Each term of the text → the positions it occurs at; and the terms in order."""
    occurrences: dict[str, list[int]] = {}
    sequence: list[str] = []
    for position, word in enumerate(WORD.findall(text)):
        term = term_for(word)
        sequence.append(term)
        found = occurrences.get(term)
        if found is None:
            occurrences[term] = [position]
        else:
            found.append(position)
    return occurrences, sequence


def pair_positions(sequence: list[str], common: frozenset[str]) -> dict[str, list[int]]:
    """Each pair of adjacent terms that are both common → the positions of its first term."""
    places: dict[str, list[int]] = {}
    previous_common = False
    previous = ""
    for position, term in enumerate(sequence):
        if term in common:
            if previous_common:
                pair = f"{previous} {term}"
                found = places.get(pair)
                if found is None:
                    places[pair] = [position - 1]
                else:
                    found.append(position - 1)
            previous_common = True
        else:
            previous_common = False
        previous = term
    return places


def common_terms(texts: Iterable[str], share: float = COMMON_SHARE) -> frozenset[str]:
    """Terms found in at least `share` of the texts, and the usual English function words."""
    frequencies: Counter[str] = Counter()
    count = 0
    for text in texts:
        frequencies.update({term_for(word) for word in WORD.findall(text)})
        count += 1
    threshold = max(1, math.ceil(share * count))
    frequent = {term for term, frequency in frequencies.items() if frequency >= threshold}
    return frozenset(frequent | FUNCTION_TERMS)


def query_terms(text: str) -> list[str]:
    """The terms a piece of query text stands for, in order."""
    return [term_for(word) for word in WORD.findall(text)]


def pair_terms(terms: list[str], common: frozenset[str]) -> list[str | None]:
    """For each two adjacent terms, their indexed pair, or None where the index has no such pair."""
    return [
        f"{first} {second}" if first in common and second in common else None
        for first, second in pairwise(terms)
    ]


class LetterAnalyzer(Composable):
    """`analyse` as a Whoosh analyzer, for Whoosh's own tools (more-like-this, query parsing)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LetterAnalyzer)

    def __hash__(self) -> int:
        return hash(LetterAnalyzer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, **kwargs: object):
        token = Token(positions=positions, chars=chars, **kwargs)
        for position, match in enumerate(WORD.finditer(value)):
            token.original = token.text = term_for(match.group())
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = match.start(), match.end()
            yield token
