"""Curate benchmark: validate + dedup + grade on synthetic rows, and the near-duplicate finders against
their usual baselines, all measured in one run on this machine.

    .venv/bin/python bench/curate.py                    # 1M rows, 10M streamed, text and pHash baselines
    .venv/bin/python bench/curate.py --rows 200000 --big 0 --texts 20000 --images 60   # quick look

It prints, per part: wall time and peak RSS of validate, dedup and grade on N grounding rows (planted
exact and near duplicates, recovered against the plan); the same for 10M rows streamed through
partitions on disk; MinHash/LSH text near-duplicates against datasketch (throughput, recall and
precision against exact Jaccard); pHash against imagehash (time per image, identical hashes).

Each part checks that its work was done, and FAILs when not: rows kept > 0, at most 1 % quarantined,
>= 95 % of the planted exact and near duplicate pairs found, at most 5 % of rows removed beyond the
planted copies, >= 95 % of planted near-duplicate texts found, hashes identical to imagehash's. Targets
(time, memory, speed-up) print PASS or MISS, judged only at the size they are stated for (1M rows, 10M
rows, 100k texts, 100 images). A FAIL or a MISS makes the exit status 1, with the reasons on the last
line. --omit-column NAME drops a grounding column, to see the run fail as a table behind its contract
would make it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baselines import phash_speed, text_near_dup  # noqa: E402
from checks import MIN_RECALL, Checks  # noqa: E402
from partitioned import curate_grounding_partitioned  # noqa: E402
from synthetic import generate  # noqa: E402

from schemas.config import DifficultyParams, MinHashParams, NearDupParams  # noqa: E402
from schemas.datasets import Grounding  # noqa: E402
from transforms.curate.dedup import dedup_exact, normalised_text  # noqa: E402
from transforms.curate.difficulty import grade_difficulty  # noqa: E402
from transforms.curate.integrity import check_ids, check_refs  # noqa: E402
from transforms.curate.near_dup import dedup_grounding, screenshot_clusters  # noqa: E402
from transforms.curate.stage import EXACT_KEYS  # noqa: E402
from transforms.curate.validate import split_valid  # noqa: E402

GIB = 1 << 30


class PeakRSS:
    """Samples this process's resident set size every 5 ms; `peak` is the largest seen since reset()."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.now())

    def reset(self) -> None:
        self.peak = self.now()


RSS = PeakRSS()


@contextmanager
def measured(name: str, results: dict):
    RSS.reset()
    start = time.perf_counter()
    yield
    results[name] = (time.perf_counter() - start, max(RSS.peak, RSS.now()))
    print(f"  {name:<9} {results[name][0]:7.2f} s   peak RSS {results[name][1] / GIB:5.2f} GiB", flush=True)


MAX_QUARANTINED = 0.01  # synthetic rows are valid by construction: more than this is a broken input
MAX_EXTRA = 0.05  # rows removed beyond the planted copies (chance collisions of short labels), of all rows


def planted_recall(planted: pl.LazyFrame, removed: pl.LazyFrame) -> dict[str, tuple[int, int]]:
    """kind -> (planted pairs found, planted pairs): a pair is found when its copy or its original was
    removed as a duplicate (which of the two stays is the dedup's ranking, not the plan's)."""
    gone = removed.select(pl.col("row_id").unique()).collect()["row_id"].implode()
    found = planted.with_columns(found=pl.col("copy_id").is_in(gone) | pl.col("original_id").is_in(gone))
    table = found.group_by("kind").agg(pl.col("found").sum(), pl.len()).collect()
    return {k: (f, n) for k, f, n in table.iter_rows()}


def check_curated(
    checks: Checks, rows_in: int, quarantined: int, kept: int, removed: int, recall: dict, n_planted: int
) -> None:
    """The work-was-done checks shared by the in-memory and the streamed part."""
    checks.require(kept > 0, f"rows kept {kept:,} > 0")
    share = quarantined / max(1, rows_in)
    checks.require(share <= MAX_QUARANTINED, f"quarantined {share:.2%} of rows <= {MAX_QUARANTINED:.0%}")
    for kind in ("exact", "near"):
        found, planted = recall.get(kind, (0, 0))
        checks.require(
            planted > 0 and found / planted >= MIN_RECALL,
            f"planted {kind} duplicates found {found:,} of {planted:,} >= {MIN_RECALL:.0%}",
        )
    extra = (removed - n_planted) / max(1, rows_in)
    checks.require(
        extra <= MAX_EXTRA, f"removed beyond the planted copies {extra:.2%} of rows <= {MAX_EXTRA:.0%}"
    )


def rows_in_memory(n: int, checks: Checks, omit: str | None) -> None:
    print(f"\n== {n:,} grounding rows in memory: validate + dedup + grade ==")
    data = generate(n, seed=1)
    shots, elements, grounding = data["screenshots"], data["elements"], data["grounding"]
    if omit:
        grounding = grounding.drop(omit)
        print(f"  column {omit!r} left out of the grounding rows (--omit-column)")
    print(f"  input: {grounding.height:,} rows, {elements.height:,} elements, {shots.height:,} screenshots")
    results: dict = {}
    with measured("validate", results):
        valid, bad = split_valid(grounding, Grounding, "grounding", "grounding_id", "bench")
        valid, bad_ids = check_ids(valid, "grounding")
        valid, bad_refs = check_refs(valid, "grounding", "grounding_id", shots, elements)
    quarantined = bad.height + bad_ids.height + bad_refs.height
    with measured("dedup", results):
        key, order = EXACT_KEYS["grounding"]
        kept, exact = dedup_exact(valid, key, "grounding_id", "grounding", order)
        clusters = screenshot_clusters(shots, radius=NearDupParams().phash_radius)
        kept, near = dedup_grounding(kept, clusters, 0.5, normalised_text("expression"))
    with measured("grade", results):
        graded = grade_difficulty(kept, elements, shots, DifficultyParams())
    total = sum(t for t, _ in results.values())
    peak = max(p for _, p in results.values())
    plan = data["plan"].row(0, named=True)
    pairs = shots.join(clusters, on="screenshot_id").filter(pl.col("parent_id") != pl.col("screenshot_id"))
    parent_cluster = clusters.select(
        pl.col("screenshot_id").alias("parent_id"), pl.col("cluster_id").alias("pc")
    )
    joined = pairs.join(parent_cluster, on="parent_id").filter(pl.col("cluster_id") == pl.col("pc")).height
    recall = planted_recall(data["planted"].lazy(), pl.concat([exact, near]).lazy())
    print(
        f"  quarantined {quarantined:,}; exact duplicates {exact.height:,} (planted {plan['exact']:,}); "
        f"near duplicates {near.height:,} (planted {plan['near_rows']:,} rows on "
        f"{plan['near_screens']:,} near-copy screenshots); near-copy screenshots in their original's "
        f"cluster: {joined:,} of {plan['near_screens']:,}; kept {graded.height:,} of {grounding.height:,}"
    )
    print(f"  total {total:.2f} s, peak RSS {peak / GIB:.2f} GiB")
    check_curated(
        checks,
        grounding.height,
        quarantined,
        graded.height,
        exact.height + near.height,
        recall,
        data["planted"].height,
    )
    checks.require(joined == plan["near_screens"], "every near-copy screenshot is in its original's cluster")
    checks.target(
        total <= 20 and peak <= 4 * GIB,
        f"{n:,} rows in {total:.1f} s <= 20 s and {peak / GIB:.2f} GiB <= 4 GiB",
        applies=n >= 1_000_000,
        size="1M rows",
    )


def rows_streamed(n: int, chunk: int, checks: Checks) -> None:
    print(f"\n== {n:,} grounding rows streamed through partitions on disk ==")
    with tempfile.TemporaryDirectory(prefix="groundmill-bench-") as tmp:
        folder = Path(tmp)
        RSS.reset()
        start = time.perf_counter()
        shots = []
        for part, begin in enumerate(range(0, n, chunk)):
            data = generate(min(chunk, n - begin), seed=100 + part)
            data["grounding"].write_parquet(folder / f"grounding-{part:03d}.parquet")
            data["elements"].write_parquet(folder / f"elements-{part:03d}.parquet")
            # Kept out of the folder the curate step reads, and out of memory while it is measured.
            data["planted"].write_parquet(folder / f"planted-{part:03d}.parquet")
            shots.append(data["screenshots"])
            del data
        pl.concat(shots).write_parquet(folder / "screenshots.parquet")
        del shots
        made = time.perf_counter() - start
        print(f"  generated in {made:.1f} s (peak RSS {RSS.peak / GIB:.2f} GiB)", flush=True)
        results: dict = {}
        with measured("curate", results):
            counts = curate_grounding_partitioned(folder, folder / "out", partitions=max(1, n // 1_000_000))
        elapsed, peak = results["curate"]
        planted = pl.scan_parquet(folder / "planted-*.parquet")
        recall = planted_recall(planted, pl.scan_parquet(folder / "out" / "duplicates-*.parquet"))
        n_planted = planted.select(pl.len()).collect().item()
        print(
            f"  rows in {counts['rows_in']:,}: kept {counts['kept']:,}, quarantined "
            f"{counts['quarantined']:,}, duplicates {counts['duplicates']:,} (planted {n_planted:,}); "
            f"{counts['rows_in'] / elapsed:,.0f} rows/s"
        )
    check_curated(
        checks,
        counts["rows_in"],
        counts["quarantined"],
        counts["kept"],
        counts["duplicates"],
        recall,
        n_planted,
    )
    checks.target(
        peak <= 8 * GIB, f"{n:,} rows streamed at {peak / GIB:.2f} GiB <= 8 GiB", n >= 10_000_000, "10M rows"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows curated in memory")
    parser.add_argument(
        "--big", type=int, default=10_000_000, help="rows streamed through partitions (0: skip)"
    )
    parser.add_argument("--chunk", type=int, default=1_000_000, help="rows per generated file when streaming")
    parser.add_argument("--texts", type=int, default=200_000, help="texts for the near-duplicate finder")
    parser.add_argument("--baseline-texts", type=int, default=20_000, help="texts given to datasketch")
    parser.add_argument("--images", type=int, default=300, help="screenshots hashed")
    parser.add_argument(
        "--omit-column",
        metavar="NAME",
        help="leave this grounding column out (as a producer behind the contract would): the run must FAIL",
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Polars {pl.__version__} with {pl.thread_pool_size()} threads; "
        "every ratio is against a baseline measured in this run"
    )
    checks = Checks()
    rows_in_memory(args.rows, checks, args.omit_column)
    if args.big:
        rows_streamed(args.big, args.chunk, checks)
    text_near_dup(args.texts, args.baseline_texts, MinHashParams(), checks)
    phash_speed(args.images, checks)
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
