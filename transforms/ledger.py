"""The ledger: per stage, source and table, where every input row went; and what every stage entry
point returns (its tables and the ledger rows that account for them)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.bookkeeping import BALANCES
from schemas.registry import TABLES


def ledger(rows: list[dict]) -> pl.DataFrame:
    """Ledger rows (missing counts are 0) as a frame; raises if any row does not balance."""
    zeros = {"quarantined": 0, "deduplicated": 0, "skipped": 0, "rejected": 0, "contaminated": 0}
    filled = [{**zeros, **r} for r in rows]
    frame = TABLES["ledger"].frame(filled)
    unbalanced = frame.filter(~BALANCES)
    if len(unbalanced):
        raise AssertionError(f"ledger does not balance: {unbalanced.to_dicts()}")
    return frame


@dataclass
class StageOutput:
    """What a stage's entry point gives for one source: the tables it writes, and its books (ledger rows
    without stage and source: table, rows_in, rows_out and where the others went)."""

    tables: dict[str, pl.DataFrame]
    books: list[dict]

    def ledger(self, stage: str, source_id: str) -> pl.DataFrame:
        """The books as ledger rows of `stage` for `source_id`; raises if any does not balance."""
        return ledger([{"stage": stage, "source_id": source_id, **book} for book in self.books])

    def with_ledger(self, stage: str, source_id: str) -> dict[str, pl.DataFrame]:
        """The tables to write, the ledger among them."""
        return {**self.tables, "ledger": self.ledger(stage, source_id)}
