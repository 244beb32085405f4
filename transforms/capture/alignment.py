"""The OCR alignment check on a source's capture tables: for a few screenshots of each application
(web: of the source), the text boxes of its elements against what OCR reads there (transforms/capture/
ocr.py). Each checked capture gets `ocr_text_boxes` and `ocr_matched`; the summary and the data card
add them up per application and flag one under the threshold.

Desktop captures get a figure that can fail: of every published element whose accessible name the
tree says is shown as text (ocr.shows_name on `name`, not on `text`, which capture keeps only where OCR
read the name: desktop/drawn.py), the share whose own crop OCR reads as that name. A phantom box, a
covered one or an offset one reads as something else, and stays in the denominator. Icon-only controls
are counted apart (`ocr_icon_only`). Web captures (and imported screenshots, whose boxes are OCR's own)
keep the first check: text boxes OCR read near them, found where they are."""

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
        mine = elements.filter(pl.col("screenshot_id") == row["screenshot_id"])
        boxes = ("role", "tag", "x1", "y1", "x2", "y2")
        texts = mine.filter(pl.col("text").is_not_null()).select("text", *boxes)
        try:
            if row["app"] is not None:  # a desktop capture's state: what the tree claims, drawn or not
                said = pl.coalesce([c for c in ("name", "text") if c in mine.columns]).alias("text")
                where = [c for c in ("css_path", "visible_ratio") if c in mine.columns]  # ocr.shows_name
                claims = mine.select(said, *boxes, *where).filter(pl.col("text").is_not_null())
                claimed = claims.to_dicts()
                counts[row["capture_id"]] = ocr.crop_alignment(row["png"], claimed, params.timeout_s)
                continue
            read = ocr.read_text(row["png"], timeout=params.timeout_s)
        except ocr.OcrError:
            continue
        boxes = [(r["text"], (r["x1"], r["y1"], r["x2"], r["y2"])) for r in texts.iter_rows(named=True)]
        counts[row["capture_id"]] = (*ocr.alignment(boxes, read, params.match_iou), None)
    if not counts:
        return tables
    checked = pl.DataFrame(
        {
            "capture_id": list(counts),
            "_n": [c[0] for c in counts.values()],
            "_m": [c[1] for c in counts.values()],
            "_i": [c[2] for c in counts.values()],
        },
        schema={"capture_id": pl.String, "_n": pl.Int32, "_m": pl.Int32, "_i": pl.Int32},
    )
    captures = (
        captures.join(checked, on="capture_id", how="left")
        .with_columns(
            ocr_text_boxes=pl.coalesce("_n", "ocr_text_boxes"),
            ocr_matched=pl.coalesce("_m", "ocr_matched"),
            ocr_icon_only=pl.coalesce("_i", "ocr_icon_only"),
        )
        .drop("_n", "_m", "_i")
    )
    return {**tables, "captures": captures}


def per_app(captures: pl.DataFrame, align_min: float) -> pl.DataFrame:
    """Per source and application: text boxes checked, found, the share, whether it is flagged, and the
    icon-only controls left out of it (desktop)."""
    return (
        captures.filter(pl.col("ocr_text_boxes").is_not_null())
        .group_by("source_id", app=pl.coalesce("app", "source_id"))
        .agg(
            checked=pl.col("ocr_text_boxes").sum(),
            found=pl.col("ocr_matched").sum(),
            icon_only=pl.col("ocr_icon_only").sum(),
        )
        .with_columns(share=pl.col("found") / pl.col("checked"))
        .with_columns(flagged=pl.col("share").fill_nan(0) < align_min)
        .sort("source_id", "app")
    )
