"""Chat-format JSONL for fine-tuning Qwen2.5-VL-style models: one user turn (image and request) and one
assistant turn (point, box or refusal) per row, in one of the two coordinate conventions of these models.

- `absolute` (Qwen2.5-VL): pixels of the image the model sees. The images are written resized by the
  model's rule (`resize.smart_resize`, factor and pixel bounds in params.yaml `export`), so the
  coordinates are pixels of the files themselves and the model's processor leaves them at that size.
- `relative` (Qwen2-VL): thousandths of the image's width and height (0-1000), whatever the size; the
  images are written as they are.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import polars as pl

from schemas.config import ExportParams
from transforms.publish.export import image_name, provenance_of, write_images
from transforms.publish.resize import resized_png, smart_resize
from transforms.storage import replace_folder_atomic

COORDS = ("absolute", "relative")
UNITS = {"absolute": "in pixels", "relative": "as thousandths of the image's width and height (0 to 1000)"}


def coordinate_scale(row: dict, coords: str, params: ExportParams) -> tuple[float, float]:
    """What the row's pixel coordinates are multiplied by to give them in `coords`."""
    w, h = row["image_width"], row["image_height"]
    if coords == "relative":
        return 1000 / w, 1000 / h
    if coords != "absolute":
        raise ValueError(f"coordinates {coords!r} are not one of {', '.join(COORDS)}")
    rw, rh = smart_resize(w, h, params)
    return rw / w, rh / h


def answer_box(row: dict, scale: tuple[float, float]) -> list[int] | None:
    """The row's box [x1, y1, x2, y2] scaled and rounded; None for a refusal row."""
    if row["x1"] is None:
        return None
    sx, sy = scale
    return [round(row["x1"] * sx), round(row["y1"] * sy), round(row["x2"] * sx), round(row["y2"] * sy)]


def answer_point(row: dict, scale: tuple[float, float]) -> list[int] | None:
    """The row's click point [x, y] scaled and rounded; None for a refusal row."""
    if row["x1"] is None:
        return None
    return [round(row["click_x"] * scale[0]), round(row["click_y"] * scale[1])]


def request(row: dict, target: str, coords: str) -> str:
    """What the user asks of a row: where to act (an instruction) or where a thing is (an expression)."""
    wanted = "click point (x, y)" if target == "point" else "box [x1, y1, x2, y2]"
    if row.get("action_type") is not None:
        return f"{row['text']}. Where should you act? Answer with the {wanted} {UNITS[coords]}."
    return f"Locate {row['text']} in the screenshot. Answer with the {wanted} {UNITS[coords]}."


def chat_record(
    row: dict, target: str, coords: str = "absolute", scale: tuple[float, float] = (1.0, 1.0)
) -> dict:
    """One user turn (image and request) and one assistant turn (point, box, or a refusal); `scale` from
    `coordinate_scale` takes the row's pixels to `coords`."""
    if row["x1"] is None:
        answer = "It is not on this screen."
    elif target == "point":
        answer = "({}, {})".format(*answer_point(row, scale))
    else:
        answer = "[{}, {}, {}, {}]".format(*answer_box(row, scale))
    return {
        "id": row["id"],
        "images": [f"images/{image_name(row)}"],
        "messages": [
            {"role": "user", "content": f"<image>\n{request(row, target, coords)}"},
            {"role": "assistant", "content": answer},
        ],
        **provenance_of(row),
    }


def resize_rule(params: ExportParams) -> str:
    """The resize rule in words, with its parameters."""
    return (
        f"each side rounded to a multiple of {params.resize_factor}, then, where the area is not between "
        f"{params.min_pixels:,} and {params.max_pixels:,} pixels, both sides scaled by one factor into that "
        "range (rounding down when shrinking, up when growing), the aspect ratio kept"
    )


def chat_readme(coords: str, target: str, params: ExportParams, counts: dict[str, int]) -> str:
    """README.md of a chat export: its files, its coordinate convention and the resize rule."""
    splits = ", ".join(f"`{s}.jsonl` ({n} rows)" for s, n in sorted(counts.items()))
    if coords == "absolute":
        convention = (
            "Coordinates are **absolute pixels of the resized image** (Qwen2.5-VL). The images under "
            f"`images/` are already resized by the model's rule: {resize_rule(params)}. A processor with "
            f"`min_pixels` <= {params.min_pixels} and `max_pixels` >= {params.max_pixels} leaves them "
            "at that size, so the coordinates stay true; a processor with other bounds resizes them again "
            "and the coordinates no longer match."
        )
    else:
        convention = (
            "Coordinates are **relative**, thousandths (0-1000) of the image's width and height (Qwen2-VL); "
            "the images under `images/` are the screenshots as captured, and any resize keeps the "
            "coordinates true."
        )
    answer = "a click point (x, y)" if target == "point" else "a box [x1, y1, x2, y2]"
    return (
        f"# groundmill chat export\n\n{splits}: one conversation per line, a user turn with `<image>` and "
        f"the request, an assistant turn with {answer}, or `It is not on this screen.` for a refusal row.\n"
        f"\n{convention}\n"
    )


def export_chat(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    target: str = "point",
    coords: str = "absolute",
    params: ExportParams = ExportParams(),
) -> dict[str, int]:
    """<folder>/<split>.jsonl, one conversation per row, <folder>/images/ (resized by the model's rule for
    `absolute` coordinates) and a README that states the convention."""
    counts = {}
    resize = partial(resized_png, params=params) if coords == "absolute" else None

    def fill(staging: Path) -> None:
        write_images(rows, screenshots, staging, resize)
        for (split,), part in rows.group_by("split", maintain_order=True):
            lines = [
                chat_record(r, target, coords, coordinate_scale(r, coords, params))
                for r in part.iter_rows(named=True)
            ]
            text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            (staging / f"{split}.jsonl").write_text(text)
            counts[split] = len(lines)
        (staging / "README.md").write_text(chat_readme(coords, target, params, counts))

    replace_folder_atomic(folder, fill)
    return counts
