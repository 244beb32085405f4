"""The desktop bench's table of issue 22, point 9, from a kept run, judged with today's measures:

    .venv/bin/python bench/desktop_table.py FOLDER [FOLDER...] --out bench/data/desktop_after.json
        [--peaks PEAKS.json] [--label after] [--note "load average 8-14"]

FOLDER is a project that `bench/desktop.py --keep FOLDER` (or bench/desktop_before.py) ran, by this code
or by an older one; several folders (a bench run app by app, in batches) make one table, an application
run in more than one taken from the last folder that ran it (a FOLDER.json is a table this script wrote
earlier, taken as it is). Per application: states, dialogs reached
(by title: the windows that an item, a tab or a page showed), elements per state, seconds per state
(first to last state's start), peak MiB (the run log's, or PEAKS.json's where the old code logged none),
the alignment figure of point 8 (this code's transforms/capture/alignment.py on the first
`check_screenshots` states, whatever the run computed), the grounding rows that quote a name OCR does
not find on the screenshot (bench/desktop_labels.py) and the failure rows. Prints the table and writes
it as JSON.
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

from desktop_labels import undrawn_per_app  # noqa: E402

from schemas.config import load_params  # noqa: E402
from schemas.config_capture import OcrParams  # noqa: E402
from transforms.capture.alignment import with_alignment  # noqa: E402
from transforms.publish.summary import open_catalog  # noqa: E402

TABLES = ("captures", "screenshots", "elements")
# The last action of a state that shows a dialog: an item clicked, or a tab or page of its dialog.
DIALOG_STEPS = ("item:", "tab:", "page:")


def _timings(folder: Path) -> pl.DataFrame:
    files = sorted((folder / "data" / "logs" / "capture_timings").glob("source=*/*.parquet"))
    if not files:
        return pl.DataFrame(schema={"capture_id": pl.String, "started_at": pl.Datetime("us", "UTC")})
    return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")


def alignment(con, params: OcrParams) -> dict[str, tuple[int, int, int]]:
    """Per application: (elements checked, read as their name, icon-only) by this code's check."""
    tables = {t: con.sql(f"select * from {t}").pl() for t in TABLES}  # noqa: S608 (fixed names)
    for column in ("ocr_text_boxes", "ocr_matched", "ocr_icon_only"):  # the run's own figure is not used
        tables["captures"] = tables["captures"].with_columns(pl.lit(None, pl.Int32).alias(column))
    checked = with_alignment(tables, params)["captures"].filter(pl.col("ocr_text_boxes").is_not_null())
    out = checked.group_by("app").agg(
        pl.col("ocr_text_boxes").sum(), pl.col("ocr_matched").sum(), pl.col("ocr_icon_only").sum()
    )
    return {r[0]: tuple(r[1:]) for r in out.iter_rows()}


def per_app(folder: Path, peaks: dict[str, float], params: OcrParams, undrawn: bool = True) -> list[dict]:
    """The rows of the table, one per application of the run."""
    con = open_catalog(folder / "data" / "catalog.duckdb", folder)
    captures = con.sql(
        "select capture_id, app, toolkit, status, title, n_elements, page_path, action_path, message "
        "from captures "
        "where app is not null"
    ).pl()
    timings = _timings(folder)
    if "peak_rss_mb" not in timings.columns:
        timings = timings.with_columns(peak_rss_mb=pl.lit(None, pl.Float64))
    captures = captures.join(timings.select("capture_id", "started_at", "peak_rss_mb"), "capture_id", "left")
    aligned = alignment(con, params)
    undrawn = undrawn_per_app(con) if undrawn else None
    con.close()
    rows = []
    for app in sorted(captures["app"].unique()):
        mine = captures.filter(pl.col("app") == app).sort("page_path")
        ok = mine.filter(pl.col("status") == "ok")
        start = ok.filter(pl.col("page_path").is_in([app, f"{app}/start"]))["title"].to_list()
        first = start[0] if start else None
        dialogs = sorted(
            {
                s["title"]
                for s in ok.to_dicts()
                if s["title"]
                and s["title"] != first
                and (s["action_path"] or [""])[-1].startswith(DIALOG_STEPS)
            }
        )
        times = ok["started_at"].drop_nulls()
        seconds = (times.max() - times.min()).total_seconds() / (len(ok) - 1) if len(times) > 1 else None
        peak = mine["peak_rss_mb"].max() or peaks.get(app)
        checked, found, icons = aligned.get(app, (0, 0, 0))
        quoted, missing, short = undrawn.get(app, (0, 0, 0)) if undrawn is not None else (None,) * 3
        fails = mine.filter(pl.col("status") != "ok")
        rows.append(
            {
                "app": app,
                "toolkit": next((t for t in mine["toolkit"].to_list() if t), None),
                "states": len(ok),
                "dialogs": len(dialogs),
                "dialog_names": dialogs,
                "elements_per_state": round(ok["n_elements"].sum() / len(ok), 1) if len(ok) else 0.0,
                "seconds_per_state": round(seconds, 1) if seconds is not None else None,
                "peak_mib": round(peak) if peak else None,
                "align_checked": int(checked),
                "align_found": int(found),
                "align": round(found / checked, 3) if checked else None,
                "icon_only": int(icons),
                "quoting_rows": quoted,
                "undrawn_rows": missing,
                "undrawn_share": round(missing / quoted, 4) if quoted else None,
                "short_name_rows": short,
                "failures": len(fails),
                "failure_kinds": sorted(set(fails["status"].to_list())),
                "failure_messages": [
                    f"{r['status']}: {(r['message'] or '')[:160]}" for r in fails.to_dicts()
                ],
            }
        )
    return rows


def combined(runs: list[list[dict]]) -> list[dict]:
    """The rows of several runs' tables as one, by application: the last run that has it wins."""
    by_app = {row["app"]: row for rows in runs for row in rows}
    return [by_app[app] for app in sorted(by_app)]


def print_table(rows: list[dict]) -> None:
    print(
        f"{'app':<18}{'toolkit':<14}{'states':>7}{'dialogs':>8}{'el/state':>9}{'s/state':>8}{'MiB':>6}"
        f"{'align':>14}{'icons':>6}{'undrawn':>14}  failures"
    )
    for r in rows:
        align = f"{r['align_found']}/{r['align_checked']}={r['align']:.2f}" if r["align_checked"] else "n/a"
        undrawn = (
            f"{r['undrawn_rows']}/{r['quoting_rows']}={r['undrawn_share']:.1%}"
            if r["quoting_rows"]
            else "n/a"
        )
        per = f"{r['seconds_per_state']:.1f}" if r["seconds_per_state"] is not None else "n/a"
        mib = f"{r['peak_mib']}" if r["peak_mib"] else "n/a"
        fails = f"{r['failures']} ({','.join(r['failure_kinds'])})" if r["failures"] else ""
        print(
            f"{r['app']:<18}{(r['toolkit'] or '')[:13]:<14}{r['states']:>7}{r['dialogs']:>8}"
            f"{r['elements_per_state']:>9.1f}{per:>8}{mib:>6}{align:>14}{r['icon_only']:>6}{undrawn:>14}"
            f"  {fails}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="projects kept by bench/desktop.py --keep")
    parser.add_argument("--out", type=Path, required=True, help="the JSON to write")
    parser.add_argument("--peaks", type=Path, help="per-application peak MiB where the run log has none")
    parser.add_argument("--label", default="", help="what the run was (before, after)")
    parser.add_argument("--note", default="", help="how it ran: code, load, time")
    parser.add_argument("--skip-undrawn", action="store_true", help="leave out the label check (slow: OCR)")
    args = parser.parse_args()
    for folder in args.folders:
        if folder.suffix != ".json" and not (folder / "data" / "catalog.duckdb").exists():
            raise SystemExit(f"{folder}: no data/catalog.duckdb (run bench/desktop.py --keep FOLDER first)")
    peaks = json.loads(args.peaks.read_text()) if args.peaks else {}
    params = load_params(ROOT / "params.yaml").capture.ocr
    rows = combined(
        [
            json.loads(f.read_text())["apps"]  # a table this script wrote: its rows as they are
            if f.suffix == ".json"
            else per_app(f, peaks, params, not args.skip_undrawn)
            for f in args.folders
        ]
    )
    print_table(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"label": args.label, "note": args.note, "apps": rows}, indent=1) + "\n")
    print(f"written: {args.out}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
