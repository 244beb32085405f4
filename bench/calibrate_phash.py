"""Calibrate the pHash Hamming radius that makes two screenshots near duplicates.

Two kinds of pairs, from the published screenshots of a run (`groundmill run` first; pass other
catalogs' processed folders with --processed):
- same page, re-rendered: each screenshot against itself scrolled by 1-3 px, with a word-sized block
  repainted (a changed timestamp, a counter), or both; these must fall within the radius;
- same template, different content: pairs of different pages of one source (the sample source's pages
  share one stylesheet, header and navigation); these must not, or headers alone would merge pages.

It prints the distance distribution of both, and for each radius the share of re-renders caught and
of different pages wrongly merged.

    .venv/bin/python bench/calibrate_phash.py [--processed data/processed] [--source sample]
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

from transforms.curate.phash import hamming, phashes  # noqa: E402


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--source", default="sample")
    args = parser.parse_args()
    files = sorted((args.processed / "screenshots").glob(f"source={args.source}/*.parquet"))
    if not files:
        print(f"no screenshots for source {args.source!r} under {args.processed}: run `groundmill run` first")
        return 2
    shots = pl.concat([pl.read_parquet(f, columns=["screenshot_id", "capture_id", "png"]) for f in files])
    shots = shots.unique("screenshot_id").sort("screenshot_id")
    pngs = shots["png"].to_list()
    rng = random.Random(0)
    kinds = ["scroll", "text", "both"]
    variants = [rerender(p, rng, kind) for p in pngs for kind in kinds]
    base = phashes(pngs)
    same_page = hamming(np.repeat(base, len(kinds)), phashes(variants))
    captures = shots["capture_id"].to_list()
    i, j = np.triu_indices(len(pngs), k=1)
    other = np.asarray([captures[a] != captures[b] for a, b in zip(i, j)])
    different = hamming(base[i[other]], base[j[other]])
    print(
        f"{len(pngs)} screenshots of source {args.source!r}: {len(same_page)} re-renders, "
        f"{len(different)} pairs of different pages"
    )
    print(
        f"same page re-rendered: distance median {np.median(same_page):.0f}, 95th percentile "
        f"{np.percentile(same_page, 95):.0f}, max {same_page.max()}"
    )
    print(
        f"different pages, same template: min {different.min()}, 5th percentile "
        f"{np.percentile(different, 5):.0f}, "
        f"median {np.median(different):.0f}"
    )
    print("radius  re-renders caught  different pages merged")
    for radius in (0, 2, 4, 6, 8, 10, 12, 16):
        print(f"{radius:6d}  {np.mean(same_page <= radius):17.1%}  {np.mean(different <= radius):22.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
