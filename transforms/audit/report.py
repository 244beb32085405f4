"""The audit's report: a table per perspective, overlays of flawed rows (and a sample of the rest)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import polars as pl
from PIL import Image, ImageDraw

from transforms.storage import write_bytes_atomic


def sample_rows(rows: pl.DataFrame, per_perspective: int, seed: int) -> pl.DataFrame:
    """A deterministic sample: per perspective the rows whose seeded hash of the id is smallest."""
    ranked = rows.with_columns(
        _rank=pl.col("grounding_id").map_elements(
            lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest(), return_dtype=pl.String
        )
    )
    return (
        ranked.sort("_rank").group_by("perspective", maintain_order=True).head(per_perspective).drop("_rank")
    )


def _caption(row: dict) -> str:
    """[perspective/gt_type(/the audit's verdict, where audited)] expression (words the OCR did not read)."""
    tags = [row["perspective"], row["gt_type"]]
    if "audit_reasons" in row:
        tags.append(",".join(row["audit_reasons"] or []) or "ok")
    missing = row.get("missing_words") or []
    more = f" (not read: {' '.join(missing)})" if missing else ""
    return f"[{'/'.join(tags)}] {row['expression']}{more}"


def draw_overlay(png: bytes, row: dict, others: list[tuple[float, float, float, float]] = ()) -> bytes:
    """The screenshot with the row's box in red, its click point, other elements the phrase fits in
    orange, and the expression with the audit's verdict written on top."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for box in others:
        draw.rectangle(box, outline=(255, 140, 0), width=3)
    if row["x1"] is not None:
        draw.rectangle((row["x1"], row["y1"], row["x2"], row["y2"]), outline=(255, 0, 0), width=3)
        cx, cy = row["click_x"], row["click_y"]
        draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=(255, 0, 0))
    caption = _caption(row)
    box = draw.textbbox((6, 6), caption)
    draw.rectangle(
        (box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=(255, 255, 255), outline=(255, 0, 0)
    )
    draw.text((6, 6), caption, fill=(180, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def markdown(summary: pl.DataFrame) -> str:
    cols = summary.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in summary.iter_rows()]
    return "\n".join(lines)


def write_report(
    rows: pl.DataFrame,
    summary: pl.DataFrame,
    screenshots: pl.DataFrame,
    boxes: dict[str, tuple[float, float, float, float]],
    folder: Path,
    per_perspective: int,
    seed: int,
) -> Path:
    """In `folder`: overlays of up to `per_perspective` flawed rows per perspective and as many others,
    audit.md (the table) and audit.json (the table and every flawed row); returns audit.md.
    `boxes` maps element ids to boxes, to draw the other elements a phrase fits."""
    pngs = dict(screenshots.select("screenshot_id", "png").iter_rows())
    flawed = rows.filter(pl.col("flawed"))
    sample = pl.concat(
        [
            sample_rows(flawed, per_perspective, seed),
            sample_rows(rows.filter(~pl.col("flawed")), per_perspective, seed),
        ]
    )
    for old in folder.glob("*.png"):
        old.unlink()
    names = []
    for k, row in enumerate(sample.iter_rows(named=True)):
        tag = "flawed" if row["flawed"] else "ok"
        name = f"{row['perspective']}-{tag}-{k:03d}-{row['grounding_id'][:8]}.png"
        others = [boxes[i] for i in row["fit_ids"] or [] if i != row["element_id"] and i in boxes]
        write_bytes_atomic(draw_overlay(pngs[row["screenshot_id"]], row, others), folder / name)
        names.append(name)
    shown = [
        "grounding_id",
        "perspective",
        "gt_type",
        "expression",
        "audit_reasons",
        "audit_fits",
        "missing_words",
    ]
    doc = {"summary": summary.to_dicts(), "flawed": flawed.select(shown).to_dicts(), "overlays": names}
    write_bytes_atomic(json.dumps(doc, indent=2, ensure_ascii=False).encode(), folder / "audit.json")
    text = (
        "# Independent audit of published grounding rows\n\n"
        + markdown(summary)
        + f"\n\nOverlays ({len(names)}): "
        + ", ".join(names)
        + "\n"
    )
    write_bytes_atomic(text.encode(), folder / "audit.md")
    return folder / "audit.md"
