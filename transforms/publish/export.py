"""Exports for training, what they share: the rows in a common shape with their split, boxes in the
conventions benchmarks use, image files; and the ScreenSpot-Pro JSON export. The Hugging Face `datasets`
export is in `export_hf`, chat JSONL in `export_chat`, the RL Parquet of verl in `export_rl`.

Splits are assigned by near-duplicate screenshot cluster (a hash of `cluster_id`), so no near-duplicate
screen lands in two splits, and the same cluster lands in the same split run after run; where a split
would be empty and there are at least three clusters, it takes the cluster whose hash lies nearest to
its share, so train, validation and test each hold one at least.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from schemas.config import ExportParams
from schemas.errors import InputError
from transforms.capture.dataset_files import unsafe_name
from transforms.storage import replace_folder_atomic

BOX_FORMATS = ("xyxy", "xywh", "norm1", "norm1000")
# What every published row carries about where it came from (schemas/provenance.py), passed to every export.
PROVENANCE = ("license", "page_path", "captured_at", "pipeline_version", "language")


SPLITS = ("test", "validation", "train")  # in the order of their share of the hash range


def _unit(cluster_id: str) -> float:
    return int(hashlib.sha256(cluster_id.encode()).hexdigest()[:8], 16) / 2**32


def split_of(cluster_id: str, params: ExportParams) -> str:
    u = _unit(cluster_id)
    return "test" if u < params.test else "validation" if u < params.test + params.validation else "train"


def assign_splits(clusters: list[str], params: ExportParams) -> dict[str, str]:
    """cluster -> split by `split_of`; then, with three clusters or more, each split with a share above
    0 that is empty takes a cluster: test the lowest hash, validation the lowest left, train the highest
    of a split that keeps one."""
    split = {c: split_of(c, params) for c in clusters}
    if len(split) < 3:
        return split
    order = sorted(split, key=_unit)
    shares = {
        "test": params.test,
        "validation": params.validation,
        "train": 1 - params.test - params.validation,
    }
    for name in SPLITS:
        if shares[name] <= 0 or name in split.values():
            continue
        sizes = {s: list(split.values()).count(s) for s in SPLITS}
        if name == "train":
            pick = next(c for c in reversed(order) if sizes[split[c]] > 1)
        else:
            pick = next(c for c in order if split[c] not in ("test", name) or sizes[split[c]] > 1)
        split[pick] = name
    return split


def training_rows(
    rows: pl.DataFrame, screenshots: pl.DataFrame, table: str, params: ExportParams
) -> pl.DataFrame:
    """Rows with a common shape: id, text, box, point, image size, split (by screenshot cluster)."""
    text = "expression" if table == "grounding" else "instruction"
    row_id = "grounding_id" if table == "grounding" else "instruction_id"
    # One row per screenshot: sources that share an image must not multiply the rows.
    shots = screenshots.select(
        "screenshot_id", "platform", pl.col("cluster_id").fill_null(pl.col("screenshot_id"))
    ).unique("screenshot_id", keep="first", maintain_order=True)
    out = rows.join(shots, on="screenshot_id", how="left").with_columns(
        pl.col("cluster_id").fill_null(pl.col("screenshot_id"))
    )
    splits = assign_splits(out["cluster_id"].unique().to_list(), params)
    out = out.with_columns(split=pl.col("cluster_id").replace_strict(splits, return_dtype=pl.String))
    keep = [
        pl.col(row_id).alias("id"),
        pl.col(text).alias("text"),
        "source_id",
        "screenshot_id",
        "platform",
        "perspective",
        "gt_type",
        "x1",
        "y1",
        "x2",
        "y2",
        "click_x",
        "click_y",
        "image_width",
        "image_height",
        "split",
        "cluster_id",
    ]
    optional = ("is_icon", "tier", "difficulty", "action_type", "action_args", "origin", *PROVENANCE)
    extra = [c for c in optional if c in out.columns]
    return out.select(*keep, *extra).sort("split", "id")


def provenance_of(row: dict) -> dict:
    """The row's source, licence, page, capture time (ISO 8601), pipeline version and language, as
    JSON values (the keys a row has: a table published before they existed has none)."""
    found = {c: row[c] for c in ("source_id", *PROVENANCE) if c in row}
    if found.get("captured_at") is not None:
        found["captured_at"] = found["captured_at"].isoformat()
    return found


def box_in(row: dict, fmt: str) -> list[float] | None:
    """The row's box as ScreenSpot-Pro (xyxy pixels), ScreenSpot v1/v2 (xywh pixels), SeeClick/OS-Atlas
    (xyxy in 0..1) or Qwen-VL style (xyxy in 0..1000) wants it; None for a refusal row."""
    if row["x1"] is None:
        return None
    x1, y1, x2, y2, w, h = row["x1"], row["y1"], row["x2"], row["y2"], row["image_width"], row["image_height"]
    if fmt == "xyxy":
        return [x1, y1, x2, y2]
    if fmt == "xywh":
        return [x1, y1, round(x2 - x1, 2), round(y2 - y1, 2)]
    if fmt == "norm1":
        return [round(x1 / w, 6), round(y1 / h, 6), round(x2 / w, 6), round(y2 / h, 6)]
    if fmt == "norm1000":
        return [round(1000 * x1 / w), round(1000 * y1 / h), round(1000 * x2 / w), round(1000 * y2 / h)]
    raise ValueError(f"box format {fmt!r} is not one of {', '.join(BOX_FORMATS)}")


def image_name(row: dict) -> str:
    """The image file of a row, relative to images/: an imported row keeps its original name (folders
    included), unless that name is absolute or climbs out with '..' (never written; the screenshot id
    names it then)."""
    origin = json.loads(row["origin"]) if row.get("origin") else {}
    named = origin.get("img_filename") or origin.get("file_name") if isinstance(origin, dict) else None
    if isinstance(named, str) and not unsafe_name(named):
        return named
    return f"{row['screenshot_id']}.png"


def write_images(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    convert: Callable[[bytes], bytes] | None = None,
) -> None:
    """Each row's screenshot under images/<its image name>, folders made as needed, once per image
    (through `convert` where given); one name given two different images (two sources whose files share a
    name) is refused with both sources named."""
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    pngs = dict(
        screenshots.filter(pl.col("screenshot_id").is_in(rows["screenshot_id"].unique().implode()))
        .select("screenshot_id", "png")
        .unique("screenshot_id")
        .iter_rows()
    )
    written: dict[str, tuple[str, str]] = {}
    columns = ["screenshot_id", "source_id", *(["origin"] if "origin" in rows.columns else [])]
    for row in rows.select(columns).unique(maintain_order=True).iter_rows(named=True):
        name = image_name(row)
        sid, source = written.setdefault(name, (row["screenshot_id"], row["source_id"]))
        if sid != row["screenshot_id"]:
            raise InputError(
                f"export: images/{name} would be two different images (sources {source} and "
                f"{row['source_id']}); export them apart (groundmill export --source ID --out DIR)"
            )
        if not (images / name).exists():
            (images / name).parent.mkdir(parents=True, exist_ok=True)
            (images / name).write_bytes(convert(pngs[sid]) if convert else pngs[sid])


def screenspot_record(row: dict, fmt: str) -> dict:
    """A ScreenSpot-Pro record, with the row's provenance; an imported row's original record, unchanged."""
    if row.get("origin"):
        return json.loads(row["origin"])
    return {
        "img_filename": image_name(row),
        "bbox": box_in(row, fmt),
        "instruction": row["text"],
        "instruction_cn": "",
        "id": row["id"],
        "application": row["source_id"],
        "platform": row["platform"],
        "img_size": [row["image_width"], row["image_height"]],
        "ui_type": "icon" if row.get("is_icon") else "text",
        "group": row["perspective"],
        "gt_type": row["gt_type"],
        "instruction_style": row["perspective"],
        **provenance_of(row),
    }


def export_screenspot(
    rows: pl.DataFrame, screenshots: pl.DataFrame, folder: Path, fmt: str = "xyxy"
) -> dict[str, int]:
    """<folder>/<split>.json (ScreenSpot-Pro records, box in `fmt`) and <folder>/images/."""
    counts = {}

    def fill(staging: Path) -> None:
        write_images(rows, screenshots, staging)
        for (split,), part in rows.group_by("split", maintain_order=True):
            records = [screenspot_record(r, fmt) for r in part.iter_rows(named=True)]
            (staging / f"{split}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1))
            counts[split] = len(records)

    replace_folder_atomic(folder, fill)
    return counts


# The Hub's size bins (the `size_categories` of a dataset card), by their upper bound in rows.
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
HF_TASKS = ["image-text-to-text"]  # a screenshot and a request in, a point or a box out


def size_category(rows: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if rows < bound), "n>1B")


def hub_license(licence: str) -> str:
    """The Hub's name of one licence: an SPDX id in lower case (`cc-by-4.0`), `unknown`, or `other` for
    a name that is no single SPDX id (`proprietary`, `LicenseRef-…`, an expression)."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    if licence == "unknown":
        return licence
    try:
        canonical = canonicalize_license_expression(licence)
    except InvalidLicenseExpression:
        return "other"
    return "other" if " " in canonical or canonical.startswith("LicenseRef-") else canonical.lower()


def hf_card_metadata(rows: pl.DataFrame) -> dict:
    """The front matter of the export's dataset card from its rows: `license` (the one licence every row
    has, as the Hub names it: `hub_license`; `other` where sources differ), `task_categories`,
    `language` (the ISO 639-1 codes the rows were detected in), `size_categories`, and `sources`: each
    source with its licence and rows, which the card also shows as a table."""
    licence = pl.col("license") if "license" in rows.columns else pl.lit("unknown")
    per_source = (
        rows.group_by("source_id")
        .agg(licence.first().fill_null("unknown").alias("license"), pl.len().alias("rows"))
        .sort("source_id")
    )
    licences = sorted(set(per_source["license"]))
    languages = sorted(set(rows["language"].drop_nulls())) if "language" in rows.columns else []
    meta: dict = {"license": hub_license(licences[0]) if len(licences) == 1 else "other"}
    if len(licences) > 1:
        meta["license_name"] = "per-source"  # the licence of each row is its source's: see `sources`
    elif meta["license"] == "other":
        meta["license_name"] = licences[0]
    meta |= {
        "task_categories": HF_TASKS,
        "language": languages,
        "size_categories": [size_category(rows.height)],
        "tags": ["gui-grounding", "screenshots"],
        "sources": per_source.to_dicts(),
    }
    if not languages:
        del meta["language"]
    return meta


def licence_line(meta: dict) -> str:
    """The card's sentence on licences (from `hf_card_metadata`)."""
    if meta["license"] == "other" and len(meta["sources"]) > 1:
        return "Each row is under its source's licence (`license`):"
    return f"Every row is under {meta['sources'][0]['license']}:" if meta["sources"] else ""


def sources_table(meta: dict) -> str:
    """The card's table of sources, their licences and rows (from `hf_card_metadata`)."""
    lines = ["| source | licence | rows |", "| --- | --- | --- |"]
    lines += [f"| {s['source_id']} | {s['license']} | {s['rows']:,} |" for s in meta["sources"]]
    return "\n".join(lines)


def folder_size(folder: Path) -> int:
    """Bytes of every file under `folder`: what an export weighs."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
