"""The publish stage for one source: the curated tables it publishes, and the ledger that follows every
row from capture to publication."""

from __future__ import annotations

import polars as pl

from schemas.datasets import TIERS
from schemas.registry import CROSS_SOURCE, PUBLISHED, TABLES
from transforms.ledger import StageOutput
from transforms.publish.messages import public_messages
from transforms.publish.provenance import Stamp, with_provenance

# What publish reads from curate: every published table but the ledger, which `published_ledger` builds,
# and the cross-source tables, which publish computes over all sources.
FROM_CURATE = tuple(t for t in PUBLISHED if t != "ledger" and t not in CROSS_SOURCE)


def publish_stage(curated: dict[str, pl.DataFrame], captured: pl.DataFrame, stamp: Stamp) -> StageOutput:
    """A source's curated tables (FROM_CURATE) in, with when each capture was first made (`captured`:
    capture_id, captured_at) and what to stamp on its rows; the tables it publishes (the data tables
    with licence, provenance and language) and publish's books out: every row in is published."""
    tables = public_messages(with_provenance({t: curated[t] for t in FROM_CURATE}, captured, stamp))
    books = [{"table": t, "rows_in": f.height, "rows_out": f.height} for t, f in tables.items()]
    return StageOutput(tables, books)


def published_ledger(earlier: list[pl.DataFrame], out: StageOutput, source_id: str) -> pl.DataFrame:
    """The source's ledger as published: the earlier stages' rows, then publish's own."""
    return conform_ledger(
        pl.concat([conform_ledger(f) for f in [*earlier, out.ledger("publish", source_id)]])
    )


def conform_ledger(ledger: pl.DataFrame) -> pl.DataFrame:
    """A ledger in the registered shape; one written before `contaminated` was counted gets 0 there."""
    return TABLES["ledger"].conform(ledger).with_columns(pl.col("contaminated").fill_null(0))


def count_contaminated(ledger: pl.DataFrame, contaminated: pl.DataFrame) -> pl.DataFrame:
    """A source's published ledger and its `contaminated` rows in; the ledger with `contaminated` set on
    publish's rows (of each table's rows out, those that match a benchmark) and 0 on the others."""
    counts = dict(contaminated.group_by("table").len().iter_rows())
    found = pl.col("table").replace_strict(counts, default=0, return_dtype=pl.Int64)
    return conform_ledger(ledger).with_columns(
        contaminated=pl.when(pl.col("stage") == "publish").then(found).otherwise(0)
    )


def tiers_markdown(grounding: pl.DataFrame) -> str:
    """A markdown table of grounding rows per difficulty tier, with a bar for each."""
    tiers = dict(grounding.group_by("tier").len().iter_rows())
    total = max(1, grounding.height)
    rows = [f"| {t} | {tiers.get(t, 0):,} | {'█' * round(40 * tiers.get(t, 0) / total)} |" for t in TIERS]
    return "\n".join(["| tier | rows | |", "|---|---|---|", *rows])
