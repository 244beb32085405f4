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
    """An element that annotation could not use, and why (ambiguous, no name, covered...)."""

    source_id: str
    table: str
    element_id: str
    screenshot_id: str
    reason: str

    class Config:
        strict = True


class Ledger(pa.DataFrameModel):
    """Per stage, source and table: rows_in = rows_out + quarantined + deduplicated + skipped."""

    stage: str = pa.Field(isin=STAGES)
    source_id: str
    table: str
    rows_in: pl.Int64 = pa.Field(ge=0)
    rows_out: pl.Int64 = pa.Field(ge=0)
    quarantined: pl.Int64 = pa.Field(ge=0)
    deduplicated: pl.Int64 = pa.Field(ge=0)
    skipped: pl.Int64 = pa.Field(ge=0)

    @pa.dataframe_check
    def balances(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every input row is accounted for."""
        return data.lazyframe.select(
            pl.col("rows_in") == pl.col("rows_out") + pl.col("quarantined") + pl.col("deduplicated")
            + pl.col("skipped"))

    class Config:
        strict = True
