"""Import a grounding dataset as a source (kind `dataset`), mapped to the canonical capture tables plus
`records`, the original records kept whole (transforms/capture/dataset_files.py reads the files).

Each image name becomes a capture; each distinct image (by the sha256 of its PNG) one screenshot, so the
same bytes under several names give one screenshot, and the records of every name point at it. Each
record's box becomes an element (converted to pixels from the source's `box` convention), and every
record read becomes one `records` row: imported, or refused with the reason (its image missing or
unreadable, an image path that leaves the image folder, not a record, no usable box). Annotate turns the
imported records into grounding rows that carry the original record in `origin`, so a ScreenSpot export
writes it back unchanged. Boxes that are broken (inverted, negative, degenerate, off the image) are kept
as given and quarantined by curation with the reason. A file that cannot be read gives a captures row
with status error and the reason; the files beside it are still imported.
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from PIL import Image

from schemas.config import BOX_CONVENTIONS, Source
from schemas.registry import TABLES, empty, schema
from transforms.capture.dataset_files import BadFile, Found, hf_items, is_hf_folder, json_items
from transforms.capture.records import capture_id_for
from transforms.ids import row_id, sha256_hex
from transforms.sources import SourceError

MOBILE = {"mobile", "android", "ios", "iphone", "ipad", "phone", "tablet"}
DESKTOP = {"desktop", "pc", "windows", "macos", "mac", "linux", "ubuntu"}


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


def box_problem(box: Any) -> str | None:
    """Why a record's bbox cannot be read as a box (None when it can): four finite numbers."""
    numbers = isinstance(box, list | tuple) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in box
    )
    if not numbers or len(box) != 4:
        return f"bbox {json.dumps(box, default=str)[:80]} is not four finite numbers"
    return None


def _png(raw: bytes) -> tuple[bytes, tuple[int, int]]:
    with Image.open(io.BytesIO(raw)) as image:
        size = image.size
        if image.format == "PNG":
            return raw, size
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG")
        return out.getvalue(), size


def _platform(record: dict, file: str) -> str:
    """mobile, desktop or web, from the words of the record's platform, application, data_source and
    image name, and of its file's name."""
    hint = [record.get(k) for k in ("platform", "application", "data_source", "img_filename")]
    words = set(re.split(r"[^a-z0-9]+", " ".join(str(h) for h in [*hint, file] if h).lower()))
    return "mobile" if words & MOBILE else "desktop" if words & DESKTOP else "web"


def _is_negative(record: dict) -> bool:
    return (record.get("gt_type") or "positive") == "negative"


@dataclass
class _Import:
    """The tables of one dataset source, built record by record."""

    source: Source
    captures: dict[str, dict] = field(default_factory=dict)  # by image name (or unreadable file)
    shots: dict[str, dict] = field(default_factory=dict)  # by screenshot id: one per distinct image
    first_name: dict[str, str] = field(default_factory=dict)  # screenshot id -> the first name it had
    elements: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)

    def _capture(self, name: str, platform: str, status: str, message: str, size: tuple[int, int]) -> dict:
        capture_id = capture_id_for(self.source.id, name, "", "imported")
        row = {
            "source_id": self.source.id,
            "capture_id": capture_id,
            "device": "imported",
            "platform": platform,
            "page_path": name,
            "page_sha256": "",
            "status": status,
            "message": message,
            "viewport_width": size[0],
            "viewport_height": size[1],
            "device_scale_factor": 1.0,
            "n_parts": 0,
            "n_elements": 0,
            "script_errors": 0,
        }
        self.captures[name] = row
        return row

    def bad_file(self, bad: BadFile) -> None:
        self._capture(bad.name, "web", "error", bad.message, (1, 1))

    def image(self, item: Found) -> tuple[dict, dict | None]:
        """The captures row of the record's image name, and the screenshot of its bytes (None when they
        cannot be read), read once per name."""
        if item.image in self.captures:
            capture = self.captures[item.image]
            return capture, self.shots.get(capture["page_sha256"])
        platform = _platform(item.record, item.file)
        try:
            png, size = _png(item.read())
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            return self._capture(item.image, platform, "error", f"image {item.image}: {exc}", (1, 1)), None
        sid = sha256_hex(png)
        same = self.first_name.setdefault(sid, item.image)
        message = f"same image as {same}" if same != item.image else ""
        capture = self._capture(item.image, platform, "ok", message, size)
        capture |= {"page_sha256": sid, "n_parts": 1}
        if sid not in self.shots:
            self.shots[sid] = {
                **{k: capture[k] for k in ("source_id", "capture_id", "device", "platform")},
                "screenshot_id": sid,
                "part_index": 0,
                "scroll_y": 0.0,
                "width": size[0],
                "height": size[1],
                "png": png,
            }
        return capture, self.shots[sid]

    def add(self, item: Found) -> None:
        """One record: imported on its image's screenshot, or refused with the reason."""
        capture, shot, refused, message = None, None, item.refused, item.message
        if not refused:
            capture, shot = self.image(item)
            if shot is None:
                refused, message = "image_unreadable", capture["message"]
        record = item.record if isinstance(item.record, dict) else {}
        if not refused and not _is_negative(record):
            why = box_problem(record.get("bbox"))
            refused, message = ("box_malformed", why) if why else (None, "")
        element = None if refused or _is_negative(record) else self._element(record, shot, capture)
        self.records.append(
            {
                "source_id": self.source.id,
                "record_index": len(self.records),
                "file": item.file,
                "capture_id": capture and capture["capture_id"],
                "screenshot_id": None if refused else shot["screenshot_id"],
                "element_id": element and element["element_id"],
                "instruction": str(record.get("instruction") or ""),
                "gt_type": str(record.get("gt_type") or "positive"),
                "is_icon": "icon" in (record.get("ui_type"), record.get("data_type")),
                "origin": json.dumps(item.record, ensure_ascii=False, default=str),
                "refused": refused,
                "message": f"{item.file}, {item.where}: {message}" if refused else None,
            }
        )

    def _element(self, record: dict, shot: dict, capture: dict) -> dict:
        """The element a positive record's box becomes, on its image's screenshot."""
        x1, y1, x2, y2 = to_pixels(record["bbox"], (shot["width"], shot["height"]), self.source.box)
        element = dict.fromkeys(schema("elements")) | {
            "screenshot_id": shot["screenshot_id"],
            "capture_id": capture["capture_id"],
            "source_id": self.source.id,
            "part_index": 0,
            "element_index": len(self.records),
            "tag": "target",
            "role": str(record.get("ui_type") or record.get("data_type") or "target"),
            "interactive": True,
            "center_hit": True,
            "visible_ratio": 1.0,
            "in_viewport": True,
            "scope": "document",
            "css_path": f"record:{record.get('id', len(self.records))}",
            "x1": x1,
            "y1": y1,
            "x2": x2,
            "y2": y2,
        }
        element["element_id"] = row_id("elements", element)
        self.elements.append(element)
        capture["n_elements"] += 1
        return element

    def tables(self) -> dict[str, pl.DataFrame]:
        tables = {"captures": self.captures.values(), "screenshots": self.shots.values()}
        return {name: TABLES[name].frame(rows) for name, rows in tables.items()} | {
            "elements": TABLES["elements"].frame(self.elements),
            "excluded_elements": empty("excluded_elements"),
            "records": TABLES["records"].frame(self.records),
        }


def import_tables(source: Source) -> dict[str, pl.DataFrame]:
    """captures, screenshots, elements, excluded_elements (empty) and records of a dataset source."""
    state = _Import(source)
    for item in hf_items(source) if is_hf_folder(source.path) else json_items(source):
        if isinstance(item, BadFile):
            state.bad_file(item)
        else:
            state.add(item)
    return state.tables()
