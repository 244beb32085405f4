"""Audit of published grounding rows: an independent re-check, numbers per perspective, and overlays.

The re-check reads only what was published (grounding, elements and screenshots); it ignores the flags
verification stored, rebuilds every element's features from the published rows and pixels, and asks:
- does the expression, read afresh, pick out exactly its element (a refusal: nothing) on the screenshot?
- hit-test: is the click point inside the element's box and the box inside the image, did the capture
  find the element under its centre, and does no other control (one that is not the element's
  ancestor) also contain the click point?
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from PIL import Image, ImageDraw

from transforms.annotate.features import Item, build_items
from transforms.annotate.match import Screen, matches, parse
from transforms.annotate.pixels import decode_png
from transforms.storage import write_bytes_atomic


def _unique_fail(row: dict, screen: Screen | None) -> bool:
    if screen is None:
        return row["gt_type"] == "positive"
    found = matches(parse(row["expression"]), screen)
    if row["gt_type"] == "negative":
        return bool(found)
    return [i.element_id for i in found] != [row["element_id"]]


def _hit_fail(row: dict, target: Item | None, screen: Screen | None) -> bool:
    if row["gt_type"] == "negative":
        return False
    if target is None or screen is None:
        return True
    x, y = row["click_x"], row["click_y"]
    if not (row["x1"] <= x <= row["x2"] and row["y1"] <= y <= row["y2"]):
        return True
    if row["x1"] < 0 or row["y1"] < 0 or row["x2"] > row["image_width"] or row["y2"] > row["image_height"]:
        return True
    if not target.center_hit:
        return True
    path = target.row["css_path"]
    for other in screen.items:
        if other is target or not other.interactive:
            continue
        if (
            other.x1 <= x <= other.x2
            and other.y1 <= y <= other.y2
            and not path.startswith(other.row["css_path"] + ">")
        ):
            return True
    return False


@dataclass
class Checked:
    rows: pl.DataFrame  # the grounding rows with recheck_fail and hit_fail
    summary: pl.DataFrame  # one row per perspective, then "all"


def recheck(
    grounding: pl.DataFrame,
    elements: pl.DataFrame,
    screenshots: pl.DataFrame,
    rejected: pl.DataFrame | None = None,
) -> Checked:
    screens = {sid: Screen(items) for sid, items in build_items(elements, screenshots).items()}
    by_id = {i.element_id: i for s in screens.values() for i in s.items}
    unique_fail, hit_fail = [], []
    for row in grounding.iter_rows(named=True):
        screen = screens.get(row["screenshot_id"])
        unique_fail.append(_unique_fail(row, screen))
        hit_fail.append(_hit_fail(row, by_id.get(row["element_id"]), screen))
    rows = grounding.with_columns(
        recheck_fail=pl.Series(unique_fail, dtype=pl.Boolean), hit_fail=pl.Series(hit_fail, dtype=pl.Boolean)
    )
    flagged = (
        rejected.filter(pl.col("table") == "grounding")
        if rejected is not None
        else pl.DataFrame(schema={"perspective": pl.String, "quality_flags": pl.List(pl.String)})
    )
    return Checked(rows, _summary(rows, flagged))


def _words(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.extract_all(r"[\p{L}\p{N}'’-]+")


def _summary(rows: pl.DataFrame, flagged: pl.DataFrame) -> pl.DataFrame:
    def stats(frame: pl.DataFrame, rejected: pl.DataFrame, name: str) -> dict:
        n = frame.height
        ambiguous = rejected.filter(pl.col("quality_flags").list.contains("ambiguous")).height
        words = frame.select(_words(pl.col("expression")).alias("w"))
        vocab = words.explode("w").drop_nulls().n_unique() if n else 0
        return {
            "perspective": name,
            "rows": n,
            "rejected": rejected.height,
            "ambiguous_rate": round(ambiguous / (n + rejected.height), 4) if n + rejected.height else 0.0,
            "recheck_fail": int(frame["recheck_fail"].sum()),
            "hit_fail": int(frame["hit_fail"].sum()),
            "fail_rate": round(frame.filter(pl.col("recheck_fail") | pl.col("hit_fail")).height / n, 4)
            if n
            else 0.0,
            "mean_words": round(float(words["w"].list.len().mean() or 0), 2),
            "vocabulary": vocab,
        }

    perspectives = sorted(set(rows["perspective"].to_list()) | set(flagged["perspective"].to_list()))
    out = [
        stats(rows.filter(pl.col("perspective") == p), flagged.filter(pl.col("perspective") == p), p)
        for p in perspectives
    ]
    out.append(stats(rows, flagged, "all"))
    return pl.DataFrame(out)


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


def draw_overlay(png: bytes, row: dict) -> bytes:
    """The screenshot with the row's box in red, its click point, and the expression written on top."""
    image = Image.fromarray(decode_png(png))
    draw = ImageDraw.Draw(image)
    verdict = "FAIL" if row.get("recheck_fail") or row.get("hit_fail") else "ok"
    caption = f"[{row['perspective']}/{row['gt_type']}/{verdict}] {row['expression']}"
    if row["x1"] is not None:
        draw.rectangle((row["x1"], row["y1"], row["x2"], row["y2"]), outline=(255, 0, 0), width=3)
        cx, cy = row["click_x"], row["click_y"]
        draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=(255, 0, 0))
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
    checked: Checked, screenshots: pl.DataFrame, folder: Path, per_perspective: int, seed: int
) -> Path:
    """Overlays for a sample per perspective, audit.md and audit.json in `folder`; returns audit.md."""
    pngs = dict(screenshots.select("screenshot_id", "png").iter_rows())
    sample = sample_rows(checked.rows, per_perspective, seed)
    for old in folder.glob("*.png"):
        old.unlink()
    names = []
    for k, row in enumerate(sample.iter_rows(named=True)):
        name = f"{row['perspective']}-{k:03d}-{row['grounding_id'][:8]}.png"
        write_bytes_atomic(draw_overlay(pngs[row["screenshot_id"]], row), folder / name)
        names.append(name)
    failing = checked.rows.filter(pl.col("recheck_fail") | pl.col("hit_fail")).select(
        "grounding_id", "perspective", "expression", "recheck_fail", "hit_fail"
    )
    doc = {"summary": checked.summary.to_dicts(), "failing": failing.head(200).to_dicts(), "overlays": names}
    write_bytes_atomic(json.dumps(doc, indent=2, ensure_ascii=False).encode(), folder / "audit.json")
    text = (
        "# Audit of published grounding rows\n\n"
        + markdown(checked.summary)
        + f"\n\nOverlays ({len(names)}): "
        + ", ".join(names)
        + "\n"
    )
    write_bytes_atomic(text.encode(), folder / "audit.md")
    return folder / "audit.md"
