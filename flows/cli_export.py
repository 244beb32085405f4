"""The `groundmill export` and `groundmill gallery` commands: training exports of the published rows
(benchmarks withheld, the mix applied) and the offline gallery. Heavy imports stay inside the commands,
so that `groundmill --help` and the other commands do not load them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_export_and_gallery(sub: argparse._SubParsersAction) -> None:
    """The `export` and `gallery` commands' arguments."""
    export = sub.add_parser(
        "export",
        help="write a training export of the published rows to data/exports/<format> "
        "(data/exports/<format>-<table> for --table instructions, howto or trajectories)",
    )
    export.add_argument(
        "format",
        choices=("hf", "screenspot", "chat", "rl"),
        help="hf: datasets Parquet (rows + images); screenspot: ScreenSpot-Pro JSON + images; chat: JSONL; "
        "rl: Parquet as verl reads it",
    )
    export.add_argument(
        "--table",
        choices=("grounding", "instructions", "howto", "trajectories"),
        default="grounding",
        help="which published rows (howto: hf only; trajectories: hf or chat, one image per step)",
    )
    export.add_argument(
        "--box",
        choices=("xyxy", "xywh", "norm1", "norm1000"),
        default="xyxy",
        help="screenspot: box as x1,y1,x2,y2 px (Pro), x,y,w,h px (v1/v2), 0..1 or 0..1000",
    )
    export.add_argument(
        "--target", choices=("point", "box"), default="point", help="chat: what the answer gives"
    )
    export.add_argument(
        "--coords",
        choices=("absolute", "relative"),
        default="absolute",
        help="chat, rl: pixels of the image resized by the Qwen2.5-VL rule (export.resize_factor, "
        "min_pixels, max_pixels; images written resized), or thousandths 0-1000",
    )
    export.add_argument(
        "--images",
        choices=("bytes", "paths"),
        default="paths",
        help="rl: the path of images/<name>, each screenshot written once (default), or its PNG in each row",
    )
    export.add_argument("--out", type=Path, help="folder (default data/exports/<format>)")
    export.add_argument(
        "--source", action="append", dest="sources", metavar="ID", help="only this source (repeatable)"
    )
    gallery = sub.add_parser(
        "gallery",
        help="write an offline HTML gallery of published screenshots with all their boxes to "
        "data/reports/gallery",
    )
    gallery.add_argument(
        "--per-source", type=int, default=50, help="screenshots per source at most (default 50; 0: all)"
    )
    gallery.add_argument("--out", type=Path, help="folder (default data/reports/gallery)")
    gallery.add_argument(
        "--source", action="append", dest="sources", metavar="ID", help="only this source (repeatable)"
    )


def export(args: argparse.Namespace, where) -> int:
    import polars as pl

    from flows.settings import load_params, select_sources
    from schemas.errors import InputError
    from schemas.registry import empty
    from transforms.publish.export import export_screenspot, folder_size, hf_card_metadata
    from transforms.publish.mix import summary as mix_summary
    from transforms.publish.withhold import WITHHELD_FILE, export_rows, withheld_markdown, withheld_text
    from transforms.storage import read_published, write_bytes_atomic

    if args.table == "howto" and args.format != "hf":
        raise InputError(f"export: --table howto is for the hf export only, not {args.format}")
    if args.table == "trajectories" and args.format not in ("hf", "chat"):
        raise InputError(f"export: --table trajectories is for the hf and chat exports, not {args.format}")
    settings = load_params(where)
    params = settings.export
    shown = ["screenshot_id", "platform", "cluster_id", "width", "height", "png"]
    screenshots = read_published(where.partitions("screenshots"), "screenshots", shown)
    published = read_published(where.partitions(args.table), args.table)
    if args.sources:
        published = published.filter(pl.col("source_id").is_in(args.sources))
        if published.is_empty():
            raise InputError(f"export: no published {args.table} rows of {', '.join(args.sources)}")
    mixed_out = None
    if args.table not in ("howto", "trajectories"):  # no perspective, action or element kind to mix by
        published, mixed_out = _mixed(published, where, settings.mix)
    benchmarks = {s.id for s in select_sources(where, None) if s.role == "benchmark"}
    flagged = where.partitions("contaminated")
    contaminated = read_published(flagged, "contaminated") if flagged else empty("contaminated")
    shape = {}
    if args.table == "howto":  # procedures take the shape of the hf export's how-to rows
        from transforms.publish.export_hf import howto_rows

        shape["shape"] = lambda frame, shots, _table, p: howto_rows(frame, shots, p)
    if args.table == "trajectories":  # several screens per row: the trajectory exports
        from transforms.publish.export_trajectories import trajectory_rows

        shape["shape"] = trajectory_rows
    rows, withheld = export_rows(
        published, screenshots, args.table, params, benchmarks, contaminated, **shape
    )
    out = args.out or where.export(args.format, args.table)
    if args.table == "trajectories":
        counts = _trajectories(args, rows, screenshots, out, params)
    elif args.format == "hf":
        from transforms.publish.export_hf import export_hf

        counts = export_hf(rows, screenshots, out, params, args.table, hf_card_metadata(rows))
    elif args.format == "screenspot":
        counts = export_screenspot(rows, screenshots, out, args.box)
    elif args.format == "chat":
        from transforms.publish.export_chat import export_chat

        counts = export_chat(rows, screenshots, out, args.target, args.coords, params)
    elif args.format == "rl":
        from transforms.publish.export_rl import export_rl

        counts = export_rl(rows, screenshots, out, params, args.coords, args.images)
    write_bytes_atomic(withheld_markdown(withheld).encode(), out / WITHHELD_FILE)
    done = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    size, n = folder_size(out), sum(counts.values())
    print(f"{args.format} export of {args.table}: {done}\n  {out}\n  {withheld_text(withheld)}")
    print(f"  {size:,} bytes, {size / max(n, 1):,.0f} bytes per row")
    if mixed_out is not None:
        print(f"  mixed out (params.yaml mix): {mix_summary(mixed_out)}")
    return 0


def _trajectories(args, rows, screenshots, out, params) -> dict[str, int]:
    """The trajectory exports: chat JSONL or HF rows, each with one image per step."""
    if args.format == "chat":
        from transforms.publish.export_trajectories import export_trajectories_chat

        return export_trajectories_chat(rows, screenshots, out, args.coords, params)
    from transforms.publish.export import hf_card_metadata
    from transforms.publish.export_trajectories_hf import export_trajectories_hf

    return export_trajectories_hf(rows, screenshots, out, params, hf_card_metadata(rows))


def _mixed(published, where, params):
    """The mix of params.yaml applied to the rows an export writes: (kept, mixed out); a control that
    can do nothing on these rows is said on stderr."""
    from schemas.errors import InputError
    from transforms.publish.mix import mix, unused_controls, with_icons
    from transforms.storage import read_published

    for note in unused_controls(published, params):
        print(f"groundmill: {note}", file=sys.stderr)
    rows = published
    if params.kinds and "is_icon" not in rows.columns:
        grounding = read_published(where.partitions("grounding"), "grounding", ["element_id", "is_icon"])
        rows = with_icons(rows, grounding)
    kept, mixed_out = mix(rows, params)
    if kept.is_empty():
        raise InputError(f"export: the mix (params.yaml mix) keeps none of the {published.height} rows")
    return kept.select(published.columns), mixed_out


def gallery(args: argparse.Namespace, where) -> int:
    """The offline gallery: published screenshots with every element's and target's box, filterable."""
    import polars as pl

    from schemas.errors import InputError
    from transforms.publish.gallery import write_gallery
    from transforms.storage import read_published

    grounding = read_published(where.partitions("grounding"), "grounding")
    if args.sources:
        grounding = grounding.filter(pl.col("source_id").is_in(args.sources))
        if grounding.is_empty():
            raise InputError(f"gallery: no published grounding rows of {', '.join(args.sources)}")
    shown = ["screenshot_id", "source_id", "width", "height", "png"]
    screenshots = read_published(where.partitions("screenshots"), "screenshots", shown)
    boxes = ["screenshot_id", "role", "text", "name", "x1", "y1", "x2", "y2"]
    elements = read_published(where.partitions("elements"), "elements", boxes)
    page, shots = write_gallery(
        args.out or where.gallery, screenshots, elements, grounding, args.per_source or None
    )
    print(f"gallery: {shots} screenshots with their boxes\n  {page}")
    return 0
