"""The Python query API: LetterIndex.open(data_dir) → search(), get(), more_like_this(), stats().

Results and hits are plain dataclasses; `Results.to_dict()` is the JSON the CLI and the web API print.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.reading import TermNotFound

from corpus.letters import Letter
from corpus.store import LetterStore, is_letter_id
from indexer import generations
from indexer.analysis import FUNCTION_TERMS, analyse, folded
from indexer.directory import (
    AuthorityDetail,
    AuthoritySummary,
    Directory,
    InspectorDetail,
    InspectorSummary,
    select_authorities,
)
from indexer.facets import BY_NAME, COUNTED, FacetTable
from indexer.querylang import ParsedQuery, parse_query
from indexer.request import DEFAULT_PER_PAGE, MAX_PER_PAGE, SORTS, keyword_filters
from indexer.schema import SCHEMA, displayed
from indexer.scoring import every_match, every_score
from indexer.snippets import (
    find_spans,
    highlight_pattern,
    is_plain,
    item_snippet,
    letter_matches,
    make_snippet,
    marked_html,
)
from indexer.vocabulary import VOCABULARY_FILE, Vocabulary

ORIGINAL_TYPES = {"pdf": "application/pdf", "html": "text/html", "txt": "text/plain"}
MORE_LIKE_THIS_TERMS = 12
# "Did you mean" corrects a word found in no letter with the nearest printed word (one edit away for short
# words, two for others); and a word of RARE_MIN_LENGTH letters or more found in at most RARE_LETTERS letters
# when a word one edit away, with the same first letter, is in RARER_BY times as many: a typo in a letter.
# (Looser rules, tried on the real letters, turned names into common words: "Barnet" → "parent".)
SHORT_WORD = 4
RARE_LETTERS = 1
RARE_MIN_LENGTH = 6
RARER_BY = 50


class IndexMissing(FileNotFoundError):
    """There is no index in the data directory yet, or only one that `letters reindex` must rebuild."""


@dataclass
class Hit:
    id: str
    title: str | None
    authority: str | None
    authority_code: str | None
    visit_type: str | None
    published: date | None
    visit_start: date | None
    visit_end: date | None
    inspectors: list[str]
    url: str | None
    score: float | None  # None when sorted by date
    snippet_text: str  # the passage that best shows why the letter matched, plain text
    snippet_spans: list[tuple[int, int]]  # (start, end) of each match in snippet_text
    framework: str | None = None
    judgements: dict[str, str] = field(default_factory=dict)  # judgement key → grade
    send_outcome: str | None = None
    priority_action: bool | None = None
    focus_areas: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON; `snippet` is the passage as safe HTML with <mark> around the matches."""
        # (Field by field, not dataclasses.asdict: its deep copies cost more than the rest of a search's JSON.)
        record = {name: getattr(self, name) for name in _HIT_FIELDS}
        del record["snippet_text"], record["snippet_spans"]
        record.update(snippet=marked_html(self.snippet_text, self.snippet_spans), snippet_text=self.snippet_text,
                      snippet_spans=[list(span) for span in self.snippet_spans], inspectors=list(self.inspectors),
                      judgements=dict(self.judgements), focus_areas=list(self.focus_areas))
        for name in ("published", "visit_start", "visit_end"):
            record[name] = record[name].isoformat() if record[name] else None
        if record["score"] is not None:
            record["score"] = round(record["score"], 4)
        return record


_HIT_FIELDS = tuple(each.name for each in fields(Hit))
# A hit's fields read as they are stored (indexer.schema.displayed); the rest come from the search.
STORED_HIT_FIELDS = tuple(name for name in _HIT_FIELDS if name not in ("score", "snippet_text", "snippet_spans"))


@dataclass
class Results:
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[tuple[Any, int]]]  # facet → [(value, count)], most frequent first
    suggestion: str | None
    interpreted: str
    sort: str = "relevance"
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """What `letters search --json` and the web API print."""
        return {
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "per_page": self.per_page,
            "took_ms": self.took_ms,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [[value, count] for value, count in values] for name, values in self.facets.items()},
            "suggestion": self.suggestion,
            "interpreted": self.interpreted,
        }


@dataclass(frozen=True, slots=True)
class _Found:
    """What a search selected, before it is counted, ordered and shown."""

    parsed: ParsedQuery
    order: str  # relevance, newest or oldest
    scores: dict[int, float] | None  # document number → score, when sorted by relevance
    matched: frozenset[int]  # the query and dates, before the filters
    masks: dict[str, frozenset[int]]  # facet → its filter's letters
    hits: frozenset[int]  # all of them

    def score(self, docnum: int) -> float | None:
        return self.scores[docnum] if self.scores else None

    def ordered(self, table: FacetTable, first: int, count: int) -> list[int]:
        """Document numbers of the hits from `first`, `count` of them: by score (ties: index order), or by
        date (ties: id); none past the end."""
        hits, scores, wanted = self.hits, self.scores, first + count
        if first >= len(hits):
            return []
        if scores is not None:
            return heapq.nsmallest(wanted, hits, key=lambda d: (-scores[d], d))[first:wanted]
        days, ids = table.days, table.ids
        if self.order == "oldest":
            key = lambda d: (days[d] == 0, days[d], ids[d])  # noqa: E731
        else:
            key = lambda d: (days[d] == 0, -days[d], ids[d])  # noqa: E731
        return heapq.nsmallest(wanted, hits, key=key)[first:wanted]


def _original_in(store: LetterStore, letter: Letter | str) -> tuple[Path, str, str] | None:
    if isinstance(letter, str):
        letter = store.get(letter) if is_letter_id(letter) else None
    kept = store.original_of(letter) if letter else None
    if letter is None or kept is None:
        return None
    path, media_type = kept
    name = PurePath(letter.source.split("?")[0]).name
    if not name.lower().endswith(f".{media_type}"):
        name = f"{letter.id}.{media_type}"
    return path, name, ORIGINAL_TYPES[media_type]


class LetterIndex:
    """The live index of a data directory, searchable from any number of threads.

    Each search checks whether a reindex has changed the index and, if so, moves to the new one.
    """

    def __init__(self, data_dir: Path | str) -> None:
        # "~/.local/share/letters" as the README writes it; absolute, so messages name the folder looked at.
        self.data_dir = Path(data_dir).expanduser().resolve()
        self._lock = threading.RLock()
        self._generation: Path | None = None
        self._stamp: tuple[int, ...] | None = None  # generations.live_stamp when the searcher was last checked
        self._searcher: Any = None
        self._table: FacetTable | None = None
        self._vocabulary = Vocabulary()
        self._vocabulary_file: tuple[int, int] | None = None  # (inode, mtime) of the file read
        self._directory: tuple[Any, Directory] | None = None  # (the searcher it was built from, it)
        self._texts: Any = None  # the live searcher's column of letters' texts (UTF-8)
        # Document number → whether its text's letters are all ASCII (indexer.snippets.is_plain), as found by
        # the first search showing it from the live searcher: most are, and are matched as bytes.
        self._plain: dict[int, bool] = {}

    @classmethod
    def open(cls, data_dir: Path | str) -> LetterIndex:
        """The index in `data_dir`; IndexMissing (with a sentence saying what to do) when there is none."""
        index = cls(data_dir)
        with index._lock:
            index._current()
        return index

    @property
    def generation(self) -> str | None:
        """The name of the index generation the last search read (each full rebuild makes a new one)."""
        return self._generation.name if self._generation else None

    def __enter__(self) -> LetterIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._table = self._generation = None

    # The live searcher ---------------------------------------------------------------------------

    def _current(self, reopen: bool = False) -> tuple[Any, FacetTable]:
        # Every search asks: two stats say nothing changed, where reading CURRENT and listing the generation's
        # files (Whoosh's up_to_date) took a tenth of a quick search's time.
        if not reopen and self._searcher is not None and self._stamp is not None:
            assert self._generation is not None and self._table is not None
            if generations.live_stamp(self.data_dir, self._generation) == self._stamp:
                return self._searcher, self._table
        stamp = self._stamp = None
        if self._generation is not None:
            stamp = generations.live_stamp(self.data_dir, self._generation)  # before looking, so a change after shows
        generation = generations.current_generation(self.data_dir)
        if generation is None:
            raise IndexMissing(f"There is no index in {self.data_dir}: run `letters reindex` first.")
        stale = (
            reopen
            or self._searcher is None
            or generation != self._generation
            or not self._searcher.up_to_date()
        )
        if stale:
            if generations.read_build_info(generation).get("schema") != SCHEMA:
                raise IndexMissing(
                    f"The index in {self.data_dir} was built by another version of letters: "
                    "run `letters reindex` to rebuild it."
                )
            try:
                searcher = generations.open_index(generation).searcher()
            except generations.UnreadableIndex as error:
                raise IndexMissing(
                    f"The index in {self.data_dir} needs a rebuild: {error}. Run `letters reindex` to rebuild it."
                ) from None
            table = FacetTable(searcher)
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._table, self._generation = searcher, table, generation
            reader = searcher.reader()
            self._texts = reader.column_reader("text") if reader.doc_count_all() else []  # (none when empty)
            self._plain = {}
        self._refresh_vocabulary(generation)
        if generation == self._generation and stamp is not None:
            self._stamp = stamp
        assert self._table is not None
        return self._searcher, self._table

    def _refresh_vocabulary(self, generation: Path) -> None:
        # An update rewrites the vocabulary just after its index commit: it is checked on its own.
        try:
            status = (generation / VOCABULARY_FILE).stat()
            found: tuple[int, int] | None = (status.st_ino, status.st_mtime_ns)
        except FileNotFoundError:
            found = None
        if found != self._vocabulary_file:
            self._vocabulary = Vocabulary.load(generation)
            self._vocabulary_file = found

    def _run(self, work: Any) -> Any:
        """Run `work(searcher, table)`; once more on a fresh searcher if a reindex pulled files away."""
        with self._lock:
            try:
                return work(*self._current())
            except (IndexMissing, TermNotFound):
                raise
            except (OSError, whoosh_index.EmptyIndexError, KeyError, ValueError):
                return work(*self._current(reopen=True))

    # Search --------------------------------------------------------------------------------------

    def search(
        self,
        query: str | None = None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: str | None = None,
        page: int = 1,
        per_page: int = DEFAULT_PER_PAGE,
        in_improvements: bool = False,
        **filters: Iterable[str | int] | str | int | None,
    ) -> Results:
        """Letters matching the query text and every filter; see the README for the query language.

        Filters are the facets' keywords (indexer.facets.FACETS: authority=, visit_type=, inspector=,
        region=, year=, …), each a value or a list of values, matched as `letters search` matches them
        (indexer.request: case, aliases, whole words); InvalidRequest lists values no letter has. Values of
        one filter are ORed, different filters ANDed. Dates and years are those of the visit (its start), or
        of publication for a letter without visit dates. `page` past the end gives an empty page; `per_page`
        is kept within 1..100. `in_improvements`: the query's words are looked for in the improvement points
        only.
        """
        started = time.perf_counter()
        selections = self._selections(sort, filters)
        per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
        page = max(1, int(page))

        def work(searcher: Any, table: FacetTable) -> Results:
            found = self._select(searcher, table, query, selections, date_from, date_to, sort, in_improvements)
            facets = {}
            for name in (facet.name for facet in COUNTED):
                others = [mask for other, mask in found.masks.items() if other != name]
                facets[name] = table.count(name, found.hits if name not in found.masks
                                           else _intersect(found.matched, others))
            total = len(found.hits)
            pages = max(1, math.ceil(total / per_page))
            ordered = found.ordered(table, (page - 1) * per_page, per_page)
            page_hits = [self._hit(searcher, d, found.parsed, found.score(d)) for d in ordered]
            suggestion = self._suggestion(searcher, table, query or "", found.parsed, date_from, date_to, found.masks)
            return Results(
                query=query or "",
                total=total,
                page=page,
                pages=pages,
                per_page=per_page,
                took_ms=0.0,
                hits=page_hits,
                facets=facets,
                suggestion=suggestion,
                interpreted=found.parsed.interpreted + _describe_filters(selections, date_from, date_to),
                sort=found.order,
                filters={**selections, "date_from": date_from, "date_to": date_to},
            )

        results = self._run(work)
        results.took_ms = round((time.perf_counter() - started) * 1000, 1)
        return results

    def every_hit(
        self,
        query: str | None = None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: str | None = None,
        in_improvements: bool = False,
        **filters: Iterable[str | int] | str | int | None,
    ) -> list[Hit]:
        """Every letter search() finds with these arguments, in its order, without snippets: the rows that
        exports write (/search.csv, `letters search --all`), from one search rather than one a page."""
        selections = self._selections(sort, filters)

        def work(searcher: Any, table: FacetTable) -> list[Hit]:
            found = self._select(searcher, table, query, selections, date_from, date_to, sort, in_improvements)
            ordered = found.ordered(table, 0, len(found.hits))
            return [self._hit(searcher, d, None, found.score(d), snippet=False) for d in ordered]

        return self._run(work)

    def _selections(self, sort: str | None, filters: dict[str, Any]) -> dict[str, list[Any]]:
        """The filters' values as each facet selects them; InvalidRequest for values no letter has."""
        if sort is not None and sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        return {name: [BY_NAME[name].selected(value) for value in values]
                for name, values in keyword_filters(filters, self.known_values).items()}

    def _select(self, searcher: Any, table: FacetTable, query: str | None, selections: dict[str, list[Any]],
                date_from: date | None, date_to: date | None, sort: str | None, in_improvements: bool) -> _Found:
        """The letters matching the query, the dates and every filter, with their scores when sorted by them."""
        parsed = parse_query(query, searcher.schema["pairs"].common, self._vocabulary, in_improvements)
        order = sort or ("relevance" if parsed.query is not None else "newest")
        scores: dict[int, float] | None = None
        if order == "relevance" and parsed.query is not None:
            scores = every_score(searcher, parsed.query, table.lengths)
            matched = frozenset(scores)
        else:
            matched = self._matching(searcher, table, parsed.query)
        if date_from or date_to:
            matched = matched & table.date_mask(date_from, date_to)
        masks = {name: table.mask(name, values) for name, values in selections.items()}
        return _Found(parsed, order, scores, matched, masks, _intersect(matched, masks.values()))

    def _matching(self, searcher: Any, table: FacetTable, whoosh_query: wq.Query | None) -> frozenset[int]:
        """Every live document matching the query (all of them for None)."""
        return table.live if whoosh_query is None else every_match(searcher, whoosh_query, table.lengths)

    def _hit(self, searcher: Any, docnum: int, parsed: ParsedQuery | None, score: float | None,
             snippet: bool = True) -> Hit:
        """The hit of one letter; its snippet shows the query's matches (without a query: the opening)."""
        stored = searcher.stored_fields(docnum)
        shown = {name: value for name, value in displayed(stored).items() if name in STORED_HIT_FIELDS}
        if not snippet:
            return Hit(**shown, score=score, snippet_text="", snippet_spans=[])
        utf8 = self._texts[docnum]
        plain = self._plain.get(docnum)
        if plain is None:
            plain = self._plain[docnum] = is_plain(utf8)
        patterns = highlight_pattern(parsed.highlights, self._vocabulary) if parsed is not None else None
        text, spans = letter_matches(utf8, patterns, plain)
        found = None
        if parsed is not None and parsed.item_highlights and not parsed.highlights:
            found = item_snippet(stored.get("improvements", "").split("\n"),
                                 highlight_pattern(parsed.item_highlights, self._vocabulary))
        snippet_text, snippet_spans = found or make_snippet(text, spans, patterns)
        return Hit(**shown, score=score, snippet_text=snippet_text, snippet_spans=snippet_spans)

    # Did you mean --------------------------------------------------------------------------------

    def _suggestion(
        self,
        searcher: Any,
        table: FacetTable,
        query: str,
        parsed: ParsedQuery,
        date_from: date | None,
        date_to: date | None,
        masks: dict[str, frozenset[int]],
    ) -> str | None:
        """The query with unknown or rare words replaced by printed words one or two edits away that more
        letters have, when that finds letters; else None."""
        reader = searcher.reader()
        suggestion = query
        for word, term in parsed.words:
            printed = folded(word)
            if len(printed) < 3 or not printed.isalpha():
                continue
            letters = reader.doc_frequency("body", term)
            if letters == 0:
                near = self._vocabulary.near(printed, 1 if len(printed) <= SHORT_WORD else 2)
            elif letters <= RARE_LETTERS and len(printed) >= RARE_MIN_LENGTH:
                near = [
                    (edits, more, other)
                    for edits, more, other in self._vocabulary.near(printed, 1)
                    if other[0] == printed[0] and more >= RARER_BY * letters
                ]
            else:
                continue
            if near:  # (a word of letters only: nothing in it means anything to re.sub)
                better = _cased_like(word, near[0][2])
                suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, suggestion, count=1)
        if suggestion == query:
            return None
        corrected = parse_query(suggestion, searcher.schema["pairs"].common, self._vocabulary)
        found = self._matching(searcher, table, corrected.query)
        if date_from or date_to:
            found = found & table.date_mask(date_from, date_to)
        found = _intersect(found, masks.values())
        return suggestion if found else None

    # Single letters ------------------------------------------------------------------------------

    def get(self, letter_id: str) -> Letter | None:
        """The full letter with its text, as the store keeps it; None for an unknown id."""
        if not is_letter_id(letter_id):
            return None
        with LetterStore(self.data_dir) as store:
            return store.get(letter_id)

    def highlighter(self, query: str) -> Callable[[str], list[tuple[int, int]]]:
        """A function giving every match of the query's words in a text (a letter's full text), found as the
        snippets find them: stems, printed forms, accents folded, phrases whole, negated words left out."""
        with self._lock:
            self._current()
            vocabulary = self._vocabulary
        pattern = highlight_pattern(parse_query(query).highlights, vocabulary) if query else None
        return lambda text: find_spans(text, pattern)

    def original(self, letter: Letter | str) -> tuple[Path, str, str] | None:
        """A letter's original file as kept in the data directory: (path, download name, media type); the
        letter itself, or its id to read it by."""
        with LetterStore(self.data_dir) as store:
            return _original_in(store, letter)

    def originals(self, letter_ids: Iterable[str]) -> dict[str, tuple[Path, str, str]]:
        """original() of each of these letters that has one kept, from the store opened once (a feed's entries)."""
        with LetterStore(self.data_dir) as store:
            return {letter_id: kept for letter_id in letter_ids if (kept := _original_in(store, letter_id))}

    def more_like_this(self, letter_id: str, n: int = 5) -> list[Hit]:
        """Up to n other letters sharing the most distinctive words of this one."""
        if not is_letter_id(letter_id):
            return []

        def work(searcher: Any, table: FacetTable) -> list[Hit]:
            docnum = searcher.document_number(id=letter_id)
            if docnum is None:
                return []
            reader = searcher.reader()
            text = self._texts[docnum].decode("utf-8")
            documents = max(1, reader.doc_count())
            weights = []
            for term, places in analyse(text)[0].items():
                if term in FUNCTION_TERMS or len(term) < 3 or term.isdigit():
                    continue
                frequency = reader.doc_frequency("body", term)
                if frequency > 1:
                    weights.append((len(places) * (1 + math.log(documents / frequency)), term))
            chosen = heapq.nlargest(MORE_LIKE_THIS_TERMS, weights)
            if not chosen:
                return []
            similar = wq.Or([wq.Term("body", term, boost=weight) for weight, term in chosen])
            found = searcher.search(similar, limit=n, mask={docnum})
            return [self._hit(searcher, hit.docnum, None, hit.score) for hit in found]

        return self._run(work)

    # Facet values ------------------------------------------------------------------------------

    def facet_values(self, name: str) -> list[tuple[Any, int]]:
        """(value, letters) of one facet (its name in indexer.facets.FACETS) over every letter, listed in
        the facet's order."""
        def work(searcher: Any, table: FacetTable) -> list[tuple[Any, int]]:
            return BY_NAME[name].listed(table.count(name, table.live))

        return self._run(work)

    def known_values(self, name: str) -> list[str]:
        """Every value of one facet the letters have, as strings: what typed values are resolved against."""
        with self._lock:
            return self._current()[1].known(name)

    # Authorities and inspectors --------------------------------------------------------------------

    def _directory_of(self, searcher: Any, table: FacetTable) -> Directory:
        # Built once per searcher, like the facet table: a reindex gives a new searcher and a new directory.
        if self._directory is None or self._directory[0] is not searcher:
            self._directory = (searcher, Directory(searcher, table))
        return self._directory[1]

    def directory(self) -> Directory:
        """Authorities and inspectors over the live index (see indexer.directory)."""
        return self._run(self._directory_of)

    def authorities(self, region: str | None = None) -> list[AuthoritySummary]:
        """Every current authority (and former ones with letters): latest inspection and focused visit; of one
        region (any case) if given, InvalidRequest for a region no authority is in."""
        return select_authorities(self.directory().authorities(), region=region)

    def authority(self, name_or_code: str) -> AuthorityDetail | None:
        """One authority by slug, name, ONS code or URN: history, timeline, neighbours; None if unknown."""
        return self.directory().authority(name_or_code)

    def inspectors(self) -> list[InspectorSummary]:
        """Every inspector named in a letter, variants of one name counted as one."""
        return self.directory().inspectors()

    def inspector(self, name: str) -> InspectorDetail | None:
        """One inspector by name (any printed variant) or slug; None if no letter names them."""
        return self.directory().inspector(name)

    # Figures -------------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Letters per visit type and per year, the index's size on disk and its last build."""

        def work(searcher: Any, table: FacetTable) -> dict[str, Any]:
            live = sorted(table.live)
            assert self._generation is not None
            return {
                "letters": len(live),
                "visit_types": table.count("visit_type", live),
                "years": sorted(table.count("year", live)),
                "size_bytes": generations.size_on_disk(self._generation),
                "generation": self._generation.name,
                "build": generations.read_build_info(self._generation),
                "segments": len(searcher.reader().leaf_readers()),
            }

        return self._run(work)


def _cased_like(typed: str, word: str) -> str:
    """`word` in the case it was typed in: all capitals, a capital first, or lower case."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def _intersect(documents: frozenset[int], masks: Iterable[frozenset[int]]) -> frozenset[int]:
    for mask in sorted(masks, key=len):
        documents = documents & mask
    return documents


def _describe_filters(selections: dict[str, Sequence[Any]], date_from: date | None, date_to: date | None) -> str:
    parts = [f"{BY_NAME[name].noun} {' or '.join(str(v) for v in values)}" for name, values in selections.items()]
    if date_from and date_to:
        parts.append(f"visited {date_from.isoformat()} to {date_to.isoformat()}")
    elif date_from:
        parts.append(f"visited from {date_from.isoformat()}")
    elif date_to:
        parts.append(f"visited up to {date_to.isoformat()}")
    return f" Only letters with {'; '.join(parts)}." if parts else ""
