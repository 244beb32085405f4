"""Curate grounding rows that do not fit in memory: partitions on disk, one at a time.

Every check and dedup of a grounding row looks only at its own screenshot cluster (references,
duplicates, near duplicates, difficulty), so rows are split by a hash of their cluster into partitions
that each fit in memory; Polars reads each partition's rows from the input Parquet files with the
filter pushed into the scan, and the results are written partition by partition. Peak memory is one
partition, whatever the total.

Only bench/curate.py uses it (its 10M-row part); nothing in flows/ or transforms/ calls it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.config import DifficultyParams, NearDupParams
from schemas.datasets import Grounding
from transforms.curate.dedup import dedup_exact, normalised_text
from transforms.curate.difficulty import grade_difficulty
from transforms.curate.integrity import check_ids, check_refs
from transforms.curate.near_dup import dedup_grounding, screenshot_clusters
from transforms.curate.stage import EXACT_KEYS
from transforms.curate.validate import split_valid
from transforms.storage import write_parquet_atomic


def curate_grounding_partitioned(
    folder: Path,
    out: Path,
    partitions: int,
    near: NearDupParams | None = None,
    params: DifficultyParams | None = None,
) -> dict[str, int]:
    """Reads folder/screenshots.parquet (screenshot_id, width, height, phash, n_elements) and every
    folder/grounding-*.parquet and elements-*.parquet; writes out/<table>-<part>.parquet for grounding,
    quarantine and duplicates. Returns the row counts."""
    params, near = params or DifficultyParams(), near or NearDupParams()
    shots = pl.read_parquet(folder / "screenshots.parquet")
    clusters = screenshot_clusters(shots, near.phash_radius)
    parts = clusters.with_columns(part=(pl.col("cluster_id").hash(seed=11) % partitions).cast(pl.Int32))
    grounding_files = pl.scan_parquet(sorted(folder.glob("grounding-*.parquet")))
    element_files = pl.scan_parquet(sorted(folder.glob("elements-*.parquet")))
    counts = {"rows_in": 0, "kept": 0, "quarantined": 0, "duplicates": 0}
    for part in range(partitions):
        ids = parts.filter(pl.col("part") == part)["screenshot_id"]
        mine = pl.col("screenshot_id").is_in(ids.implode())
        rows = grounding_files.filter(mine).collect(engine="streaming")
        elements = element_files.filter(mine).collect(engine="streaming")
        screens = shots.filter(mine)
        valid, bad = split_valid(
            rows, Grounding, "grounding", "grounding_id", rows["source_id"][0] if rows.height else ""
        )
        valid, bad_ids = check_ids(valid, "grounding")
        valid, bad_refs = check_refs(valid, "grounding", "grounding_id", screens, elements)
        key, order = EXACT_KEYS["grounding"]
        kept, exact = dedup_exact(valid, key, "grounding_id", "grounding", order)
        kept, similar = dedup_grounding(kept, clusters.filter(mine), near.iou, normalised_text("expression"))
        graded = grade_difficulty(kept, elements, screens, params)
        write_parquet_atomic(graded, out / f"grounding-{part:03d}.parquet")
        write_parquet_atomic(pl.concat([bad, bad_ids, bad_refs]), out / f"quarantine-{part:03d}.parquet")
        write_parquet_atomic(pl.concat([exact, similar]), out / f"duplicates-{part:03d}.parquet")
        counts["rows_in"] += rows.height
        counts["kept"] += graded.height
        counts["quarantined"] += rows.height - valid.height
        counts["duplicates"] += exact.height + similar.height
        del rows, elements, valid, kept, graded
    return counts
