"""Import a grounding dataset as a source (kind `dataset`): ScreenSpot / ScreenSpot-Pro JSON with its
image folder, or a local Hugging Face `datasets` folder (Parquet shards as on the Hub, or
`save_to_disk` output) whose rows hold the image and ScreenSpot-style fields; mapped to the canonical
capture tables plus `records`, the original records kept whole.

Each image becomes a capture and a screenshot (stored as PNG), each record's box an element (its box
converted to pixels from the source's `box` convention), and each record one `records` row; annotate
turns records into grounding rows that carry the original record in `origin`, so a ScreenSpot export
writes it back unchanged. Boxes that are broken (inverted, outside the image) are kept as given and
quarantined by curation with the reason.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
from PIL import Image

from schemas.config import BOX_CONVENTIONS, Source
from schemas.registry import TABLES, empty, schema
from transforms.capture.records import capture_id_for
from transforms.ids import row_id, sha256_hex
from transforms.sources import SourceError

HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # save_to_disk output


def is_hf_folder(path: Path) -> bool:
    """A datasets folder: `save_to_disk` output, or Parquet shards (as `snapshot_download` leaves them)."""
    return path.is_dir() and (any((path / m).exists() for m in HF_MARKERS) or any(path.rglob("*.parquet")))


def record_files(source: Source) -> list[Path]:
    path = source.path
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise SourceError(f"source {source.id!r}: no ScreenSpot JSON at {path}")
    return files


def image_folder(source: Source) -> Path:
    if source.images:
        return Path(source.images)
    base = source.path if source.path.is_dir() else source.path.parent
    return base / "images" if (base / "images").is_dir() else base


def to_pixels(box: list[float], size: tuple[int, int], convention: str) -> tuple[float, float, float, float]:
    w, h = size
    if convention == "xyxy":
        x1, y1, x2, y2 = box
    elif convention == "xywh":
        x1, y1, x2, y2 = box[0], box[1], box[0] + box[2], box[1] + box[3]
    elif convention == "norm1":
        x1, y1, x2, y2 = box[0] * w, box[1] * h, box[2] * w, box[3] * h
    elif convention == "norm1000":
        x1, y1, x2, y2 = box[0] * w / 1000, box[1] * h / 1000, box[2] * w / 1000, box[3] * h / 1000
    else:
        raise SourceError(f"box convention {convention!r} is not one of {', '.join(BOX_CONVENTIONS)}")
    return tuple(round(float(v), 2) for v in (x1, y1, x2, y2))


def _png(raw: bytes) -> tuple[bytes, tuple[int, int]]:
    with Image.open(io.BytesIO(raw)) as image:
        size = image.size
        if image.format == "PNG":
            return raw, size
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG")
        return out.getvalue(), size


def _platform(record: dict, where: str) -> str:
    hint = f"{record.get('platform') or ''} {record.get('application') or ''} {where}".lower()
    return "mobile" if "mobile" in hint else "desktop" if "desktop" in hint else "web"


def json_records(source: Source) -> Iterator[tuple[str, dict, str, Callable[[], bytes]]]:
    """(hint, record, image name, image reader) of ScreenSpot JSON files and their image folder."""
    images = image_folder(source)
    for file in record_files(source):
        for record in json.loads(file.read_text()):
            name = record["img_filename"]
            yield file.name, record, name, lambda name=name: (images / name).read_bytes()


def hf_records(source: Source) -> Iterator[tuple[str, dict, str, Callable[[], bytes]]]:
    """The same from a local datasets folder: every split, the first `Image` column as the image, the
    other columns as the record. The image is named by `img_filename` or `file_name` when a row has one,
    else by the sha256 of its PNG."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # a local folder: never the Hub
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    path = source.path
    loaded = (
        datasets.load_from_disk(str(path))
        if any((path / m).exists() for m in HF_MARKERS)
        else datasets.load_dataset(str(path))
    )
    splits = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [("train", loaded)]
    for split, table in splits:
        column = next((c for c, f in table.features.items() if isinstance(f, datasets.Image)), None)
        if column is None:
            raise SourceError(f"source {source.id!r}: split {split} of {path} has no Image column")
        for row in table.cast_column(column, datasets.Image(decode=False)):
            image = row.pop(column)
            raw = image["bytes"] if image.get("bytes") else Path(image["path"]).read_bytes()
            name = row.get("img_filename") or row.get("file_name") or f"{sha256_hex(_png(raw)[0])}.png"
            yield split, row, name, lambda raw=raw: raw


def _image_rows(
    source: Source, capture_id: str, name: str, platform: str, read_image
) -> tuple[dict, dict | None]:
    """The captures row of one image, and its screenshots row (None when it cannot be read)."""
    try:
        png, (w, h) = _png(read_image())
        status, message = "ok", ""
    except (OSError, ValueError) as exc:
        png, (w, h), status, message = None, (1, 1), "error", f"image {name}: {exc}"
    sid = sha256_hex(png) if png else None
    where = {"source_id": source.id, "capture_id": capture_id, "device": "imported", "platform": platform}
    capture = {
        **where,
        "page_path": name,
        "page_sha256": sid or "",
        "status": status,
        "message": message,
        "viewport_width": w,
        "viewport_height": h,
        "device_scale_factor": 1.0,
        "n_parts": 1 if png else 0,
        "n_elements": 0,
        "script_errors": 0,
    }
    if not png:
        return capture, None
    shot = {
        **where,
        "screenshot_id": sid,
        "part_index": 0,
        "scroll_y": 0.0,
        "width": w,
        "height": h,
        "png": png,
    }
    return capture, shot


def _element_row(source: Source, record: dict, shot: dict, index: int) -> dict | None:
    """The element a record's box becomes (None for a negative record or one without a box)."""
    if not record.get("bbox") or (record.get("gt_type") or "positive") == "negative":
        return None
    x1, y1, x2, y2 = to_pixels(record["bbox"], (shot["width"], shot["height"]), source.box)
    element = dict.fromkeys(schema("elements")) | {
        "screenshot_id": shot["screenshot_id"],
        "capture_id": shot["capture_id"],
        "source_id": source.id,
        "part_index": 0,
        "element_index": index,
        "tag": "target",
        "role": record.get("ui_type") or "target",
        "interactive": True,
        "center_hit": True,
        "visible_ratio": 1.0,
        "in_viewport": True,
        "scope": "document",
        "css_path": f"record:{record.get('id', index)}",
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
    }
    return element | {"element_id": row_id("elements", element)}


def import_tables(source: Source) -> dict[str, pl.DataFrame]:
    """captures, screenshots, elements, excluded_elements (empty) and records of a dataset source. An
    image that is missing or unreadable gives a captures row with status error and the reason."""
    captures, screenshots, elements, records = {}, {}, [], []
    rows = hf_records(source) if is_hf_folder(source.path) else json_records(source)
    for hint, record, name, read_image in rows:
        capture_id = capture_id_for(source.id, name, "", "imported")
        if capture_id not in captures:
            captures[capture_id], shot = _image_rows(
                source, capture_id, name, _platform(record, hint), read_image
            )
            if shot:
                screenshots[capture_id] = shot
        shot = screenshots.get(capture_id)
        if shot is None:
            continue
        element = _element_row(source, record, shot, len(records))
        if element:
            elements.append(element)
            captures[capture_id]["n_elements"] += 1
        records.append(
            {
                "source_id": source.id,
                "record_index": len(records),
                "capture_id": capture_id,
                "screenshot_id": shot["screenshot_id"],
                "element_id": element and element["element_id"],
                "instruction": record.get("instruction") or "",
                "gt_type": record.get("gt_type") or "positive",
                "is_icon": record.get("ui_type") == "icon",
                "origin": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
            }
        )
    tables = {"captures": captures.values(), "screenshots": screenshots.values(), "elements": elements}
    return {name: TABLES[name].frame(rows) for name, rows in tables.items()} | {
        "excluded_elements": empty("excluded_elements"),
        "records": TABLES["records"].frame(records),
    }
