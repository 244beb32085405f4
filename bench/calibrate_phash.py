"""Calibrate the pHash Hamming radius that makes two screenshots near duplicates.

Two kinds of pairs, from the published screenshots of a run (`groundmill run` first; pass other
catalogs' processed folders with --processed):
- same page, re-rendered: each screenshot against itself scrolled by 1-3 px, with a word-sized block
  repainted (a changed timestamp, a counter), or both; these must fall within the radius;
- same template, different content: pairs of different pages of one source (the sample source's pages
  share one stylesheet, header and navigation); these must not, or headers alone would merge pages.

It prints the distance distribution of both, and for each radius the share of re-renders caught and
of different pages wrongly merged. Without published screenshots of the source it captures the pages
of --html (default: the bundled sample source), one screenshot a page, and calibrates on those.

It exits non-zero (FAIL) when there is nothing to calibrate (fewer than two pages, no pair of different
pages) or no radius catches >= 95 % of re-renders while merging <= 1 % of different pages; and (MISS)
when the radius in params.yaml is not one of those.

    .venv/bin/python bench/calibrate_phash.py [--processed data/processed] [--source sample] [--html DIR]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

import numpy as np
import polars as pl
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402

from schemas.config import Source, load_params  # noqa: E402
from transforms.capture.browser import CaptureParams, capture_pages  # noqa: E402
from transforms.capture.opening import open_source  # noqa: E402
from transforms.curate.phash import hamming, phashes  # noqa: E402
from transforms.sources import list_pages  # noqa: E402

SHOTS = {"screenshot_id": pl.String, "capture_id": pl.String, "png": pl.Binary}
CAUGHT, MERGED = 0.95, 0.01  # a usable radius catches this share of re-renders, merges at most this


def rerender(png: bytes, rng: random.Random, kind: str) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if kind in ("scroll", "both"):
        dy = rng.randint(1, 3)
        shifted = Image.new("RGB", image.size, image.getpixel((0, image.height - 1)))
        shifted.paste(image.crop((0, dy, image.width, image.height)), (0, 0))
        image = shifted
    if kind in ("text", "both"):
        x, y = rng.randint(0, image.width - 120), rng.randint(0, image.height - 24)
        draw = ImageDraw.Draw(image)
        draw.rectangle((x, y, x + 110, y + 18), fill=image.getpixel((x, y)))
        draw.text(
            (x + 2, y + 2), f"{rng.randint(0, 99):02d}:{rng.randint(0, 59):02d} updated", fill=(40, 40, 40)
        )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def published(processed: Path, source: str) -> pl.DataFrame:
    """screenshot_id, capture_id (one per page) and png of a source's published screenshots."""
    files = sorted((processed / "screenshots").glob(f"source={source}/*.parquet"))
    if not files:
        return pl.DataFrame(schema=SHOTS)
    shots = pl.concat([pl.read_parquet(f, columns=["screenshot_id", "capture_id", "png"]) for f in files])
    return shots.unique("screenshot_id").sort("screenshot_id")


def captured(folder: Path) -> pl.DataFrame:
    """The first screenshot of every page of an html_dir folder, captured now; a page is its own id."""
    source = Source(id="calibrate", kind="html_dir", location=folder.resolve(), license="n/a")
    pages = list_pages(source)
    if len(pages) < 2:  # no pair of different pages to compare: not worth starting a browser
        return pl.DataFrame(schema=SHOTS)
    with open_source(source, pages) as opened:
        results = capture_pages(opened.targets, CaptureParams(max_slices=1), opened.policy)
    rows = [(r.page_key, r.page_key, r.slices[0].png) for r in results if r.status == "ok" and r.slices]
    return pl.DataFrame(rows, schema=["screenshot_id", "capture_id", "png"], orient="row")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--source", default="sample")
    parser.add_argument("--html", type=Path, default=ROOT / "data" / "sources" / "sample")
    args = parser.parse_args()
    checks = Checks()
    shots = published(args.processed, args.source)
    if shots.is_empty():
        print(f"no published screenshots of {args.source!r} under {args.processed}: capturing {args.html}")
        shots = captured(args.html)
    pngs = shots["png"].to_list()
    if not checks.require(len(pngs) >= 2, f"screenshots to calibrate on {len(pngs)} >= 2"):
        return checks.exit_code()
    rng = random.Random(0)
    kinds = ["scroll", "text", "both"]
    variants = [rerender(p, rng, kind) for p in pngs for kind in kinds]
    base = phashes(pngs)
    same_page = hamming(np.repeat(base, len(kinds)), phashes(variants))
    captures = shots["capture_id"].to_list()
    i, j = np.triu_indices(len(pngs), k=1)
    other = np.asarray([captures[a] != captures[b] for a, b in zip(i, j)], dtype=bool)
    different = hamming(base[i[other]], base[j[other]])
    print(f"{len(pngs)} screenshots: {len(same_page)} re-renders, {len(different)} pairs of different pages")
    if not checks.require(
        len(different) > 0, f"pairs of different pages to calibrate on {len(different)} > 0"
    ):
        return checks.exit_code()
    print(
        f"same page re-rendered: distance median {np.median(same_page):.0f}, 95th percentile "
        f"{np.percentile(same_page, 95):.0f}, max {same_page.max()}"
    )
    print(
        f"different pages, same template: min {different.min()}, 5th percentile "
        f"{np.percentile(different, 5):.0f}, median {np.median(different):.0f}"
    )
    print("radius  re-renders caught  different pages merged")
    usable = []
    for radius in (0, 2, 4, 6, 8, 10, 12, 16):
        caught, merged = np.mean(same_page <= radius), np.mean(different <= radius)
        print(f"{radius:6d}  {caught:17.1%}  {merged:22.2%}")
        if caught >= CAUGHT and merged <= MERGED:
            usable.append(radius)
    print(f"usable radii (>= {CAUGHT:.0%} caught, <= {MERGED:.0%} merged): {usable or 'none'}")
    checks.require(bool(usable), "a radius separates re-renders from different pages")
    configured = load_params(ROOT / "params.yaml").near_dup.phash_radius
    checks.target(configured in usable, f"params.yaml phash_radius {configured} is usable here")
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
