"""Contracts for the tables that account for every row: quarantine, duplicates, skipped, ledger."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

STAGES = ["capture", "annotate", "curate", "publish"]


class Quarantine(pa.DataFrameModel):
    """A row that failed its table's contract, with the check that failed and the value at fault."""

    source_id: str
    table: str
    row_id: str = pa.Field(nullable=True)
    check: str
    column: str = pa.Field(nullable=True)
    value: str = pa.Field(nullable=True)
    reason: str

    class Config:
        strict = True


class Duplicates(pa.DataFrameModel):
    """A row removed as an exact duplicate, and the row it duplicates."""

    source_id: str
    table: str
    row_id: str
    dedup_of: str
    key: str

    class Config:
        strict = True


class Skipped(pa.DataFrameModel):
    """An element (or a screenshot's refusal or scroll slot, or an imported record) that got no row of one
    table and perspective, and why (no name, covered centre, nothing distinctive to see, an imported
    record's image missing...). An imported record refused before it had a screenshot has none."""

    source_id: str
    table: str
    perspective: str
    element_id: str = pa.Field(nullable=True)
    screenshot_id: str = pa.Field(nullable=True)
    reason: str

    class Config:
        strict = True


class Rejected(pa.DataFrameModel):
    """A grounding or instruction row that failed verification: kept out of the datasets, kept here."""

    source_id: str
    table: str
    row_id: str
    screenshot_id: str
    element_id: str = pa.Field(nullable=True)
    perspective: str
    text: str
    n_matches: pl.Int32
    quality_flags: pl.List(pl.String)

    class Config:
        strict = True


class ModelUsage(pa.DataFrameModel):
    """What an annotator spent per source: requests, cache hits, retries, failures, tokens, cost."""

    source_id: str
    annotator: str
    requests: pl.Int64 = pa.Field(ge=0)
    cache_hits: pl.Int64 = pa.Field(ge=0)
    retries: pl.Int64 = pa.Field(ge=0)
    failures: pl.Int64 = pa.Field(ge=0)
    prompt_tokens: pl.Int64 = pa.Field(ge=0)
    completion_tokens: pl.Int64 = pa.Field(ge=0)
    cost_usd: float = pa.Field(ge=0)

    class Config:
        strict = True


# Where a ledger row's input rows went: each one to exactly one place.
BALANCES = pl.col("rows_in") == pl.sum_horizontal(
    "rows_out", "quarantined", "deduplicated", "skipped", "rejected"
)


class Ledger(pa.DataFrameModel):
    """Per stage, source and table: rows_in = rows_out + quarantined + deduplicated + skipped + rejected."""

    stage: str = pa.Field(isin=STAGES)
    source_id: str
    table: str
    rows_in: pl.Int64 = pa.Field(ge=0)
    rows_out: pl.Int64 = pa.Field(ge=0)
    quarantined: pl.Int64 = pa.Field(ge=0)
    deduplicated: pl.Int64 = pa.Field(ge=0)
    skipped: pl.Int64 = pa.Field(ge=0)
    rejected: pl.Int64 = pa.Field(ge=0)

    @pa.dataframe_check
    def balances(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every input row is accounted for."""
        return data.lazyframe.select(BALANCES)

    class Config:
        strict = True


class Versions(pa.DataFrameModel):
    """Every published version: the content hash of what it published, when, which sources, how many rows."""

    version: str
    published_at: pl.Datetime("us", "UTC")
    content_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    sources: pl.List(pl.String)
    row_counts: str
    files: pl.Int32 = pa.Field(ge=0)

    class Config:
        strict = True


class Inputs(pa.DataFrameModel):
    """What a source's capture read, recorded before it read it: the source's entry (JSON), its
    fingerprint, and every local file as "<sha256>  <name>". `watch` compares fingerprints with the
    published ones; each release commits them all as data/inputs.json."""

    source_id: str
    fingerprint: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    entry: str
    files: pl.List(pl.String)

    class Config:
        strict = True
