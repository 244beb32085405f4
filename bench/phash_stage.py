"""Curate's pHash stage at equal threads: the pHash capture carried in the screenshots table, against hashing
the PNGs as curate did before capture took it.

    .venv/bin/python bench/phash_stage.py [--screenshots 200] [--rounds 3] [--workers N]

Screenshots: the sample's published ones when there are enough, else drawn page-like 1280x800 PNGs
(bench/baselines.py). Both ways run curate's `cluster_screenshots` on the same table with the same
`workers` (default: the cores), alternated --rounds times in this process; the headline is the median
ratio of the two. It also prints what the hash costs capture, where it moved: one thread per page, run
while the other tabs go on. FAILs when it hashed nothing or a carried hash differs from curate's own;
target: the stage >= 2x faster at equal threads (judged at >= 100 screenshots).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baselines import screenshot_pngs  # noqa: E402
from checks import Checks  # noqa: E402

from schemas.config import CurateParams  # noqa: E402
from schemas.registry import TABLES, empty  # noqa: E402
from transforms.capture.records import signed64  # noqa: E402
from transforms.curate.phash import phashes  # noqa: E402
from transforms.curate.stage import cluster_screenshots  # noqa: E402
from transforms.ids import sha256_hex  # noqa: E402


def screenshots(pngs: list[bytes], hashes: list[int] | None) -> pl.DataFrame:
    """A screenshots table of `pngs`, with the pHash capture took (`hashes`) or without (None)."""
    rows = [
        {
            "screenshot_id": sha256_hex(png),
            "source_id": "bench",
            "capture_id": f"{i:032x}",
            "device": "standard",
            "platform": "web",
            "part_index": 0,
            "scroll_y": 0.0,
            "width": 1280,
            "height": 800,
            "png": png,
            "phash": None if hashes is None else signed64(hashes[i]),
        }
        for i, png in enumerate(pngs)
    ]
    return TABLES["screenshots"].frame(rows)


def timed(table: pl.DataFrame, params: CurateParams) -> tuple[float, pl.DataFrame]:
    t0 = time.perf_counter()
    out = cluster_screenshots(table, empty("elements"), params)
    return time.perf_counter() - t0, out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--screenshots", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    checks = Checks()
    pngs = screenshot_pngs(args.screenshots)
    n = len(pngs)
    params = CurateParams(workers=args.workers)
    load = os.getloadavg()
    print(f"{n} screenshots, {args.workers} thread(s) both ways, load average {load[0]:.1f} {load[1]:.1f}")
    t0 = time.perf_counter()
    taken = [int(phashes([png], 1)[0]) for png in pngs]  # as capture takes them: one page at a time
    at_capture = (time.perf_counter() - t0) / max(n, 1)
    decoding, carried = screenshots(pngs, None), screenshots(pngs, taken)
    ratios, rows = [], []
    for _ in range(args.rounds):  # alternated: the machine's load falls on both alike
        before, hashed = timed(decoding, params)
        after, kept = timed(carried, params)
        ratios.append(before / after if after else float("inf"))
        rows.append((before, after))
    if not checks.require(n > 0 and hashed.height == n, f"screenshots hashed: {hashed.height} of {n} > 0"):
        return checks.exit_code()
    same = hashed.sort("screenshot_id").equals(kept.sort("screenshot_id"))
    checks.require(same, "carried hashes and clusters identical to curate's own (decoding the PNGs)")
    print(f"{'round':>5} {'decoding ms/shot':>17} {'carried ms/shot':>16} {'ratio':>7}")
    for i, ((before, after), ratio) in enumerate(zip(rows, ratios, strict=True)):
        print(f"{i + 1:>5} {before / n * 1e3:>17.3f} {after / n * 1e3:>16.3f} {ratio:>7.1f}")
    median = statistics.median(ratios)
    print(f"at capture: {at_capture * 1e3:.2f} ms per screenshot (one thread, beside the browser's work)")
    print(f"HEADLINE pHash stage, carried / decoding, {args.workers} thread(s) both: {median:.1f}x")
    checks.target(median >= 2, f"pHash stage {median:.1f}x >= 2x at equal threads", n >= 100, ">= 100")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f}")
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
