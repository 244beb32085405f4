"""The RL export: Parquet as verl's RLHFDataset reads it, one file per split.

Per row: `data_source`, `prompt` (chat messages, `<image>` where the screenshot goes), `images` (one
{bytes} each, or one {image: path} to a file under images/), `ability`, `reward_model` {style: rule,
ground_truth: the box [x1, y1, x2, y2], empty for a refusal row}, `extra_info` (split, index, ids, the
point, the image size). Coordinates follow `export_chat`'s conventions: absolute pixels of the image as
resized by the model's rule (the images are written resized), or thousandths (0-1000).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.config import ExportParams
from transforms.publish.export import image_name, write_images
from transforms.publish.export_chat import answer_box, answer_point, coordinate_scale, request
from transforms.publish.resize import resized_png
from transforms.storage import replace_folder_atomic

IMAGE_MODES = ("bytes", "paths")
ABILITY = "gui_grounding"


def rl_row(row: dict, index: int, coords: str, params: ExportParams) -> dict:
    """One verl row of a training row, without its image (added by the writer)."""
    scale = coordinate_scale(row, coords, params)
    width, height = round(row["image_width"] * scale[0]), round(row["image_height"] * scale[1])
    return {
        "data_source": f"groundmill/{row['source_id']}",
        "prompt": [{"role": "user", "content": f"<image>{request(row, 'box', coords)}"}],
        "ability": ABILITY,
        "reward_model": {"style": "rule", "ground_truth": answer_box(row, scale) or []},
        "extra_info": {
            "split": row["split"],
            "index": index,
            "id": row["id"],
            "screenshot_id": row["screenshot_id"],
            "source_id": row["source_id"],
            "gt_type": row["gt_type"],
            "point": answer_point(row, scale) or [],
            "coords": coords,
            "image_width": width if coords == "absolute" else row["image_width"],
            "image_height": height if coords == "absolute" else row["image_height"],
        },
    }


def rl_schema(images: str) -> pa.Schema:
    """The Parquet schema: `images` a list of {bytes} or of {image: path}."""
    image = pa.struct({"bytes": pa.binary()} if images == "bytes" else {"image": pa.string()})
    return pa.schema(
        {
            "data_source": pa.string(),
            "prompt": pa.list_(pa.struct({"role": pa.string(), "content": pa.string()})),
            "images": pa.list_(image),
            "ability": pa.string(),
            "reward_model": pa.struct({"style": pa.string(), "ground_truth": pa.list_(pa.int64())}),
            "extra_info": pa.struct(
                {
                    "split": pa.string(),
                    "index": pa.int64(),
                    "id": pa.string(),
                    "screenshot_id": pa.string(),
                    "source_id": pa.string(),
                    "gt_type": pa.string(),
                    "point": pa.list_(pa.int64()),
                    "coords": pa.string(),
                    "image_width": pa.int64(),
                    "image_height": pa.int64(),
                }
            ),
        }
    )


def export_rl(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    params: ExportParams,
    coords: str = "absolute",
    images: str = "bytes",
) -> dict[str, int]:
    """<folder>/<split>.parquet for verl; with `images="paths"` each screenshot is written once under
    <folder>/images/ and rows name it by its absolute path (the folder's final place), else rows carry the
    PNG bytes."""
    convert = partial(resized_png, params=params) if coords == "absolute" else None
    final = folder.resolve()
    pngs = dict(screenshots.select("screenshot_id", "png").unique("screenshot_id").iter_rows())
    converted: dict[str, bytes] = {}

    def image_of(row: dict) -> dict:
        if images == "paths":
            return {"image": str(final / "images" / image_name(row))}
        sid = row["screenshot_id"]
        if sid not in converted:
            converted[sid] = convert(pngs[sid]) if convert else pngs[sid]
        return {"bytes": converted[sid]}

    counts = {}
    schema = rl_schema(images)

    def fill(staging: Path) -> None:
        if images == "paths":
            write_images(rows, screenshots, staging, convert)
        for (split,), part in rows.group_by("split", maintain_order=True):
            records = [
                {**rl_row(r, k, coords, params), "images": [image_of(r)]}
                for k, r in enumerate(part.iter_rows(named=True))
            ]
            pq.write_table(pa.Table.from_pylist(records, schema=schema), staging / f"{split}.parquet")
            counts[split] = len(records)

    replace_folder_atomic(folder, fill)
    return counts
