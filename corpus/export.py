"""Letters as flat records for other tools: JSON lines and CSV, one record per letter.

The record is the letter's fields plus its id, source, url, where each field came from, and disagreements.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from corpus.letters import FIELDS, Letter

COLUMNS = ("id", "source", "url", *FIELDS, "origins", "disagreements")


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


def write_csv(letters: Iterable[Letter], output: TextIO, with_text: bool = False) -> int:
    """CSV with a column per field; lists joined by "; ", origins and disagreements as JSON."""
    columns = [*COLUMNS, "text"] if with_text else list(COLUMNS)
    writer = csv.DictWriter(output, fieldnames=columns)
    writer.writeheader()
    count = 0
    for letter in letters:
        record = letter_record(letter, with_text)
        for name, value in record.items():
            if isinstance(value, list):
                record[name] = "; ".join(value)
            elif isinstance(value, dict):
                record[name] = json.dumps(value, ensure_ascii=False) if value else ""
        writer.writerow(record)
        count += 1
    return count
