"""Calibrate the difficulty scorer against ScreenSpot-v2 (in ScreenSpot-Pro format, ../shared/formats).

The scorer sees what a benchmark row has: the box, the image size, ui_type (icon or text). Factors it
cannot know (distractors, clutter, perspective) count as 0. Two properties must hold, and the script
exits non-zero if they do not: most ScreenSpot-v2 rows (a benchmark that today's models mostly solve)
fall in easy or medium, and every target under 0.1 % of the screen scores hard. It also prints the
distribution for the published sample dataset (data/processed) when there is one.

Without ScreenSpot-v2 files (../shared/formats is not part of the repository) it scores the bundled
made-up rows in tests/fixtures/formats, which show that the script works, not how the scorer is
calibrated; it says so. No rows at all is a FAIL, as is either property failing.

    .venv/bin/python bench/calibrate_difficulty.py [--formats ../shared/formats]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = ROOT.parent / "shared" / "formats"
BUNDLED = ROOT / "tests" / "fixtures" / "formats"

from checks import Checks  # noqa: E402

from schemas.config import load_params  # noqa: E402
from transforms.curate.difficulty import factors, score  # noqa: E402


def screenspot_rows(folder: Path) -> pl.DataFrame:
    rows = []
    for path in sorted(folder.glob("screenspot_*_v2_convert.json")):
        for r in json.loads(path.read_text()):
            x1, y1, x2, y2 = r["bbox"]
            rows.append(
                {
                    "split": path.stem.split("_")[1],
                    "x1": float(x1),
                    "y1": float(y1),
                    "x2": float(x2),
                    "y2": float(y2),
                    "image_width": r["img_size"][0],
                    "image_height": r["img_size"][1],
                    "is_icon": r["ui_type"] == "icon",
                }
            )
    return pl.DataFrame(rows)


def distribution(graded: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    keys = [by] if by else []
    return (
        graded.group_by(*keys, "tier").len().pivot("tier", index=keys or None, values="len")
        if by
        else graded.group_by("tier").len().sort("tier")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", type=Path, help="default: ../shared/formats, else the bundled rows")
    args = parser.parse_args()
    formats = args.formats or (SHARED if list(SHARED.glob("screenspot_*_v2_convert.json")) else BUNDLED)
    if formats == BUNDLED:
        print(f"no ScreenSpot-v2 files: scoring the made-up rows in {BUNDLED} (a check of the script only)")
    params = load_params(ROOT / "params.yaml").difficulty
    rows = screenspot_rows(formats)
    checks = Checks()
    if not checks.require(not rows.is_empty(), f"rows in {formats}"):
        return checks.exit_code()
    graded = score(factors(rows, params), params)
    tiers = ["easy", "medium", "hard"]
    print(f"{formats}: {graded.height} rows")
    table = graded.group_by("split", "tier").len().pivot("tier", index="split", values="len").fill_null(0)
    total = graded.group_by("tier").len()
    with pl.Config(tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(table.select("split", *[t for t in tiers if t in table.columns]).sort("split"))
    share = {t: 0 for t in tiers} | dict(total.iter_rows())
    easy_medium = (share["easy"] + share["medium"]) / graded.height
    tiny = graded.filter(pl.col("area_ratio") < 0.001)
    tiny_hard = tiny.filter(pl.col("tier") == "hard").height
    print(
        f"easy {share['easy']}, medium {share['medium']}, hard {share['hard']}: "
        f"easy or medium {easy_medium:.1%} (must be > 50%)"
    )
    print(f"targets under 0.1% of the screen: {tiny.height}, scored hard: {tiny_hard} (must be all)")
    print(
        f"difficulty quartiles: {graded['difficulty'].quantile(0.25):.3f} / "
        f"{graded['difficulty'].median():.3f}"
        f" / {graded['difficulty'].quantile(0.75):.3f}"
    )
    published = ROOT / "data" / "processed" / "grounding"
    if published.exists():
        sample = pl.read_parquet(published / "*" / "*.parquet")
        counts = dict(sample.filter(pl.col("tier").is_not_null()).group_by("tier").len().iter_rows())
        print(
            f"published grounding ({sample.height} rows): "
            + ", ".join(f"{t} {counts.get(t, 0)}" for t in tiers)
        )
    checks.require(easy_medium > 0.5, f"easy or medium {easy_medium:.1%} > 50%")
    checks.require(
        tiny.height > 0 and tiny_hard == tiny.height,
        f"targets under 0.1% scored hard {tiny_hard} of {tiny.height}",
    )
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
