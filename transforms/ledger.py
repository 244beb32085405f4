"""The ledger: per stage, source and table, where every input row went."""

from __future__ import annotations

import polars as pl

from schemas.registry import schema


def ledger(rows: list[dict]) -> pl.DataFrame:
    """Ledger rows (missing counts are 0) as a frame; raises if any row does not balance."""
    filled = [{"quarantined": 0, "deduplicated": 0, "skipped": 0, "rejected": 0, **r} for r in rows]
    frame = pl.DataFrame(filled, schema=schema("ledger"))
    unbalanced = frame.filter(
        pl.col("rows_in")
        != pl.col("rows_out")
        + pl.col("quarantined")
        + pl.col("deduplicated")
        + pl.col("skipped")
        + pl.col("rejected")
    )
    if len(unbalanced):
        raise AssertionError(f"ledger does not balance: {unbalanced.to_dicts()}")
    return frame
