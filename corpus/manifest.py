"""A CSV manifest of files and what Ofsted's site says about each: imports that keep their URLs.

Rows match files by path (relative to the manifest) or by SHA-256; their facts are the crawler's (sitefacts).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from corpus.documents import SHA256
from corpus.sitefacts import site_facts

# The columns read (first name found wins); any other column is ignored.
COLUMNS = {
    "path": ("path",),
    "url": ("url", "source_url"),
    "urn": ("urn",),
    "label": ("site_label",),
    "published": ("published",),
    "sha256": ("sha256",),
}


class ManifestError(Exception):
    """A manifest that cannot be used at all (unreadable, or with neither a path nor a sha256 column)."""


@dataclass(frozen=True)
class Row:
    """One usable row: where it is in the file, the file it names, and the site's facts about that file."""

    line: int
    path: Path | None
    sha256: str | None
    facts: dict[str, Any]


@dataclass
class Manifest:
    """The rows of a manifest, found by the path or the content of a file being imported.

    `problems` are sentences about rows (or values in them) that could not be used; the rest still is.
    """

    path: Path
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _by_path: dict[Path, Row] = field(default_factory=dict)
    _by_sha256: dict[str, Row] = field(default_factory=dict)
    _matched: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a manifest; ManifestError when it cannot be read or names no file at all."""
        manifest = cls(path)
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                headers = {name.strip().lower(): name for name in reader.fieldnames or ()}
                columns = {
                    key: next((headers[name] for name in names if name in headers), None)
                    for key, names in COLUMNS.items()
                }
                if columns["path"] is None and columns["sha256"] is None:
                    raise ManifestError(
                        f"{path} has neither a path nor a sha256 column, so no row can be matched to a file "
                        f"(its columns: {', '.join(reader.fieldnames or ()) or 'none'})"
                    )
                for values in reader:
                    manifest._add(reader.line_num, {key: (values.get(name) or "").strip()
                                                    for key, name in columns.items() if name})
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise ManifestError(f"{path} cannot be read as a CSV manifest: {error}") from error
        return manifest

    def _add(self, line: int, values: dict[str, str]) -> None:
        where = f"{self.path.name}, line {line}"
        relative = values.get("path")
        sha256 = values.get("sha256", "").lower() or None
        if sha256 and not SHA256.fullmatch(sha256):
            self.problems.append(f"{where}: {sha256!r} is not a SHA-256; the row is matched by its path only")
            sha256 = None
        if not relative and not sha256:
            self.problems.append(f"{where}: neither a path nor a SHA-256, so it names no file")
            return
        url = values.get("url") or None
        if url and not url.startswith(("http://", "https://")):
            self.problems.append(f"{where}: {url!r} is not a web address; the row's URL is left out")
            url = None
        urn = values.get("urn") or None
        if urn and not urn.isdigit():
            self.problems.append(f"{where}: {urn!r} is not an Ofsted URN; it is left out")
            urn = None
        published = values.get("published") or None
        if published and not _is_iso_date(published):
            self.problems.append(f"{where}: {published!r} is not a date as YYYY-MM-DD; it is left out")
            published = None
        row = Row(
            line=line,
            path=(self.path.parent / relative).resolve() if relative else None,
            sha256=sha256,
            facts=site_facts(url, values.get("label") or None, published, urn),
        )
        self.rows.append(row)
        # The first row naming a file wins; a later one for the same file would be a contradiction.
        if row.path is not None:
            self._by_path.setdefault(row.path, row)
        if row.sha256 is not None:
            self._by_sha256.setdefault(row.sha256, row)

    def facts_for(self, path: Path, sha256: str) -> dict[str, Any]:
        """The site's facts for a file being imported, by its path, else by its content; {} for no row.

        A row whose SHA-256 is not the file's (the file changed since) does not describe it.
        """
        row = self._by_path.get(path.resolve())
        if row is not None and row.sha256 not in (None, sha256):
            self.problems.append(
                f"{self.path.name}, line {row.line}: {path} is not the file the row describes "
                "(its SHA-256 differs); the row is not used for it"
            )
            row = None
        row = row or self._by_sha256.get(sha256)
        if row is None:
            return {}
        self._matched.add(row.line)
        return dict(row.facts)

    @property
    def matched(self) -> int:
        """How many rows have matched a file so far."""
        return len(self._matched)

    def missing(self) -> list[str]:
        """Sentences for the rows that matched no file and whose file is not there."""
        return [
            f"{self.path.name}, line {row.line}: "
            + (f"{row.path} is missing" if row.path else f"no file imported has the SHA-256 {row.sha256}")
            for row in self.rows
            if row.line not in self._matched and not (row.path and row.path.is_file())
        ]


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
