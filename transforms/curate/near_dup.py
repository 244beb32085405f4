"""Near-duplicate removal: screenshot clusters by pHash, then grounding, instruction and how-to rows.

- Screenshots: two screenshots are near duplicates when their 64-bit pHashes differ in at most
  `radius` bits. Candidates come from banding: split the hash into radius + 1 bands; by pigeonhole two
  hashes within the radius agree on at least one band, so only hashes that share a band value are
  compared. Clusters are connected components; the representative is the screenshot with the most
  elements, then the smallest id. Screenshots are kept (each has its own rows) and labelled.
- Grounding rows: the same normalised expression in one screenshot cluster, boxes overlapping with
  IoU >= `iou`: one row stays (the one on the cluster's representative, then the smallest id).
- Instruction rows: near-duplicate text (MinHash candidates, exact word n-gram Jaccard) within a
  screenshot cluster and action type, and boxes with IoU >= `iou`.
- How-to procedures: MinHash near-duplicate goal and steps.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schemas.config import MinHashParams, NearDupParams
from transforms.curate.minhash import components, near_duplicate_pairs


def hash_pairs(hashes: np.ndarray, radius: int) -> np.ndarray:
    """(P, 2) index pairs i < j whose uint64 hashes differ in at most `radius` bits (exact, via bands)."""
    edges = np.linspace(0, 64, radius + 2).astype(int)
    bands = {
        f"k{b}": (hashes >> np.uint64(lo)) & np.uint64((1 << (hi - lo)) - 1)
        for b, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))
    }
    frame = pl.DataFrame({"h": hashes, "i": np.arange(len(hashes), dtype=np.int64), **bands}).lazy()
    close = (pl.col("i") < pl.col("i_j")) & ((pl.col("h") ^ pl.col("h_j")).bitwise_count_ones() <= radius)
    # Bands are short (9 bits at radius 6), so one band's candidates grow as n^2 / 512: 40M pairs a band
    # at 200k screenshots. Filtered by distance as the streaming join makes them, they never pile up.
    found = [
        frame.select("h", "i", k).join(frame.select("h", "i", k), on=k, suffix="_j").filter(close)
        for k in bands
    ]
    every = pl.concat([f.select("i", "i_j") for f in found]).unique().sort("i", "i_j")
    return every.collect(engine="streaming").to_numpy().reshape(-1, 2)


def screenshot_clusters(screenshots: pl.DataFrame, radius: int) -> pl.DataFrame:
    """screenshot_id, phash (signed 64-bit, as Parquet stores it) and cluster_id (the representative's
    id) for screenshots with columns screenshot_id, phash (uint64) and n_elements."""
    ordered = screenshots.sort(["n_elements", "screenshot_id"], descending=[True, False])
    hashes = ordered["phash"].to_numpy().astype(np.uint64)
    label = components(len(ordered), hash_pairs(hashes, radius))  # the smallest index is the best member
    ids = ordered["screenshot_id"].to_numpy()
    return pl.DataFrame({"screenshot_id": ids, "phash": hashes.view(np.int64), "cluster_id": ids[label]})


def iou(s: str = "_j") -> pl.Expr:
    """IoU of the boxes (x1..y2) and (x1<s>..y2<s>) of a self-joined frame."""
    w = (pl.min_horizontal("x2", f"x2{s}") - pl.max_horizontal("x1", f"x1{s}")).clip(0)
    h = (pl.min_horizontal("y2", f"y2{s}") - pl.max_horizontal("y1", f"y1{s}")).clip(0)
    inter = w * h
    area = (pl.col("x2") - pl.col("x1")) * (pl.col("y2") - pl.col("y1"))
    area_j = (pl.col(f"x2{s}") - pl.col(f"x1{s}")) * (pl.col(f"y2{s}") - pl.col(f"y1{s}"))
    return inter / (area + area_j - inter)


def _dedup_pairs(
    frame: pl.DataFrame, pairs: pl.DataFrame, row_id: str, table: str, key: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop every row that a candidate pair links to a better row (rows are ranked by `_rank`, best
    first); the chain of links is followed to the surviving row."""
    n = frame.height
    edges = pairs.select("_rank", "_rank_j").to_numpy()
    label = components(n, edges)
    ranked = frame.with_columns(_label=pl.Series(label))
    best = ranked.select("_rank", "_label", pl.col(row_id).alias("dedup_of"))
    kept = ranked.filter(pl.col("_rank") == pl.col("_label"))
    removed = ranked.filter(pl.col("_rank") != pl.col("_label")).join(
        best.select(pl.col("_rank").alias("_label"), "dedup_of"), on="_label"
    )
    dupes = removed.select(
        "source_id",
        pl.lit(table).alias("table"),
        pl.col(row_id).alias("row_id"),
        "dedup_of",
        pl.lit(key).alias("key"),
    )
    return kept.drop("_rank", "_label"), dupes


def _pair_frame(pairs) -> pl.DataFrame:
    """(i, j) rank pairs from a (P, 2) array, as the frame _dedup_pairs takes."""
    return pl.DataFrame(
        {"_rank": pairs[:, 0], "_rank_j": pairs[:, 1]}, schema={"_rank": pl.Int64, "_rank_j": pl.Int64}
    )


def rank(frame: pl.DataFrame, by: list[str], descending: list[bool]) -> pl.DataFrame:
    """The rows in a deterministic best-first order, numbered in `_rank`."""
    return (
        frame.sort(by, descending=descending)
        .with_row_index("_rank")
        .with_columns(pl.col("_rank").cast(pl.Int64))
    )


def dedup_grounding(
    grounding: pl.DataFrame, clusters: pl.DataFrame, min_iou: float, text_key: pl.Expr
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Grounding rows on near-duplicate screenshots: same cluster and normalised expression, IoU
    >= min_iou."""
    with_cluster = grounding.join(
        clusters.select("screenshot_id", "cluster_id"), on="screenshot_id", how="left"
    )
    ranked = rank(
        with_cluster.with_columns(_key=text_key, _on_rep=pl.col("screenshot_id") == pl.col("cluster_id")),
        ["_on_rep", "grounding_id"],
        [True, False],
    )
    boxed = ranked.filter(pl.col("x1").is_not_null()).select(
        "_rank", "cluster_id", "_key", "x1", "y1", "x2", "y2"
    )
    pairs = boxed.join(boxed, on=["cluster_id", "_key"], suffix="_j").filter(
        (pl.col("_rank") < pl.col("_rank_j")) & (iou() >= min_iou)
    )
    kept, dupes = _dedup_pairs(
        ranked, pairs, "grounding_id", "grounding", f"near: cluster, expression, IoU>={min_iou}"
    )
    return kept.drop("cluster_id", "_key", "_on_rep"), dupes


def dedup_instructions(
    instructions: pl.DataFrame, clusters: pl.DataFrame, params: NearDupParams
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Near-duplicate instruction texts (MinHash) in one cluster and action type, IoU >= params.iou."""
    with_cluster = instructions.join(
        clusters.select("screenshot_id", "cluster_id"), on="screenshot_id", how="left"
    )
    ranked = rank(
        with_cluster.with_columns(_on_rep=pl.col("screenshot_id") == pl.col("cluster_id")),
        ["_on_rep", "instruction_id"],
        [True, False],
    )
    scope = (
        ranked.select(pl.concat_str("cluster_id", "action_type", "gt_type").hash(seed=3))
        .to_series()
        .to_numpy()
    )
    pairs = _pair_frame(near_duplicate_pairs(ranked["instruction"], params.text, scope))
    boxes = ranked.select("_rank", "x1", "y1", "x2", "y2")
    pairs = pairs.join(boxes, on="_rank").join(boxes, left_on="_rank_j", right_on="_rank", suffix="_j")
    pairs = pairs.filter(pl.all_horizontal(pl.col("x1", "x1_j").is_null()) | (iou() >= params.iou))
    kept, dupes = _dedup_pairs(
        ranked,
        pairs,
        "instruction_id",
        "instructions",
        f"near: MinHash J>={params.text.threshold}, cluster, action, IoU>={params.iou}",
    )
    return kept.drop("cluster_id", "_on_rep"), dupes


def dedup_howto(howto: pl.DataFrame, params: MinHashParams) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Near-duplicate procedures (goal and steps, MinHash); the one with most steps stays."""
    ranked = rank(howto, ["n_steps", "howto_id"], [True, False])
    text = ranked.select(
        pl.concat_str(pl.col("goal"), pl.col("steps").list.join(" "), separator=" ")
    ).to_series()
    pairs = _pair_frame(near_duplicate_pairs(text, params))
    return _dedup_pairs(ranked, pairs, "howto_id", "howto", f"near: MinHash J>={params.threshold}")
