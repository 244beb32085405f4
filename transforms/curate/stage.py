"""The curate stage for one source, as a pure function of its input tables.

Per table, in dependency order: contract (pandera) -> ids are content hashes -> references to
screenshots and elements -> verification flags (rows set aside in `rejected`) -> exact duplicates ->
near duplicates; then difficulty for grounding. Every input row ends in exactly one place, and the
ledger says where: rows_in = rows_out + quarantined + deduplicated + rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from schemas import registry
from schemas.config import CurateParams
from schemas.registry import CURATED, empty, schema
from transforms.curate.dedup import dedup_exact, normalised_text
from transforms.curate.difficulty import grade_difficulty
from transforms.curate.empirical import refine
from transforms.curate.integrity import check_ids, check_refs
from transforms.curate.near_dup import (
    dedup_grounding,
    dedup_howto,
    dedup_instructions,
    screenshot_clusters,
)
from transforms.curate.phash import phashes
from transforms.curate.validate import split_rejected, split_valid
from transforms.ledger import StageOutput

PASSED_THROUGH = ("skipped", "model_usage")  # annotate's accounts, published as they are
TABLES = CURATED  # in dependency order: a row is checked against the tables before it
# Tables whose ids are checked against their content (screenshots: the sha256 of the PNG).
ID_CHECKED = {"screenshots", "elements", "grounding", "instructions", "howto", "trajectories"}
VERIFIED = {"grounding", "instructions"}  # rows carry verification flags: flagged ones go to `rejected`
# table -> (exact dedup key, order that decides which copy is kept); captures are attempts, never
# deduplicated.
EXACT_KEYS: dict[str, tuple[pl.Expr, list[str]]] = {
    "screenshots": (pl.col("screenshot_id"), ["capture_id", "part_index"]),
    "elements": (
        pl.concat_str("screenshot_id", "css_path", "x1", "y1", "x2", "y2", separator="|"),
        ["capture_id", "element_index"],
    ),
    "grounding": (
        pl.concat_str(pl.col("screenshot_id"), normalised_text("expression"), separator="|"),
        ["grounding_id"],
    ),
    "instructions": (
        pl.concat_str(pl.col("screenshot_id"), normalised_text("instruction"), separator="|"),
        ["instruction_id"],
    ),
    "howto": (
        pl.concat_str(
            normalised_text("goal"), pl.col("steps").list.join(" | ").str.to_lowercase(), separator="|"
        ),
        ["howto_id"],
    ),
    # the same task twice (one state captured on two screens): kept once
    "trajectories": (
        pl.concat_str("kind", normalised_text("goal"), pl.col("path").list.join(" | "), separator="|"),
        ["trajectory_id"],
    ),
}
NEAR = {"grounding", "instructions", "howto"}
# An imported benchmark comes back whole (`export screenspot` gives every record back): its rows are checked
# and quarantined like any other, but never removed as duplicates, even where the benchmark repeats itself.
KEPT_WHOLE = pl.col("perspective") == "imported"
# Rows naming a screenshot: it must be one of the source's.
REFERS = {"elements", "excluded_elements", "grounding", "instructions", "howto", "trajectories"}
CLUSTER_COLUMNS = ("screenshot_id", "phash", "cluster_id")
SORT_KEYS = {
    "captures": ["capture_id"],
    "screenshots": ["screenshot_id", "capture_id"],
    "elements": ["element_id", "capture_id"],
    "excluded_elements": ["capture_id", "part_index", "css_path"],
    "grounding": ["grounding_id"],
    "instructions": ["instruction_id"],
    "howto": ["howto_id"],
    "trajectories": ["trajectory_id"],
}


class Curated(StageOutput):
    @property
    def usable_rows(self) -> int:
        """Rows kept in the data tables: zero means nothing of this source could be used."""
        return sum(self.tables[t].height for t in TABLES)


def unreadable(source_id: str, table: str, message: str) -> pl.DataFrame:
    """One quarantine row for an input file that could not be read at all."""
    return pl.DataFrame(
        [
            {
                "source_id": source_id,
                "table": table,
                "row_id": None,
                "check": "file_readable",
                "column": None,
                "value": None,
                "reason": message[:1000],
            }
        ],
        schema=schema("quarantine"),
    )


def _near(
    table: str, frame: pl.DataFrame, clusters: pl.DataFrame, params: CurateParams
) -> tuple[pl.DataFrame, pl.DataFrame]:
    if table == "grounding":
        return dedup_grounding(frame, clusters, params.near_dup.iou, normalised_text("expression"))
    if table == "instructions":
        return dedup_instructions(frame, clusters, params.near_dup)
    return dedup_howto(frame, params.near_dup.text)


def cluster_screenshots(
    screenshots: pl.DataFrame, elements: pl.DataFrame, params: CurateParams
) -> pl.DataFrame:
    """screenshot_id, phash and cluster_id for the source's screenshots."""
    if screenshots.is_empty():
        return empty("clustered_screenshots").select(CLUSTER_COLUMNS)
    counts = elements.group_by("screenshot_id").agg(n_elements=pl.len())
    hashed = screenshots.select("screenshot_id", phash=carried_phashes(screenshots, params.workers))
    hashed = hashed.join(counts, on="screenshot_id", how="left").with_columns(
        pl.col("n_elements").fill_null(0)
    )
    return screenshot_clusters(hashed, params.near_dup.phash_radius)


def carried_phashes(screenshots: pl.DataFrame, workers: int) -> pl.Series:
    """The screenshots' pHashes as uint64: those capture took as they are, the others (a producer that did
    not take them, or tables written before it did) hashed from their PNGs."""
    carried = screenshots["phash"]
    missing = carried.is_null().to_numpy()
    hashes = carried.fill_null(0).to_numpy().astype(np.int64).view(np.uint64).copy()
    if missing.any():
        pngs = screenshots["png"].filter(pl.Series(missing)).to_list()
        hashes[missing] = phashes(pngs, workers)
    return pl.Series("phash", hashes, dtype=pl.UInt64)


@dataclass
class _Books:
    """Where one table's input rows went."""

    rows_in: int = 0
    quarantined: int = 0
    deduplicated: int = 0
    rejected: int = 0


def _curate_table(
    table: str,
    given: pl.DataFrame | str,
    out: dict[str, pl.DataFrame],
    clusters: pl.DataFrame,
    source_id: str,
    params: CurateParams,
) -> tuple[pl.DataFrame, list, list, pl.DataFrame, _Books]:
    """(kept rows, quarantine frames, duplicate frames, rejected rows, books) for one table."""
    table_of = registry.table(table)
    books, bad, removed = _Books(), [], []
    flagged = empty("rejected")
    if isinstance(given, str):
        return empty(table), [unreadable(source_id, table, given)], removed, flagged, books
    books.rows_in = given.height
    valid, q = split_valid(given, table_of.model, table, table_of.row_id, source_id)
    bad.append(q)
    if valid.is_empty():  # (a table of the wrong shape comes back empty, perhaps without its columns)
        valid = empty(table)
    if table in ID_CHECKED:
        valid, q = check_ids(valid, table)
        bad.append(q)
    if table in REFERS:
        valid, q = check_refs(
            valid, table, table_of.row_id, out["screenshots"], out["elements"] if table in VERIFIED else None
        )
        bad.append(q)
    books.quarantined = books.rows_in - valid.height
    if table in VERIFIED:
        valid, flagged = split_rejected(valid, table, table_of.row_id, table_of.text)
        books.rejected = flagged.height
    whole = valid.filter(KEPT_WHOLE) if table == "grounding" else valid.clear()
    if whole.height:
        valid = valid.filter(~KEPT_WHOLE)
    if table in EXACT_KEYS:
        key, order = EXACT_KEYS[table]
        valid, gone = dedup_exact(valid, key, table_of.row_id, table, order)
        removed.append(gone)
    if table in NEAR and valid.height:
        valid, gone = _near(table, valid, clusters, params)
        removed.append(gone)
    if whole.height:
        valid = pl.concat([valid, whole.select(valid.columns)])
    books.deduplicated = sum(d.height for d in removed)
    return valid, bad, removed, flagged, books


def curate_stage(
    inputs: dict[str, pl.DataFrame | str],
    source_id: str,
    params: CurateParams,
    grounder: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame] | None = None,
) -> Curated:
    """Input tables (or, for a file that could not be read, the reason) in; curated tables and books out.
    `skipped` and `model_usage`, where given, pass through as they are. `grounder` (grounding rows and
    screenshots in, grounding_id and model_success out: empirical.model_success) refines difficulty."""
    out: dict[str, pl.DataFrame] = {}
    quarantined, duplicates, rejected, books = [], [], [], []
    shots = inputs.get("screenshots")
    if isinstance(shots, pl.DataFrame) and "png" in shots.columns and "phash" not in shots.columns:
        # captured before capture took the pHash: curate takes it
        inputs = {**inputs, "screenshots": shots.with_columns(phash=pl.lit(None, dtype=pl.Int64))}
    clusters = empty("clustered_screenshots").select(CLUSTER_COLUMNS)
    for table in TABLES:
        if table == "grounding":  # the screenshots and elements are final: cluster the screenshots
            clusters = cluster_screenshots(out["screenshots"], out["elements"], params)
        given = inputs.get(table, empty(table))  # a table no earlier stage wrote (older runs: trajectories)
        kept, bad, removed, flagged, b = _curate_table(table, given, out, clusters, source_id, params)
        out[table] = kept
        quarantined += bad
        duplicates += removed
        rejected.append(flagged)
        books.append(
            {
                "table": table,
                "rows_in": b.rows_in,
                "rows_out": kept.height,
                "quarantined": b.quarantined,
                "deduplicated": b.deduplicated,
                "rejected": b.rejected,
            }
        )
    out["screenshots"] = (
        out["screenshots"].drop("phash", strict=False).join(clusters, on="screenshot_id", how="left")
    )
    out["grounding"] = grade_difficulty(
        out["grounding"], out["elements"], out["screenshots"], params.difficulty
    )
    if grounder is not None:
        success = grounder(out["grounding"], out["screenshots"])
        out["grounding"] = refine(out["grounding"], success, params.difficulty)
    tables = {t: out[t].sort(SORT_KEYS[t]) for t in TABLES}
    tables["quarantine"] = pl.concat([empty("quarantine"), *quarantined]).sort(
        "table", "row_id", "check", "column", "value", nulls_last=True
    )
    tables["duplicates"] = pl.concat([empty("duplicates"), *duplicates]).sort("table", "row_id")
    tables["rejected"] = pl.concat(rejected).sort("table", "row_id")
    # The contracts of the published forms hold by construction; a failure here is a bug, not bad input.
    for table, form in registry.CURATED_FORM.items():
        curated = registry.table(form)
        tables[table] = curated.model.validate(curated.conform(tables[table]), lazy=True)
    tables |= {t: inputs[t] for t in PASSED_THROUGH if isinstance(inputs.get(t), pl.DataFrame)}
    return Curated(tables, books)
