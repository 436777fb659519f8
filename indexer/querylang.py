"""The search box's language, parsed into a Whoosh query and a sentence saying how it was understood.

It never fails: broken input (unbalanced quotes, lone operators, …) is repaired and the repair is told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from indexer.analysis import WORD, folded, pair_terms, query_terms, term_for
from indexer.facets import BY_NAME, FACETS, value_key
from indexer.phrases import TermsInARow
from indexer.vocabulary import Vocabulary

MAX_QUERY_CHARS = 1000
MAX_TERMS = 40
MAX_DEPTH = 8  # brackets within brackets
# A prefix stands for the stems of at most this many of the most frequent words starting with it ("s*"
# would otherwise read the postings of thousands of terms); snippets mark up to the second number by stem.
MAX_PREFIX_STEMS = 20
MARKED_PREFIX_STEMS = 5

# Name in the query language → index field, and how `interpreted` names it.
QUERY_FIELDS = {name: (facet.name, facet.noun) for facet in FACETS for name in facet.query_names}
# Names in the query language of the improvement points (the field of the same name): `improve:(care plans)`.
IMPROVEMENTS = "improvements"
IMPROVEMENT_NAMES = ("improve", "improvement", "improvements")
QUOTES = "\"“”„"
OPERATORS = ("AND", "OR", "NOT")


# The parsed query -----------------------------------------------------------------------------


@dataclass
class Word:
    text: str


@dataclass
class Phrase:
    text: str


@dataclass
class Prefix:
    text: str


@dataclass
class FieldValue:
    name: str  # as typed in the query language, lower case
    text: str


@dataclass
class Within:
    """Words to find in the improvement points rather than in the whole text."""

    node: Node


@dataclass
class Negation:
    node: Node


@dataclass
class AllOf:
    nodes: list[Node]


@dataclass
class AnyOf:
    nodes: list[Node]


Node = Word | Phrase | Prefix | FieldValue | Within | Negation | AllOf | AnyOf


@dataclass
class Highlight:
    """Something to mark in snippets: one term, a phrase (terms in a row) or a prefix of terms."""

    kind: str  # "term" | "phrase" | "prefix"
    terms: tuple[str, ...]


@dataclass
class ParsedQuery:
    query: wq.Query | None  # None: every letter
    interpreted: str
    highlights: list[Highlight] = field(default_factory=list)
    # (word as typed, its term) for each plain word searched for: candidates for "did you mean".
    words: list[tuple[str, str]] = field(default_factory=list)
    # What to mark in improvement points, for snippets taken from them.
    item_highlights: list[Highlight] = field(default_factory=list)


# Tokens -----------------------------------------------------------------------------------------


@dataclass
class _Token:
    kind: str  # "word" | "phrase" | "prefix" | "field" | "within" | "op" | "minus" | "(" | ")"
    text: str = ""
    name: str = ""


class _Parser:
    def __init__(self, text: str) -> None:
        self.notes: list[str] = []
        self.tokens = self._tokenize(text)
        self.at = 0
        self.leaves = 0
        self.depth = 0

    # -- tokenizing

    def _tokenize(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char.isspace():
                i += 1
            elif char in QUOTES:
                phrase, i = self._quoted(text, i)
                tokens.append(_Token("phrase", phrase))
            elif char in "()":
                tokens.append(_Token(char))
                i += 1
            elif char == "-" and i + 1 < n and not text[i + 1].isspace():
                tokens.append(_Token("minus"))
                i += 1
            else:
                j = i
                while j < n and not text[j].isspace() and text[j] not in "()" and text[j] not in QUOTES:
                    j += 1
                chunk = text[i:j]
                i = j
                name, colon, value = chunk.partition(":")
                if colon and name.lower() in IMPROVEMENT_NAMES:
                    tokens.append(_Token("within", name=name.lower()))
                    i = j - len(value)  # what follows is read as words, a phrase or (brackets)
                elif colon and name.lower() in QUERY_FIELDS:
                    if not value and i < n and text[i] in QUOTES:
                        value, i = self._quoted(text, i)
                    elif not value:
                        while i < n and text[i].isspace():
                            i += 1
                        j = i
                        while j < n and not text[j].isspace() and text[j] not in "()":
                            j += 1
                        value, i = text[i:j], j
                    tokens.append(_Token("field", value, name.lower()))
                elif chunk in OPERATORS:
                    tokens.append(_Token("op", chunk))
                elif chunk.endswith("*") and chunk.strip("*"):
                    tokens.append(_Token("prefix", chunk.rstrip("*")))
                else:
                    tokens.append(_Token("word", chunk))
        return tokens

    def _quoted(self, text: str, start: int) -> tuple[str, int]:
        end = start + 1
        while end < len(text) and text[end] not in QUOTES:
            end += 1
        if end >= len(text):
            self.notes.append("The closing quote was missing, so the phrase runs to the end.")
            return text[start + 1 :], len(text)
        return text[start + 1 : end], end + 1

    # -- parsing

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _is_op(self, token: _Token | None, *ops: str) -> bool:
        return token is not None and token.kind == "op" and token.text in ops

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while self.at < len(self.tokens):
            node = self._any_of()
            if node is not None:
                parts.append(node)
            token = self._peek()
            if token is not None and token.kind == ")":
                self.notes.append("An unmatched closing bracket was ignored.")
                self.at += 1
        return _all_of(parts)

    def _any_of(self) -> Node | None:
        parts = [self._all_of()]
        while self._is_op(self._peek(), "OR"):
            self.at += 1
            following = self._peek()
            if following is None or following.kind == ")" or self._is_op(following, "OR"):
                self.notes.append("An OR with nothing after it was ignored.")
                continue
            parts.append(self._all_of())
        kept = [part for part in parts if part is not None]
        if len(parts) > 1 and len(kept) == 1:
            self.notes.append("An OR with nothing before it was ignored.")
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else AnyOf(kept)

    def _all_of(self) -> Node | None:
        parts: list[Node] = []
        while True:
            token = self._peek()
            if token is None or token.kind == ")" or self._is_op(token, "OR"):
                break
            if self._is_op(token, "AND"):
                self.at += 1
                following = self._peek()
                if not parts or following is None or following.kind == ")" or self._is_op(
                    following, "OR", "AND"
                ):
                    self.notes.append("An AND with nothing on one side was ignored.")
                continue
            node = self._unary()
            if node is not None:
                parts.append(node)
        return _all_of(parts)

    def _unary(self) -> Node | None:
        negations = 0
        token = self._peek()
        while token is not None and (token.kind == "minus" or self._is_op(token, "NOT")):
            self.at += 1
            negations += 1
            following = self._peek()
            if following is None or following.kind == ")" or self._is_op(following, "OR", "AND"):
                self.notes.append(f"A {'NOT' if token.kind == 'op' else 'minus'} with nothing after it was ignored.")
                return None
            token = following
        node = self._atom()
        return Negation(node) if node is not None and negations % 2 else node

    def _atom(self) -> Node | None:
        token = self.tokens[self.at]
        self.at += 1
        if token.kind == "(":
            if self.depth >= MAX_DEPTH:
                if self.depth == MAX_DEPTH:
                    self.notes.append(f"Brackets nested deeper than {MAX_DEPTH} were ignored.")
                    self.depth += 1
                return None
            self.depth += 1
            node = self._any_of()
            self.depth -= 1
            if self._peek() is not None and self._peek().kind == ")":
                self.at += 1
            else:
                self.notes.append("A closing bracket was missing; it was added at the end.")
            return node
        if token.kind == "within":
            following = self._peek()
            if following is None or following.kind in (")", "within") or following.kind == "op":
                self.notes.append(f"“{token.name}:” had no value and was ignored.")
                return None
            node = self._atom()
            return Within(node) if node is not None else None
        if token.kind == "op":  # an operator where a word should be, e.g. "NOT AND"
            self.notes.append(f"A stray {token.text} was ignored.")
            return None
        if not WORD.search(token.text):
            if token.kind == "field":
                self.notes.append(f"“{token.name}:” had no value and was ignored.")
            elif token.text.strip():
                self.notes.append(f"“{token.text}” has no letters or digits and was ignored.")
            return None
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            if self.leaves == MAX_TERMS + 1:
                self.notes.append(f"Only the first {MAX_TERMS} words and phrases were used.")
            return None
        if token.kind == "phrase":
            return Phrase(token.text)
        if token.kind == "prefix":
            return Prefix(token.text)
        if token.kind == "field":
            return FieldValue(token.name, token.text)
        return Word(token.text)


def _all_of(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(parts)


# To Whoosh ----------------------------------------------------------------------------------------


def phrase_query(terms: list[str], common: frozenset[str]) -> wq.Query:
    """Terms in a row in the body: one look-up for a single indexed pair, else positions lined up across
    the pairs and the rarer words (indexer/phrases.py)."""
    pairs = pair_terms(terms, common)
    if len(terms) == 2 and pairs[0] is not None:
        return wq.Term("pairs", pairs[0])
    return TermsInARow(terms, common)


class _Translator:
    def __init__(self, common: frozenset[str], vocabulary: Vocabulary | None) -> None:
        self.common = common
        self.vocabulary = vocabulary
        self.highlights: list[Highlight] = []
        self.words: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.item_highlights: list[Highlight] = []

    def query(self, node: Node, negated: bool = False) -> wq.Query | None:
        if isinstance(node, Word | Phrase):
            terms = query_terms(node.text)
            if not terms:
                return None
            if not negated:
                kind = "term" if len(terms) == 1 else "phrase"
                self.highlights.append(Highlight(kind, tuple(terms)))
                if isinstance(node, Word) and len(terms) == 1:
                    self.words.append((node.text, terms[0]))
            return wq.Term("body", terms[0]) if len(terms) == 1 else phrase_query(terms, self.common)
        if isinstance(node, Prefix):
            return self._prefix(node, negated)
        if isinstance(node, Within):
            return self._within(node.node, negated)
        if isinstance(node, FieldValue):
            fieldname = QUERY_FIELDS[node.name][0]
            # A facet's aliases count here too: `protection:ri`, `priority:true`, `focus:covid`.
            terms = query_terms(BY_NAME[fieldname].aliases.get(value_key(node.text), node.text))
            if not terms:
                return None
            return wq.Term(fieldname, terms[0]) if len(terms) == 1 else wq.Phrase(fieldname, terms)
        if isinstance(node, Negation):
            inner = self.query(node.node, negated=not negated)
            return wq.Not(inner) if inner is not None else None
        return _joined(node, [self.query(child, negated) for child in node.nodes])

    def _within(self, node: Node, negated: bool) -> wq.Query | None:
        """The query for `node` in the improvement points: words and phrases there; prefixes of the words
        as printed (expanded as in the body: the same stems)."""
        if isinstance(node, Word | Phrase):
            terms = query_terms(node.text)
            if not terms:
                return None
            if not negated:
                self.item_highlights.append(Highlight("term" if len(terms) == 1 else "phrase", tuple(terms)))
            return wq.Term(IMPROVEMENTS, terms[0]) if len(terms) == 1 else wq.Phrase(IMPROVEMENTS, terms)
        if isinstance(node, Prefix):
            words = WORD.findall(node.text)
            if not words:
                return None
            start = folded(words[-1])
            stems = self.vocabulary.expand(start, MAX_PREFIX_STEMS).stems if self.vocabulary else [term_for(start)]
            if not negated:
                self.item_highlights.append(Highlight("prefix", (start,)))
            return wq.Or([wq.Term(IMPROVEMENTS, stem) for stem in stems] or [wq.Term(IMPROVEMENTS, f"{start}*")])
        if isinstance(node, Negation):
            inner = self._within(node.node, not negated)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, FieldValue | Within):
            return self.query(node, negated)
        return _joined(node, [self._within(child, negated) for child in node.nodes])

    def _prefix(self, node: Prefix, negated: bool) -> wq.Query | None:
        words = WORD.findall(node.text)
        if not words:
            return None
        start = folded(words[-1])
        marked: list[str] | None = None
        if self.vocabulary is None:  # (for highlights: there is no index to search)
            prefix: wq.Query = wq.Or([wq.Prefix("body", start), wq.Prefix("body", term_for(start))])
        else:
            prefix, marked = self._expanded(start)
        if not negated and marked is not None:
            # All the words starting so have these stems: marking the stems (every printed form of each, as
            # the snippets' pattern does) marks them all, and their other forms that matched.
            self.highlights.extend(Highlight("term", (stem,)) for stem in marked)
        elif not negated:
            # Too many stems: snippets look for words starting with the prefix as printed or as a stem
            # ("leavers*": "leaver").
            self.highlights.extend(Highlight("prefix", (option,)) for option in sorted({start, term_for(start)}))
        if len(words) == 1:
            return prefix
        leading = [term_for(word) for word in words[:-1]]
        if not negated:
            self.highlights.extend(Highlight("term", (term,)) for term in leading)
        return wq.And([*(wq.Term("body", term) for term in leading), prefix])

    def _expanded(self, start: str) -> tuple[wq.Query, list[str] | None]:
        """The body terms of the printed words starting with `start` (the stems of the most frequent), and
        the stems to mark in snippets: all of them, or None when they are too many to mark one by one."""
        assert self.vocabulary is not None
        expansion = self.vocabulary.expand(start, MAX_PREFIX_STEMS)
        stems = expansion.stems
        shown = _shown(start)
        if not stems:
            self.notes.append(f"No word in the letters starts with “{shown}”.")
            return wq.Term("body", f"{start}*"), []  # a term no letter has
        complete = expansion.used == expansion.words
        if not complete:
            self.notes.append(
                f"“{shown}*” stands for the {expansion.used:,} most frequent of the {expansion.words:,} "
                "words starting so."
            )
        marked = stems if complete and len(stems) <= MARKED_PREFIX_STEMS else None
        if len(stems) == 1:
            return wq.Term("body", stems[0]), marked
        return wq.Or([wq.Term("body", stem) for stem in stems]), marked


# In words -----------------------------------------------------------------------------------------


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


def describe(node: Node, nested: bool = False) -> str:
    if isinstance(node, Word):
        return f"“{_shown(node.text)}”"
    if isinstance(node, Phrase):
        words = WORD.findall(node.text)
        return f"the phrase “{_shown(' '.join(words))}”" if len(words) > 1 else f"“{_shown(node.text)}”"
    if isinstance(node, Prefix):
        return f"words starting “{_shown(node.text)}”"
    if isinstance(node, FieldValue):
        return f"{QUERY_FIELDS[node.name][1]} “{_shown(node.text)}”"
    if isinstance(node, Within):
        return f"{describe(node.node, nested=True)} in what to improve"
    if isinstance(node, Negation):
        return f"not {describe(node.node, nested=True)}"
    joiner = " and " if isinstance(node, AllOf) else " or "
    text = joiner.join(describe(child, nested=True) for child in node.nodes)
    return f"({text})" if nested else text


def parse_query(
    text: str | None,
    common: frozenset[str] = frozenset(),
    vocabulary: Vocabulary | None = None,
    in_improvements: bool = False,
) -> ParsedQuery:
    """The query for a search box's text; never raises. `common`: the index's paired terms; `vocabulary`:
    its printed words, which prefixes are expanded against (without it the query serves highlights only);
    `in_improvements`: all of it is looked for in the improvement points only.
    """
    text = text or ""
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[: cut if cut > 0 else MAX_QUERY_CHARS]
        notes.append(f"The query was long; only its first {len(text):,} characters were used.")
    parser = _Parser(text)
    tree = parser.parse()
    if in_improvements and tree is not None:
        tree = Within(tree)
    notes.extend(parser.notes)
    translator = _Translator(common, vocabulary)
    whoosh_query = translator.query(tree) if tree is not None else None
    notes.extend(translator.notes)
    if isinstance(whoosh_query, wq.Not):
        whoosh_query = wq.And([wq.Every(), whoosh_query])
    if tree is None or whoosh_query is None:
        sentence = "All letters." if not text.strip() else "Nothing searchable in the query: all letters."
    else:
        sentence = f"Letters with {describe(tree)}."
    if notes:
        sentence += " " + " ".join(dict.fromkeys(notes))  # each repair told once
    return ParsedQuery(whoosh_query, sentence, translator.highlights, translator.words, translator.item_highlights)


def _joined(node: Node, found: list[wq.Query | None]) -> wq.Query | None:
    """The children's queries of an AND (AllOf) or OR (AnyOf) node joined; an AND of NOTs alone is taken
    from every letter."""
    subqueries = [query for query in found if query is not None]
    if not subqueries:
        return None
    if isinstance(node, AnyOf):
        return subqueries[0] if len(subqueries) == 1 else wq.Or(subqueries)
    if all(isinstance(q, wq.Not) for q in subqueries):
        subqueries.insert(0, wq.Every())
    return subqueries[0] if len(subqueries) == 1 else wq.And(subqueries)
