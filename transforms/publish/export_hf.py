"""The Hugging Face `datasets` export: two configs of Parquet shards, the rows and their screenshots.

`default` holds the rows (grounding, instructions with typed action fields, or how-to procedures with
typed steps) and names each row's screenshot by `screenshot_id`; `images` holds each screenshot once per
split, as a `datasets` Image, joined by that id. A screenshot is stored once however many rows it has
(it was embedded in every row before: 81 MB for the sample's 1,191 rows on 21 screenshots).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from schemas.config import ExportParams
from schemas.datasets import ACTION_ARGS
from schemas.errors import InputError
from transforms.publish.export import assign_splits, licence_line, sources_table
from transforms.storage import replace_folder_atomic

HF_PASSED = ("source_id", "platform", "perspective", "gt_type", "tier", "cluster_id")
HOWTO_PASSED = (
    "source_id",
    "page_path",
    "method",
    "topic",
    "ui_procedure",
    "replayed",  # replayed to its end in its application (null: not tried)
    "n_steps",
    "steps",
    "typed_steps",
)
ROW_BYTES = 512  # what a row without its image is taken to weigh when cutting shards


def typed_action_args(rows: pl.DataFrame, row_id: str = "id") -> pl.Series:
    """`action_args` (JSON objects) as the ACTION_ARGS struct; a key it does not know is refused, naming the
    row, since it would be lost silently."""
    known = set(ACTION_ARGS.to_schema())
    for rid, args in rows.select(row_id, "action_args").iter_rows():
        unknown = sorted(set(json.loads(args)) - known)
        if unknown:
            raise InputError(
                f"export: instruction {rid} has action_args {', '.join(unknown)} that schemas/datasets.py "
                "ACTION_ARGS does not type; add them there"
            )
    return rows["action_args"].str.json_decode(ACTION_ARGS)


def hf_rows(rows: pl.DataFrame, table: str) -> pl.DataFrame:
    """Rows of `training_rows` as the `default` config holds them: id, screenshot_id, text, `bbox`
    [x1, y1, x2, y2] and `point` in pixels (empty for refusal rows), image size, the passed columns, for
    instructions `action_type` and the typed `action_args`, then any other column of the common shape as
    it is (is_icon, difficulty, ...); `split` kept for the writer."""
    positive = pl.col("x1").is_not_null()
    empty = pl.lit([], dtype=pl.List(pl.Float64))
    passed = [(pl.col(c) if c in rows.columns else pl.lit(None, pl.String)).alias(c) for c in HF_PASSED]
    action = []
    if table == "instructions":
        action = [pl.col("action_type"), typed_action_args(rows).alias("action_args")]
    shaped = {"id", "screenshot_id", "text", "image_width", "image_height", *HF_PASSED, "split"}
    boxes = {"x1", "y1", "x2", "y2", "click_x", "click_y", "action_type", "action_args"}
    others = [c for c in rows.columns if c not in shaped | boxes]
    return rows.select(
        "id",
        "screenshot_id",
        "text",
        pl.when(positive).then(pl.concat_list("x1", "y1", "x2", "y2")).otherwise(empty).alias("bbox"),
        pl.when(positive).then(pl.concat_list("click_x", "click_y")).otherwise(empty).alias("point"),
        "image_width",
        "image_height",
        *passed,
        *action,
        *others,
        "split",
    )


def howto_rows(howto: pl.DataFrame, screenshots: pl.DataFrame, params: ExportParams) -> pl.DataFrame:
    """How-to procedures as the `default` config holds them: id, screenshot_id, goal, where and how they
    were found, `steps` and `typed_steps` as published, and a split by the page screenshot's cluster
    (the procedure's own id where it has no screenshot)."""
    clusters = screenshots.select(
        "screenshot_id", pl.col("cluster_id").fill_null(pl.col("screenshot_id"))
    ).unique("screenshot_id", keep="first", maintain_order=True)
    out = howto.join(clusters, on="screenshot_id", how="left").with_columns(
        pl.col("cluster_id").fill_null(pl.col("screenshot_id")).fill_null(pl.col("howto_id"))
    )
    splits = assign_splits(out["cluster_id"].unique().to_list(), params)
    return out.select(
        pl.col("howto_id").alias("id"),
        "screenshot_id",
        "goal",
        *HOWTO_PASSED,
        "cluster_id",
        split=pl.col("cluster_id").replace_strict(splits, return_dtype=pl.String),
    ).sort("split", "id")


def screenshots_of(rows: pl.DataFrame) -> pl.Series:
    """The screenshots a split's rows show: each row's own, and for how-to rows each grounded step's."""
    ids = rows["screenshot_id"]
    if "typed_steps" in rows.columns:
        steps = rows["typed_steps"].explode().struct.field("screenshot_id")
        ids = pl.concat([ids, steps])
    return ids.drop_nulls().unique(maintain_order=True)


def _shards(sizes: list[int], limit: int) -> list[tuple[int, int]]:
    """[start, end) ranges of consecutive items whose sizes stay under `limit` bytes (one item at least)."""
    ranges, start, total = [], 0, 0
    for k, size in enumerate(sizes):
        if k > start and total + size > limit:
            ranges.append((start, k))
            start, total = k, 0
        total += size
    return [*ranges, (start, len(sizes))]


def _plain(kind: pa.DataType) -> pa.DataType:
    """An Arrow type with its large strings and lists made regular ones (what `datasets` names `string`
    and `List`, rather than `large_string` and `LargeList`)."""
    if pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_large_list(kind) or pa.types.is_list(kind):
        return pa.list_(_plain(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(f.name, _plain(f.type)) for f in kind])
    return kind


def _write_rows(part: pl.DataFrame, folder: Path, split: str, limit: int) -> None:
    shards = _shards([ROW_BYTES] * part.height, limit)
    for k, (a, b) in enumerate(shards):
        table = part.slice(a, b - a).drop("split").to_arrow()
        table = table.cast(pa.schema([pa.field(f.name, _plain(f.type)) for f in table.schema]))
        pq.write_table(table, folder / f"{split}-{k:05d}-of-{len(shards):05d}.parquet", compression="zstd")


def _write_images(shots: pl.DataFrame, folder: Path, split: str, limit: int) -> None:
    from datasets import Dataset, Features, Image, Value

    features = Features(
        {
            "screenshot_id": Value("string"),
            "image": Image(),
            "width": Value("int32"),
            "height": Value("int32"),
        }
    )
    shards = _shards(shots["png"].bin.size().to_list(), limit)
    for k, (a, b) in enumerate(shards):
        part = shots.slice(a, b - a)
        columns = {
            "screenshot_id": part["screenshot_id"].to_list(),
            "image": [
                {"bytes": png, "path": f"{sid}.png"}
                for sid, png in part.select("screenshot_id", "png").rows()
            ],
            "width": part["width"].to_list(),
            "height": part["height"].to_list(),
        }
        path = folder / f"{split}-{k:05d}-of-{len(shards):05d}.parquet"
        Dataset.from_dict(columns, features=features).to_parquet(str(path))


def hf_readme(configs: dict[str, dict[str, str]], body: str, front_matter: dict | None = None) -> str:
    """README.md of an HF export: YAML front matter with its `configs` (name -> split -> file pattern) and
    any further keys (`license`, `task_categories`, ...), then the body."""
    header = {
        "configs": [
            {
                "config_name": name,
                "data_files": [{"split": split, "path": path} for split, path in splits.items()],
            }
            for name, splits in configs.items()
        ],
        **(front_matter or {}),
    }
    return f"---\n{yaml.safe_dump(header, sort_keys=False, allow_unicode=True)}---\n\n{body}"


WHAT_ROWS_HOLD = {
    "grounding": "one row per referring expression: `text`, `bbox` [x1, y1, x2, y2] and `point` (the click "
    "point) in pixels of the screenshot, both empty for refusal rows (`gt_type` negative)",
    "instructions": "one row per instruction: `text`, `action_type`, `action_args` (a struct: `text` typed, "
    "`option` selected, scroll `direction` and `to`, a how-to step's `howto_id`, `step`, `goal`, `value` and "
    "`menu_path`; null where the action has none), `bbox` and `point` in pixels",
    "howto": "one row per procedure: `goal`, `steps`, and `typed_steps` (per step its action, target, value, "
    "menu path and spans, and for a grounded step its `screenshot_id` and box); `screenshot_id` is the "
    "page's; `replayed` says whether it was replayed to its end in its application (null: not tried)",
}


JOIN = """```python
from datasets import load_dataset

rows = load_dataset("PATH", split="train")
images = load_dataset("PATH", "images", split="train")
where = {sid: i for i, sid in enumerate(images["screenshot_id"])}


def with_images(batch):
    batch["image"] = [images[where[s]]["image"] if s else None for s in batch["screenshot_id"]]
    return batch


rows = rows.with_transform(with_images)
rows[0]["image"]  # a PIL image (for how-to, the page's; a step's: images[where[step["screenshot_id"]]])
```
"""


def hf_body(table: str, counts: dict[str, int], size: int) -> str:
    """The README body: what the configs hold, the export's size per row, and how to join the images."""
    rows = sum(counts.values())
    splits = ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items()))
    return (
        f"# groundmill export: {table}\n\n"
        f"The `default` config holds the rows ({splits}), {WHAT_ROWS_HOLD[table]}. The `images` config "
        "holds each screenshot once per split (`screenshot_id`, `image`, `width`, `height`); rows name "
        "theirs by `screenshot_id`. Splits are by near-duplicate screenshot cluster.\n\n"
        f"Size (the Parquet files): {size:,} bytes for {rows:,} rows, "
        f"{size / max(rows, 1):,.0f} bytes per row.\n\n"
        f"Join the images to the rows (offline, no copy of an image per row):\n\n{JOIN}"
    )


def export_hf(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    params: ExportParams,
    table: str = "grounding",
    front_matter: dict | None = None,
) -> dict[str, int]:
    """<folder>/data/<split>-NNNNN-of-NNNNN.parquet (the rows: `hf_rows`, or `howto_rows` as they are),
    <folder>/images/<split>-... (each screenshot the split's rows show, once, as a `datasets` Image), shards
    under params.shard_mb, and a README (`hf_readme`, `front_matter` added) whose configs name both, so
    `datasets.load_dataset(folder)` and `load_dataset(folder, "images")` load it offline."""
    shaped = rows if table == "howto" else hf_rows(rows, table)
    limit = params.shard_mb * 1_000_000
    shots = screenshots.select("screenshot_id", "width", "height", "png").unique(
        "screenshot_id", keep="first"
    )
    counts: dict[str, int] = {}

    def fill(staging: Path) -> None:
        (staging / "data").mkdir()
        (staging / "images").mkdir()
        for (split,), part in shaped.group_by("split", maintain_order=True):
            _write_rows(part, staging / "data", split, limit)
            shown = shots.filter(pl.col("screenshot_id").is_in(screenshots_of(part).implode()))
            _write_images(shown.sort("screenshot_id"), staging / "images", split, limit)
            counts[split] = part.height
        size = sum(p.stat().st_size for p in staging.rglob("*.parquet"))
        configs = {
            "default": {s: f"data/{s}-*" for s in counts},
            "images": {s: f"images/{s}-*" for s in counts},
        }
        body = hf_body(table, counts, size)
        if front_matter and front_matter.get("sources"):  # the card's table of sources and licences
            body += f"\n## Sources\n\n{licence_line(front_matter)}\n\n{sources_table(front_matter)}\n"
        (staging / "README.md").write_text(hf_readme(configs, body, front_matter))

    replace_folder_atomic(folder, fill)
    return counts
