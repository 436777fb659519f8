"""Letters as flat records for other tools: JSON lines and CSV, one record per letter or per improvement.

The record is the letter's fields plus its id, source, url, where each field came from, and disagreements.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from corpus.findings import JUDGEMENTS
from corpus.letters import FIELDS, Letter

COLUMNS = ("id", "source", "url", *FIELDS, "origins", "disagreements")
# In CSV the judgements become one column each, in the place of the `judgements` field.
CSV_COLUMNS = tuple(
    name for field in COLUMNS for name in (JUDGEMENTS if field == "judgements" else (field,))
)
# How CSV joins a list: improvements are sentences, so they need a separator no sentence uses.
LIST_SEPARATORS = {"improvements": " | "}
DEFAULT_SEPARATOR = "; "
# One row per improvement: which letter it comes from, and the item.
IMPROVEMENT_COLUMNS = ("id", "authority", "visit_type", "published", "item")


def letter_record(letter: Letter, with_text: bool = False) -> dict[str, Any]:
    """One letter as a flat dict: id, source, url, every field (None where unknown), origins, disagreements."""
    record: dict[str, Any] = {"id": letter.id, "source": letter.source, "url": letter.url}
    record.update(letter.fields)
    record["origins"] = {name: found.origin for name, found in letter.metadata.items()}
    record["disagreements"] = letter.disagreements
    if with_text:
        record["text"] = letter.text
    return record


def write_jsonl(letters: Iterable[Letter], output: TextIO, with_text: bool = False) -> int:
    count = 0
    for letter in letters:
        output.write(json.dumps(letter_record(letter, with_text), ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record as CSV cells: a column per judgement; lists joined; true/false; other structures as JSON."""
    row: dict[str, Any] = {}
    for name, value in record.items():
        if name == "judgements":
            row.update({key: (value or {}).get(key) for key in JUDGEMENTS})
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            row[name] = LIST_SEPARATORS.get(name, DEFAULT_SEPARATOR).join(value)
        elif isinstance(value, dict | list):
            row[name] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            row[name] = value
    return row


def write_csv(letters: Iterable[Letter], output: TextIO, with_text: bool = False) -> int:
    """CSV with a column per field and per judgement; improvements joined by " | ", other lists by "; "."""
    columns = [*CSV_COLUMNS, "text"] if with_text else list(CSV_COLUMNS)
    writer = csv.DictWriter(output, fieldnames=columns)
    writer.writeheader()
    count = 0
    for letter in letters:
        writer.writerow(csv_row(letter_record(letter, with_text)))
        count += 1
    return count


def improvement_rows(letters: Iterable[Letter]) -> Iterator[dict[str, Any]]:
    """Each "what needs to improve" item of each letter, with the letter it comes from."""
    for letter in letters:
        for item in letter.get("improvements") or ():
            yield {
                "id": letter.id,
                "authority": letter.get("authority"),
                "visit_type": letter.get("visit_type"),
                "published": letter.get("published"),
                "item": item,
            }


def write_improvements_jsonl(letters: Iterable[Letter], output: TextIO) -> int:
    count = 0
    for row in improvement_rows(letters):
        output.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_improvements_csv(letters: Iterable[Letter], output: TextIO) -> int:
    writer = csv.DictWriter(output, fieldnames=IMPROVEMENT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in improvement_rows(letters):
        writer.writerow(row)
        count += 1
    return count
