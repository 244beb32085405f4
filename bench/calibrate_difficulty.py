"""Calibrate the difficulty scorer on three kinds of public rows, each against its stated target.

- ScreenSpot-Pro (professional software on 1920x1080 to 6016x3384 screens, tiny targets): >= 80 % hard.
  There are no ScreenSpot-Pro images here, only geometry: bench/data/screenspot_pro_geometry.json holds
  its 1,581 records in ScreenSpot-Pro format (box, image size, ui_type, application; no instruction),
  read from a public evaluation log of Qwen2.5-VL-7B (see docs/benchmarks.md), with whether that model
  got each one right.
- ScreenSpot-v2 (a benchmark today's models mostly solve), in ScreenSpot-Pro format: <= 25 % hard.
- Real web pages at 1280x800: `--pages` pages of ../shared/corpus/readability (Mozilla Readability's
  test pages), chosen with `--seed`, run through `groundmill run` in a scratch project; no tier may
  hold more than 50 % of their positive grounding rows.

Benchmark rows give the scorer what a benchmark record has (box, image size, icon or text); web rows
give it everything (elements around the target, perspective, implicit intent). On the web rows, a
baseline grounder (transforms/curate/baseline.py: the element whose words best match the expression)
must miss hard rows most: its accuracy must fall from easy to medium to hard.

Capturing 60 pages takes minutes: the published grounding, elements and screenshots tables are kept in
`--cache` (default /tmp/groundmill-difficulty-<seed>-<pages>) and read from there on the next run, so
the scorer can be re-tuned (params.yaml `difficulty`) without capturing again. Without ScreenSpot-v2
files it scores the made-up rows of tests/fixtures/formats and says so. A dataset that gave no rows is
a FAIL, as is a missed target.

    .venv/bin/python bench/calibrate_difficulty.py [--formats DIR] [--pro FILE] [--web DIR] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = ROOT.parent / "shared"
BUNDLED = ROOT / "tests" / "fixtures" / "formats"
PRO = ROOT / "bench" / "data" / "screenspot_pro_geometry.json"
TIERS = ["easy", "medium", "hard"]
WEB_TABLES = ("grounding", "elements", "screenshots")

from checks import Checks, groundmill  # noqa: E402

from schemas.config import DifficultyParams, load_params  # noqa: E402
from transforms.curate.baseline import baseline_hits  # noqa: E402
from transforms.curate.difficulty import FACTORS, factors, grade_difficulty, score  # noqa: E402


def benchmark_rows(paths: list[Path]) -> pl.DataFrame:
    """ScreenSpot-Pro-format records (positive ones) as the columns the scorer reads."""
    rows = []
    for path in paths:
        for r in json.loads(path.read_text()):
            if r.get("gt_type", "positive") != "positive":
                continue
            x1, y1, x2, y2 = r["bbox"]
            rows.append(
                {
                    "file": path.stem,
                    "x1": float(x1),
                    "y1": float(y1),
                    "x2": float(x2),
                    "y2": float(y2),
                    "image_width": r["img_size"][0],
                    "image_height": r["img_size"][1],
                    "is_icon": r["ui_type"] == "icon",
                    "model_hit": r.get("qwen25vl_7b_correct"),
                }
            )
    return pl.DataFrame(rows, schema_overrides={"model_hit": pl.Boolean})


def capture_web(corpus: Path, pages: int, seed: int, cache: Path) -> None:
    """`pages` pages of `corpus` (chosen with `seed`) through `groundmill run`; its published grounding,
    elements and screenshots tables are written to `cache`."""
    chosen = sorted(random.Random(seed).sample(sorted(corpus.glob("*.html")), pages))
    with tempfile.TemporaryDirectory(prefix="groundmill-difficulty-") as tmp:
        project = Path(tmp)
        folder = project / "data" / "sources" / "web"
        folder.mkdir(parents=True)
        for page in chosen:
            shutil.copy(page, folder / page.name)
        shutil.copy(ROOT / "params.yaml", project / "params.yaml")
        (project / "sources.yaml").write_text(
            "sources:\n  - {id: web, kind: html_dir, location: data/sources/web, license: Apache-2.0}\n"
        )
        print(f"capturing {len(chosen)} pages of {corpus} (seed {seed}) with groundmill run ...", flush=True)
        groundmill(project, "run")
        cache.mkdir(parents=True, exist_ok=True)
        for table in WEB_TABLES:
            published = project / "data" / "processed" / table / "source=web" / "part-0.parquet"
            shutil.copy(published, cache / f"{table}.parquet")


def web_rows(cache: Path, params: DifficultyParams) -> pl.DataFrame:
    """The cached web tables' positive grounding rows, graded again with `params`, with baseline_hit."""
    grounding, elements, screenshots = (pl.read_parquet(cache / f"{t}.parquet") for t in WEB_TABLES)
    graded_columns = ["area_ratio", "distractors", "clutter", "difficulty", "tier"]
    grounding = grounding.filter(pl.col("x1").is_not_null()).drop(graded_columns, strict=False)
    graded = grade_difficulty(grounding, elements, screenshots, params)
    hits = baseline_hits(grounding, elements)
    return graded.join(hits, on="grounding_id", how="left").with_columns(
        file=pl.lit("web"), model_hit=pl.lit(None, pl.Boolean)
    )


def shares(graded: pl.DataFrame) -> dict[str, float]:
    counts = dict(graded.group_by("tier").len().iter_rows()) if graded.height else {}
    return {t: counts.get(t, 0) / max(graded.height, 1) for t in TIERS}


def accuracy(graded: pl.DataFrame, column: str) -> dict[str, float | None]:
    """Share of rows `column` marks as hits, per tier (None for a tier without rows)."""
    per = dict(graded.group_by("tier").agg(pl.col(column).mean()).iter_rows())
    return {t: per.get(t) for t in TIERS}


def contributions(rows: pl.DataFrame, params: DifficultyParams) -> dict[str, float]:
    """Mean weighted factor (weight x factor) of the rows, per factor: what each adds on average."""
    with_factors = factors(rows, params)
    return {n: with_factors[f"f_{n}"].mean() * getattr(params, f"weight_{n}") for n in FACTORS}


def percent(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--formats", type=Path, help="ScreenSpot-v2 JSON: default ../shared/formats, else bundled"
    )
    parser.add_argument("--pro", type=Path, default=PRO, help="ScreenSpot-Pro-format JSON (file or folder)")
    parser.add_argument("--web", type=Path, default=SHARED / "corpus" / "readability", help="HTML pages")
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--cache", type=Path, help="captured web tables (default under /tmp)")
    args = parser.parse_args()
    formats = args.formats or (
        SHARED / "formats" if list((SHARED / "formats").glob("*_v2_convert.json")) else None
    )
    if formats is None:
        formats = BUNDLED
        print(f"no ScreenSpot-v2 files: scoring the made-up rows in {BUNDLED} (a check of the script only)")
    cache = args.cache or Path(tempfile.gettempdir()) / f"groundmill-difficulty-{args.seed}-{args.pages}"
    params = load_params(ROOT / "params.yaml").difficulty
    checks = Checks()

    pro_files = (
        sorted(args.pro.glob("*.json")) if args.pro.is_dir() else [args.pro] if args.pro.exists() else []
    )
    datasets: dict[str, pl.DataFrame] = {
        "ScreenSpot-Pro": benchmark_rows(pro_files),
        "ScreenSpot-v2": benchmark_rows(sorted(formats.glob("screenspot_*_v2_convert.json"))),
    }
    if not all((cache / f"{t}.parquet").exists() for t in WEB_TABLES):
        if args.web.is_dir() and len(list(args.web.glob("*.html"))) >= args.pages:
            capture_web(args.web, args.pages, args.seed, cache)
        else:
            print(f"no web tables in {cache} and fewer than {args.pages} pages in {args.web}")
    if all((cache / f"{t}.parquet").exists() for t in WEB_TABLES):
        print(f"web rows: {cache}")
        datasets["web 1280x800"] = web_rows(cache, params)
    else:
        datasets["web 1280x800"] = pl.DataFrame()
    graded = {
        name: rows if name.startswith("web") or rows.is_empty() else score(factors(rows, params), params)
        for name, rows in datasets.items()
    }
    targets = {
        "ScreenSpot-Pro": ("hard >= 80%", lambda s: s["hard"] >= 0.8),
        "ScreenSpot-v2": ("hard <= 25%", lambda s: s["hard"] <= 0.25),
        "web 1280x800": ("every tier <= 50%", lambda s: max(s.values()) <= 0.5),
    }

    print(f"\n{'dataset':16} {'rows':>6} {'easy':>6} {'medium':>7} {'hard':>6}  target")
    for name, rows in graded.items():
        s = shares(rows)
        print(
            f"{name:16} {rows.height:>6} {percent(s['easy']):>6} {percent(s['medium']):>7} "
            f"{percent(s['hard']):>6}  {targets[name][0]}"
        )
    print("\nmean weight x factor per dataset (what each factor adds to the noisy OR)")
    print(f"{'factor':12} " + " ".join(f"{name:>16}" for name in graded))
    mean = {name: contributions(rows, params) for name, rows in datasets.items() if not rows.is_empty()}
    for factor in FACTORS:
        print(
            f"{factor:12} "
            + " ".join(f"{mean[n][factor]:>16.3f}" if n in mean else f"{'-':>16}" for n in graded)
        )

    web = graded["web 1280x800"]
    baseline = accuracy(web, "baseline_hit") if not web.is_empty() else dict.fromkeys(TIERS)
    print(
        "\nbaseline grounder accuracy on web rows: "
        + ", ".join(f"{t} {percent(baseline[t])}" for t in TIERS)
        + (f" (all {web['baseline_hit'].mean():.1%})" if not web.is_empty() else "")
    )
    pro = graded["ScreenSpot-Pro"]
    if not pro.is_empty() and pro["model_hit"].is_not_null().any():
        model = accuracy(pro, "model_hit")
        print(
            "Qwen2.5-VL-7B accuracy on ScreenSpot-Pro rows (its published log): "
            + ", ".join(f"{t} {percent(model[t])}" for t in TIERS)
            + f" (all {pro['model_hit'].mean():.1%})"
        )
    print()
    for name, rows in graded.items():
        if checks.require(rows.height > 0, f"{name} rows scored: {rows.height} > 0"):
            label, met = targets[name]
            checks.require(met(shares(rows)), f"{name} {label}")
    if not web.is_empty():
        e, m, h = (baseline[t] for t in TIERS)
        checks.require(
            None not in (e, m, h) and e > m > h,
            f"baseline accuracy easy {percent(e)} > medium {percent(m)} > hard {percent(h)}",
        )
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
