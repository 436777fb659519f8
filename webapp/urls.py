"""Links that change one thing about the current search: add, remove or replace GET arguments.

Chips, chart bars, page links, the suggestion and the data links are all built with these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

Pair = tuple[str, str]


def path_with_added_args(path: str, args: MultiDict, added: Iterable[Pair],
                         removed: Iterable[str] = ("page",)) -> str:
    """`path` with the current arguments plus `added` pairs (a value already present stays once).

    The arguments named in `removed` go: a new filter starts again from page 1.
    """
    pairs = _pairs(args, drop_keys=set(removed))
    pairs += [pair for pair in added if pair not in pairs]
    return _build(path, pairs)


def path_with_removed_args(path: str, args: MultiDict, removed: Iterable[str | Pair]) -> str:
    """`path` with the current arguments minus each removed key (all its values) or (key, value)."""
    removed = list(removed)
    keys = {item for item in removed if isinstance(item, str)} | {"page"}
    pairs = [pair for pair in _pairs(args, drop_keys=keys) if pair not in removed]
    return _build(path, pairs)


def path_with_replaced_args(path: str, args: MultiDict, replaced: dict[str, str | None]) -> str:
    """`path` with each named argument set to one value, or dropped where the value is None."""
    pairs = _pairs(args, drop_keys=set(replaced))
    pairs += [(key, value) for key, value in replaced.items() if value is not None]
    return _build(path, pairs)


def _pairs(args: MultiDict, drop_keys: set[str]) -> list[Pair]:
    """The arguments in order, without empty values (an empty form field means nothing)."""
    return [(key, value) for key, value in args.items(multi=True)
            if key not in drop_keys and value.strip()]


def _build(path: str, pairs: list[Pair]) -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path
