"""The publish stage for one source: the curated tables it publishes, and the ledger that follows every
row from capture to publication."""

from __future__ import annotations

import polars as pl

from schemas.datasets import TIERS
from schemas.registry import PUBLISHED
from transforms.ledger import StageOutput
from transforms.publish.provenance import Stamp, with_provenance

# What publish reads from curate: every published table but the ledger, which `published_ledger` builds.
FROM_CURATE = tuple(t for t in PUBLISHED if t != "ledger")


def publish_stage(curated: dict[str, pl.DataFrame], captured: pl.DataFrame, stamp: Stamp) -> StageOutput:
    """A source's curated tables (FROM_CURATE) in, with when each capture was first made (`captured`:
    capture_id, captured_at) and what to stamp on its rows; the tables it publishes (the data tables
    with licence, provenance and language) and publish's books out: every row in is published."""
    tables = with_provenance({t: curated[t] for t in FROM_CURATE}, captured, stamp)
    books = [{"table": t, "rows_in": f.height, "rows_out": f.height} for t, f in tables.items()]
    return StageOutput(tables, books)


def published_ledger(earlier: list[pl.DataFrame], out: StageOutput, source_id: str) -> pl.DataFrame:
    """The source's ledger as published: the earlier stages' rows, then publish's own."""
    return pl.concat([*earlier, out.ledger("publish", source_id)])


def tiers_markdown(grounding: pl.DataFrame) -> str:
    """A markdown table of grounding rows per difficulty tier, with a bar for each."""
    tiers = dict(grounding.group_by("tier").len().iter_rows())
    total = max(1, grounding.height)
    rows = [f"| {t} | {tiers.get(t, 0):,} | {'█' * round(40 * tiers.get(t, 0) / total)} |" for t in TIERS]
    return "\n".join(["| tier | rows | |", "|---|---|---|", *rows])
