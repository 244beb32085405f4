"""DVC metrics and plots of a published version, and the manifest of its inputs: small text files that
each release commits, so `dvc metrics diff <tag> <tag>` and `dvc plots diff` compare versions and a tag
says what it was made from. Written deterministically: the same data gives the same bytes."""

from __future__ import annotations

import json

import polars as pl

from schemas.bookkeeping import BALANCES
from schemas.datasets import TIERS

PLOTTED = ("grounding", "instructions", "howto", "screenshots")  # per-source counts in sources.csv
HISTOGRAM_BINS = 10  # difficulty in [0, 1], in bins of 0.1


def dataset_metrics(
    rows: dict[str, dict[str, int]], ledger: pl.DataFrame, grounding: pl.DataFrame, quarantine: pl.DataFrame
) -> dict:
    """Rows per table (in all and per source), the ledger's balance, the difficulty tiers' shares of the
    graded grounding rows, and quarantined rows per table and check."""
    totals = {"rows": ledger.height, "unbalanced": ledger.filter(~BALANCES).height}
    columns = ("rows_in", "rows_out", "quarantined", "deduplicated", "skipped", "rejected", "contaminated")
    for column in columns:
        totals[column] = int(ledger[column].sum())
    graded = grounding.filter(pl.col("tier").is_not_null())
    tiers = dict(graded.group_by("tier").len().iter_rows())
    reasons = quarantine.group_by(pl.concat_str("table", "check", separator="/")).len().iter_rows()
    return {
        "rows": {table: sum(by_source.values()) for table, by_source in sorted(rows.items())},
        "rows_by_source": {
            source: {table: rows[table].get(source, 0) for table in sorted(rows)}
            for source in sorted({s for by_source in rows.values() for s in by_source})
        },
        "ledger": totals,
        "tiers": {t: round(tiers.get(t, 0) / max(1, graded.height), 4) for t in TIERS},
        "quarantine": dict(sorted(reasons)),
    }


def difficulty_histogram(grounding: pl.DataFrame) -> str:
    """CSV: graded grounding rows per difficulty bin (its lower edge), every bin listed."""
    scores = grounding["difficulty"].drop_nulls()
    bins = (scores * HISTOGRAM_BINS).floor().clip(0, HISTOGRAM_BINS - 1).cast(pl.Int64)
    counted = dict(bins.value_counts().iter_rows())
    lines = ["difficulty,rows"] + [
        f"{k / HISTOGRAM_BINS:.1f},{counted.get(k, 0)}" for k in range(HISTOGRAM_BINS)
    ]
    return "\n".join(lines) + "\n"


def source_counts(rows: dict[str, dict[str, int]]) -> str:
    """CSV: per source, its rows of the datasets and its screenshots."""
    sources = sorted({s for by_source in rows.values() for s in by_source})
    lines = [",".join(("source", *PLOTTED))]
    lines += [",".join([s, *(str(rows.get(t, {}).get(s, 0)) for t in PLOTTED)]) for s in sources]
    return "\n".join(lines) + "\n"


def as_json(document: dict) -> bytes:
    """Stable JSON: sorted keys, one value per line."""
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def inputs_manifest(records: dict[str, dict], pages: dict[str, list[tuple[str, str]]]) -> dict:
    """source id -> its inputs record (entry, fingerprint, files) and the pages it captured, as
    "<sha256>  <page path or URL>" (the captures' content hashes)."""
    return {
        source: {**records.get(source, {}), "pages": sorted({f"{sha}  {path}" for path, sha in found})}
        for source, found in sorted(pages.items())
    }
