"""Benchmark contamination: the rows of training sources that a benchmark source's rows would leak into.

A source declared `role: benchmark` is evaluation data. Every other source's rows are checked against
it, screen first:

- same bytes: the row's screenshot is a benchmark screenshot (screenshot ids are the PNG's sha256);
- near screen: the screenshots' 64-bit pHashes differ in at most `phash_radius` bits (the radius that
  makes two screenshots of one source near duplicates), found exactly through bands as in near_dup.py;
- near instruction: on such a screen pair, the row's text (a grounding expression or an instruction)
  is the same as a benchmark row's, or a near duplicate: word n-gram Jaccard similarity at least the
  MinHash threshold, over minhash.py's shingles. MinHash's banding exists to find candidate pairs among
  many texts; here the screen pair already makes them few, so each pair's exact Jaccard is taken (what
  MinHash estimates) and no pair is missed.

Each contaminated row is listed once, with its strongest match (near instruction, same bytes, near
screen) and the benchmark row it matches: the benchmark's grounding row for a text match, its
screenshot for a screen match. Benchmark sources are not checked against each other.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schemas.bookkeeping import CONTAMINATION_MATCHES
from schemas.config import NearDupParams
from schemas.registry import TABLES
from transforms.curate.minhash import jaccard, shingles

# The tables whose text is compared, and their text column; the other checked tables (screenshots, howto)
# are matched by their screen only.
COMPARED_TEXT = {"grounding": "expression", "instructions": "instruction"}
CHECKED_ROWS = pl.Schema(
    {
        "table": pl.String,
        "source_id": pl.String,
        "row_id": pl.String,
        "screenshot_id": pl.String,
        "text": pl.String,
    }
)


def columns_read(table: str) -> list[str]:
    """The columns of a published table that `checked_rows` reads."""
    text = [COMPARED_TEXT[table]] if table in COMPARED_TEXT else []
    return list(dict.fromkeys(["source_id", TABLES[table].row_id, "screenshot_id", *text]))


def checked_rows(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Published tables (screenshots, grounding, instructions, howto; any subset) in; one frame of their
    rows as the check reads them: table, source_id, row_id, screenshot_id, text (null where not compared).
    Rows without a screenshot (a how-to found on no screen) cannot match and are left out."""
    frames = []
    for name, frame in tables.items():
        text = pl.col(COMPARED_TEXT[name]) if name in COMPARED_TEXT else pl.lit(None, dtype=pl.String)
        frames.append(
            frame.filter(pl.col("screenshot_id").is_not_null()).select(
                pl.lit(name).alias("table"),
                "source_id",
                pl.col(TABLES[name].row_id).alias("row_id"),
                "screenshot_id",
                text.alias("text"),
            )
        )
    return pl.concat(frames).unique(maintain_order=True) if frames else pl.DataFrame(schema=CHECKED_ROWS)


def _with_bands(screens: pl.DataFrame, radius: int) -> pl.DataFrame:
    """Screenshots with their pHash cut into radius + 1 bands (k0, k1, ...): by pigeonhole, two hashes
    within the radius agree on one band at least."""
    hashes = screens["phash"].to_numpy().astype(np.int64).view(np.uint64)
    edges = np.linspace(0, 64, radius + 2).astype(int)
    return screens.with_columns(
        pl.Series(f"k{b}", (hashes >> np.uint64(lo)) & np.uint64((1 << (hi - lo)) - 1))
        for b, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))
    )


def screen_matches(screens: pl.DataFrame, benchmarks: set[str], radius: int) -> pl.DataFrame:
    """Screenshots (source_id, screenshot_id, phash as published: signed 64-bit) in; each pair of a
    training screenshot and a benchmark screenshot within `radius` bits: screenshot_id,
    benchmark_source_id, benchmark_screenshot_id, phash_distance."""
    is_bench = pl.col("source_id").is_in(list(benchmarks))
    bench = _with_bands(screens.filter(is_bench).unique(["source_id", "screenshot_id"]), radius).rename(
        {"source_id": "benchmark_source_id", "screenshot_id": "benchmark_screenshot_id", "phash": "phash_j"}
    )
    train = _with_bands(screens.filter(~is_bench).unique("screenshot_id"), radius).drop("source_id")
    distance = (pl.col("phash") ^ pl.col("phash_j")).bitwise_count_ones().cast(pl.Int32)
    found = [
        train.lazy()
        .select("screenshot_id", "phash", f"k{b}")
        .join(
            bench.lazy().select("benchmark_source_id", "benchmark_screenshot_id", "phash_j", f"k{b}"),
            on=f"k{b}",
        )
        .with_columns(phash_distance=distance)
        .filter(pl.col("phash_distance") <= radius)
        .select("screenshot_id", "benchmark_source_id", "benchmark_screenshot_id", "phash_distance")
        for b in range(radius + 1)
    ]
    return pl.concat(found).unique().collect(engine="streaming").sort(pl.all())


def _text_matches(candidates: pl.DataFrame, bench_rows: pl.DataFrame, params: NearDupParams) -> pl.DataFrame:
    """Training rows on a matched screen (with their screen's matches) and the benchmark rows of those
    benchmark screens in; each (training row, benchmark row) pair on a matched screen pair whose texts'
    word n-gram Jaccard similarity reaches the threshold, with `text_similarity`."""
    pairs = candidates.filter(pl.col("text").is_not_null()).join(
        bench_rows.select(
            pl.col("source_id").alias("benchmark_source_id"),
            pl.col("table").alias("benchmark_table"),
            pl.col("row_id").alias("benchmark_row_id"),
            pl.col("screenshot_id").alias("benchmark_screenshot_id"),
            pl.col("text").alias("benchmark_text"),
        ),
        on=["benchmark_source_id", "benchmark_screenshot_id"],
    )
    if pairs.is_empty():
        return pairs.with_columns(text_similarity=pl.lit(None, dtype=pl.Float64))
    texts = pl.concat([pairs["text"], pairs["benchmark_text"]]).unique(maintain_order=True)
    index = {t: i for i, t in enumerate(texts.to_list())}
    at = np.column_stack(
        [
            pairs["text"].replace_strict(index).to_numpy(),
            pairs["benchmark_text"].replace_strict(index).to_numpy(),
        ]
    ).astype(np.int64)
    similarity = jaccard(at, shingles(texts, params.text.ngram))
    return pairs.with_columns(text_similarity=pl.Series(similarity)).filter(
        pl.col("text_similarity") >= params.text.threshold
    )


def contamination(
    rows: pl.DataFrame, screens: pl.DataFrame, benchmarks: set[str], params: NearDupParams
) -> pl.DataFrame:
    """Every source's checked rows (`checked_rows`) and screenshots (source_id, screenshot_id, phash) in,
    with the ids of the benchmark sources; the `contaminated` table out: each training row that matches
    a benchmark, once, with its strongest match."""
    table = TABLES["contaminated"]
    if not benchmarks:
        return table.empty()
    matches = screen_matches(screens, benchmarks, params.phash_radius)
    is_bench = pl.col("source_id").is_in(list(benchmarks))
    candidates = rows.filter(~is_bench).join(matches, on="screenshot_id")
    by_screen = candidates.with_columns(
        match=pl.when(pl.col("screenshot_id") == pl.col("benchmark_screenshot_id"))
        .then(pl.lit("same_bytes"))
        .otherwise(pl.lit("near_screen")),
        benchmark_table=pl.lit("screenshots"),
        benchmark_row_id=pl.col("benchmark_screenshot_id"),
        text_similarity=pl.lit(None, dtype=pl.Float64),
    )
    bench_rows = rows.filter(
        is_bench & pl.col("table").is_in(list(COMPARED_TEXT)) & pl.col("text").is_not_null()
    )
    by_text = _text_matches(
        candidates.filter(pl.col("table").is_in(list(COMPARED_TEXT))), bench_rows, params
    ).with_columns(match=pl.lit("near_instruction"))
    strength = pl.col("match").replace_strict(CONTAMINATION_MATCHES, list(range(len(CONTAMINATION_MATCHES))))
    every = pl.concat([table.conform(by_screen), table.conform(by_text)])
    best = every.sort(
        strength,
        pl.col("text_similarity").fill_null(0),
        "phash_distance",
        "benchmark_source_id",
        "benchmark_row_id",
        descending=[False, True, False, False, False],
    ).unique(["source_id", "table", "row_id"], keep="first", maintain_order=True)
    return best.sort("source_id", "table", "row_id")
