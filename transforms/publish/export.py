"""Exports for training: Hugging Face `datasets` Parquet shards, ScreenSpot-Pro JSON with an image
folder, and chat-format JSONL, from the published grounding (or instruction) rows.

Splits are assigned by near-duplicate screenshot cluster (a hash of `cluster_id`), so no near-duplicate
screen lands in two splits, and the same cluster lands in the same split run after run; where a split
would be empty and there are at least three clusters, it takes the cluster whose hash lies nearest to
its share, so train, validation and test each hold one at least.
"""

from __future__ import annotations

import hashlib
import json
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


def _write_images(rows: pl.DataFrame, screenshots: pl.DataFrame, folder: Path) -> None:
    """Each row's screenshot under images/<its image name>, folders made as needed; one name given two
    different images (two sources whose files share a name) is refused with both sources named."""
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
            (images / name).write_bytes(pngs[sid])


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
        _write_images(rows, screenshots, staging)
        for (split,), part in rows.group_by("split", maintain_order=True):
            records = [screenspot_record(r, fmt) for r in part.iter_rows(named=True)]
            (staging / f"{split}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1))
            counts[split] = len(records)

    replace_folder_atomic(folder, fill)
    return counts


def chat_record(row: dict, target: str) -> dict:
    """One user turn (image and request) and one assistant turn (point, box, or a refusal)."""
    wanted = "click point (x, y)" if target == "point" else "box [x1, y1, x2, y2]"
    if row.get("action_type") is not None:  # an instruction: where to act
        ask = f"{row['text']}. Where should you act? Answer with the {wanted} in pixels."
    else:  # a referring expression: what to find
        ask = f"Locate {row['text']} in the screenshot. Answer with the {wanted} in pixels."
    if row["x1"] is None:
        answer = "It is not on this screen."
    elif target == "point":
        answer = f"({round(row['click_x'])}, {round(row['click_y'])})"
    else:
        answer = f"[{round(row['x1'])}, {round(row['y1'])}, {round(row['x2'])}, {round(row['y2'])}]"
    return {
        "id": row["id"],
        "images": [f"images/{image_name(row)}"],
        "messages": [
            {"role": "user", "content": f"<image>\n{ask}"},
            {"role": "assistant", "content": answer},
        ],
        **provenance_of(row),
    }


def export_chat(
    rows: pl.DataFrame, screenshots: pl.DataFrame, folder: Path, target: str = "point"
) -> dict[str, int]:
    """<folder>/<split>.jsonl, one conversation per row, and <folder>/images/."""
    counts = {}

    def fill(staging: Path) -> None:
        _write_images(rows, screenshots, staging)
        for (split,), part in rows.group_by("split", maintain_order=True):
            lines = [
                json.dumps(chat_record(r, target), ensure_ascii=False) for r in part.iter_rows(named=True)
            ]
            (staging / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
            counts[split] = len(lines)

    replace_folder_atomic(folder, fill)
    return counts


HF_CARD = (
    "# groundmill export\n\nGrounding rows with their screenshots (`image`), `bbox` as [x1, y1, x2, y2] in "
    "pixels, `point` the click point; refusal rows (`gt_type` negative) have neither. Splits are by "
    "near-duplicate screenshot cluster.\n"
)
HF_PASSED = (
    "source_id",
    "platform",
    "perspective",
    "gt_type",
    "tier",
    "cluster_id",
    "license",
    "page_path",
    "pipeline_version",
    "language",
)
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


def sources_table(meta: dict) -> str:
    """The card's table of sources, their licences and rows (from `hf_card_metadata`)."""
    lines = ["| source | licence | rows |", "| --- | --- | --- |"]
    lines += [f"| {s['source_id']} | {s['license']} | {s['rows']:,} |" for s in meta["sources"]]
    return "\n".join(lines)


def hf_card(rows: pl.DataFrame, splits: list[str]) -> str:
    """README.md of the HF export: YAML front matter (`hf_card_metadata` and the split files) and the
    text, with the table of sources and licences."""
    import yaml

    meta = hf_card_metadata(rows)
    files = [{"split": s, "path": f"data/{s}-*"} for s in splits]
    front = yaml.safe_dump(
        {**meta, "configs": [{"config_name": "default", "data_files": files}]},
        sort_keys=False,
        allow_unicode=True,
    )
    licence = (
        "Each row is under its source's licence (`license`):"
        if meta["license"] == "other"
        else (f"Every row is under {meta['sources'][0]['license']}:" if meta["sources"] else "")
    )
    return f"---\n{front}---\n\n{HF_CARD}\n## Sources\n\n{licence}\n\n{sources_table(meta)}\n"


def _hf_features():
    from datasets import Features, Image, Sequence, Value

    return Features(
        {
            "id": Value("string"),
            "image": Image(),
            "text": Value("string"),
            "bbox": Sequence(Value("float64")),
            "point": Sequence(Value("float64")),
            "image_width": Value("int32"),
            "image_height": Value("int32"),
            **{c: Value("string") for c in HF_PASSED},
            "captured_at": Value("timestamp[us, tz=UTC]"),
        }
    )


def _shards(part: pl.DataFrame, sizes: dict[str, int], limit: int) -> list[list[dict]]:
    """Rows in order, cut into shards whose screenshots (plus a little per row) stay under `limit` bytes."""
    shards, current, size = [], [], 0
    for row in part.iter_rows(named=True):
        need = sizes.get(row["screenshot_id"], 0) + 512
        if current and size + need > limit:
            shards.append(current)
            current, size = [], 0
        current.append(row)
        size += need
    return [*shards, current]


def _hf_columns(shard: list[dict], pngs: dict[str, bytes]) -> dict[str, list]:
    return {
        "id": [r["id"] for r in shard],
        "image": [{"bytes": pngs[r["screenshot_id"]], "path": f"{r['screenshot_id']}.png"} for r in shard],
        "text": [r["text"] for r in shard],
        "bbox": [box_in(r, "xyxy") or [] for r in shard],
        "point": [[r["click_x"], r["click_y"]] if r["x1"] is not None else [] for r in shard],
        "image_width": [r["image_width"] for r in shard],
        "image_height": [r["image_height"] for r in shard],
        **{c: [r.get(c) for r in shard] for c in HF_PASSED},
        "captured_at": [r.get("captured_at") for r in shard],
    }


def export_hf(
    rows: pl.DataFrame, screenshots: pl.DataFrame, folder: Path, params: ExportParams
) -> dict[str, int]:
    """<folder>/data/<split>-NNNNN-of-NNNNN.parquet with the `datasets` Image feature (each row carries its
    screenshot's bytes), shards under params.shard_mb, and a README whose configs name the splits, so
    `datasets.load_dataset("parquet", data_dir=...)` or `load_dataset(folder)` loads it offline."""
    from datasets import Dataset

    features = _hf_features()
    sizes = dict(screenshots.select("screenshot_id", pl.col("png").bin.size()).iter_rows())
    pngs = dict(screenshots.select("screenshot_id", "png").iter_rows())
    counts = {}

    def fill(staging: Path) -> None:
        (staging / "data").mkdir()
        for (split,), part in rows.group_by("split", maintain_order=True):
            shards = _shards(part, sizes, params.shard_mb * 1_000_000)
            for k, shard in enumerate(shards):
                path = staging / "data" / f"{split}-{k:05d}-of-{len(shards):05d}.parquet"
                Dataset.from_dict(_hf_columns(shard, pngs), features=features).to_parquet(str(path))
            counts[split] = part.height
        (staging / "README.md").write_text(hf_card(rows, list(counts)))

    replace_folder_atomic(folder, fill)
    return counts
