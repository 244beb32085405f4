"""The OCR alignment check on a source's capture tables: for a few screenshots of each application
(web: of the source), the text boxes of its elements against what OCR reads there (transforms/capture/
ocr.py). Each checked capture gets `ocr_text_boxes` and `ocr_matched`; the summary and the data card
add them up per application and flag one under the threshold."""

from __future__ import annotations

import polars as pl

from schemas.config import OcrParams
from transforms.capture import ocr


def with_alignment(tables: dict[str, pl.DataFrame], params: OcrParams) -> dict[str, pl.DataFrame]:
    """The tables with the check's counts on the first `check_screenshots` ok captures (by page path) per
    application; unchanged where tesseract is missing or the check is off."""
    captures = tables["captures"]
    if params.check_screenshots <= 0 or not ocr.available() or captures.is_empty():
        return tables
    shots = tables["screenshots"].filter(pl.col("part_index") == 0)
    picked = (
        captures.filter(pl.col("status") == "ok")
        .with_columns(group=pl.coalesce("app", "source_id"))
        .sort("page_path", "capture_id")  # the same captures in every run (ids are content hashes)
        .group_by("group", maintain_order=True)
        .head(params.check_screenshots)
        .join(shots.select("capture_id", "screenshot_id", "png"), on="capture_id")
    )
    counts = {}
    elements = tables["elements"]
    for row in picked.iter_rows(named=True):
        texts = elements.filter(
            (pl.col("screenshot_id") == row["screenshot_id"]) & pl.col("text").is_not_null()
        ).select("text", "x1", "y1", "x2", "y2")
        boxes = [(t, (x1, y1, x2, y2)) for t, x1, y1, x2, y2 in texts.iter_rows()]
        try:
            read = ocr.read_text(row["png"], timeout=params.timeout_s)
        except ocr.OcrError:
            continue
        counts[row["capture_id"]] = ocr.alignment(boxes, read, params.match_iou)
    if not counts:
        return tables
    checked = pl.DataFrame(
        {
            "capture_id": list(counts),
            "_n": [c[0] for c in counts.values()],
            "_m": [c[1] for c in counts.values()],
        },
        schema={"capture_id": pl.String, "_n": pl.Int32, "_m": pl.Int32},
    )
    captures = (
        captures.join(checked, on="capture_id", how="left")
        .with_columns(
            ocr_text_boxes=pl.coalesce("_n", "ocr_text_boxes"), ocr_matched=pl.coalesce("_m", "ocr_matched")
        )
        .drop("_n", "_m")
    )
    return {**tables, "captures": captures}


def per_app(captures: pl.DataFrame, align_min: float) -> pl.DataFrame:
    """Per source and application: text boxes checked, found, the share, and whether it is flagged."""
    return (
        captures.filter(pl.col("ocr_text_boxes").is_not_null())
        .group_by("source_id", app=pl.coalesce("app", "source_id"))
        .agg(checked=pl.col("ocr_text_boxes").sum(), found=pl.col("ocr_matched").sum())
        .with_columns(share=pl.col("found") / pl.col("checked"))
        .with_columns(flagged=pl.col("share").fill_nan(0) < align_min)
        .sort("source_id", "app")
    )
