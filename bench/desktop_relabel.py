"""Labels before and after desktop/drawn.py on the same captured states (issue 22, point 7).

    .venv/bin/python bench/desktop_relabel.py FOLDER

FOLDER is a project kept by `bench/desktop.py --keep` (its catalog), or a run's capture folder
(data/interim/capture/<source>, whose `text` drawn.py already decided). Its elements are taken
twice: with `text` = the accessible name (what capture wrote before drawn.py), and as drawn.py decides;
the template annotator labels both, verification keeps the rows without flags, and per application the
grounding rows quoting a name OCR does not find on the screenshot are counted (bench/desktop_labels.py).
The same states, screenshots and OCR of the screen on both sides: only the labels differ.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from desktop_labels import screen_lines, undrawn_counts  # noqa: E402

from schemas.config import AnnotateParams, OcrParams  # noqa: E402
from transforms.annotate.tables import annotate_tables  # noqa: E402
from transforms.annotate.template import TemplateAnnotator  # noqa: E402
from transforms.capture.desktop.drawn import with_drawn_text  # noqa: E402
from transforms.publish.summary import open_catalog  # noqa: E402


def labelled(elements: pl.DataFrame, shots: pl.DataFrame, apps: dict[str, str]) -> tuple[list, dict]:
    """(app, screenshot id, expression) of the verified positive grounding rows, and rows per perspective."""
    out = annotate_tables(elements, shots, TemplateAnnotator(AnnotateParams()), 0)
    kept = out.grounding.filter((pl.col("gt_type") == "positive") & (pl.col("quality_flags").list.len() == 0))
    per = dict(kept.group_by("perspective").len().iter_rows())
    return [(apps[r[0]], r[0], r[1]) for r in kept.select("screenshot_id", "expression").iter_rows()], per


def main() -> int:
    folder = Path(sys.argv[1])
    t0 = time.monotonic()
    if (folder / "elements.parquet").exists():  # a run's capture tables, drawn.py already applied
        captures = pl.read_parquet(folder / "captures.parquet").filter(pl.col("app").is_not_null())
        elements = pl.read_parquet(folder / "elements.parquet").join(
            captures.select("capture_id"), on="capture_id"
        )
        shots = pl.read_parquet(folder / "screenshots.parquet").join(
            captures.select("capture_id", "app"), on="capture_id"
        )
        after = elements
    else:
        con = open_catalog(folder / "data" / "catalog.duckdb", folder)
        elements = con.sql(
            "select e.* from elements e join captures c using (capture_id) where c.app is not null"
        ).pl()
        shots = con.sql(
            "select s.screenshot_id, s.width, s.height, s.png, c.app from screenshots s join captures c "
            "using (capture_id) where c.app is not null "
            "and s.screenshot_id in (select screenshot_id from elements)"
        ).pl()
        after = None
    apps = dict(shots.select("screenshot_id", "app").iter_rows())
    shots = shots.select("screenshot_id", "width", "height", "png").unique("screenshot_id")
    before = elements.with_columns(text=pl.col("name"))
    if after is None:
        after = with_drawn_text({"elements": before, "screenshots": shots}, OcrParams())["elements"]
    seconds = time.monotonic() - t0
    lines = screen_lines(dict(shots.select("screenshot_id", "png").iter_rows()))
    rows_b, per_b = labelled(before, shots, apps)
    rows_a, per_a = labelled(after, shots, apps)
    b, a = undrawn_counts(rows_b, lines), undrawn_counts(rows_a, lines)
    total_b = dict(
        pl.DataFrame(rows_b, schema=["app", "s", "e"], orient="row").group_by("app").len().iter_rows()
    )
    total_a = dict(
        pl.DataFrame(rows_a, schema=["app", "s", "e"], orient="row").group_by("app").len().iter_rows()
    )
    drawn = after.join(shots.select("screenshot_id"), on="screenshot_id").with_columns(
        app=pl.col("screenshot_id").replace_strict(apps)
    )
    share = dict(
        drawn.filter(pl.col("name").is_not_null())
        .group_by("app")
        .agg((pl.col("text").is_not_null().sum() / pl.len()).alias("s"))
        .iter_rows()
    )
    print(f"drawn.py: {elements.height} elements on {shots.height} screenshots in {seconds:.0f} s")
    print(
        f"\n{'app':<18}{'named drawn':>12}{'rows before':>12}{'undrawn before':>20}{'rows after':>11}"
        f"{'undrawn after':>20}"
    )
    for app in sorted(set(b) | set(a) | set(total_b)):
        qb, mb, _ = b.get(app, (0, 0, 0))
        qa, ma, _ = a.get(app, (0, 0, 0))
        fb = f"{mb}/{qb}={mb / qb:.1%}" if qb else "n/a"
        fa = f"{ma}/{qa}={ma / qa:.1%}" if qa else "n/a"
        head = f"{app:<18}{share.get(app, 0):>12.0%}{total_b.get(app, 0):>12}"
        print(f"{head}{fb:>20}{total_a.get(app, 0):>11}{fa:>20}")
    qb, mb = sum(v[0] for v in b.values()), sum(v[1] for v in b.values())
    qa, ma = sum(v[0] for v in a.values()), sum(v[1] for v in a.values())
    before_share, after_share = mb / max(qb, 1), ma / max(qa, 1)
    print(f"\nall: undrawn quoted before {mb}/{qb} = {before_share:.1%}, after {ma}/{qa} = {after_share:.1%}")
    print(f"rows per perspective before {per_b}\nrows per perspective after  {per_a}")
    checks = Checks()
    checks.require(shots.height > 0, f"desktop screenshots found: {shots.height} > 0")
    checks.require(qb > 0 and qa > 0, f"grounding rows quoting a name, before {qb} and after {qa} > 0")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
