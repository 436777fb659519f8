"""Metadata extraction over the whole real corpus, checked field by field against ../shared/corpus/manifest.csv.

Only the text is given (no file name), as for the unseen documents the project is judged on; every miss is printed.
"""

from __future__ import annotations

from corpus.metadata import extract_metadata, visit_type_from_label

# Field → (what the manifest row says it should be, the agreement required over readable files).
CHECKS = {
    "authority_code": (lambda row: row["ons_code"], 0.99),
    "urn": (lambda row: row["urn"], 0.99),
    "region": (lambda row: row["region"], 0.99),
    "visit_type": (lambda row: visit_type_from_label(row["site_label"]), 0.99),
}
FOCUSED_VISIT = "Focused visit"


def test_metadata_agrees_with_the_manifest(manifest, corpus_texts):
    unreadable = [row["file"] for row in manifest if corpus_texts[row["file"]] is None]
    readable = [row for row in manifest if corpus_texts[row["file"]] is not None]
    print(f"\n{len(readable)} readable files; {len(unreadable)} unreadable, left out of every figure:")
    for path in unreadable:
        print(f"  UNREADABLE {path}")
    assert len(readable) >= 0.95 * len(manifest), "text extraction failed on more than 5 % of the corpus"

    misses: dict[str, list[tuple[str, str, object]]] = {field: [] for field in [*CHECKS, "published"]}
    focused_visits = 0
    for row in readable:
        found = {name: value.value for name, value in extract_metadata(corpus_texts[row["file"]]).items()}
        for field, (expected_of, _) in CHECKS.items():
            if found.get(field) != expected_of(row):
                misses[field].append((row["file"], expected_of(row), found.get(field)))
        if visit_type_from_label(row["site_label"]) == FOCUSED_VISIT:
            focused_visits += 1
            if found.get("published") != row["published"]:
                misses["published"].append((row["file"], row["published"], found.get("published")))

    required = {field: minimum for field, (_, minimum) in CHECKS.items()} | {"published": 0.98}
    agreement = {}
    for field, field_misses in misses.items():
        total = focused_visits if field == "published" else len(readable)
        agreement[field] = 1 - len(field_misses) / total
        print(f"{field}: {total - len(field_misses)}/{total} agree ({agreement[field]:.1%})")
        for path, expected, got in field_misses:
            print(f"  MISS {field} {path}: expected {expected!r}, got {got!r}")
    assert all(agreement[field] >= required[field] for field in required), agreement
