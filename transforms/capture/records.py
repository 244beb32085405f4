"""Turn page results into the capture tables: captures, screenshots, elements, excluded_elements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl

from schemas.capture import COUNTED_EXCLUSIONS
from schemas.config import Device
from schemas.registry import TABLES, schema
from transforms.capture.render import PageResult
from transforms.ids import content_id, row_id, sha256_hex

BOX = ("x1", "y1", "x2", "y2")
# Columns an element row takes from the page's element record as they are.
_ELEMENT_OWN = ("element_id", "screenshot_id", "capture_id", "source_id", "part_index", "element_index")
ELEMENT_FIELDS = tuple(c for c in schema("elements") if c not in _ELEMENT_OWN)


def signed64(value: int) -> int:
    """An unsigned 64-bit hash as Parquet's Int64 holds it (the same bits)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def capture_id_for(source_id: str, page_key: str, page_sha256: str, device: Device) -> str:
    return content_id("capture", source_id, page_key, page_sha256, device)


def failed_source_capture(source_id: str, message: str, device: Device) -> pl.DataFrame:
    """One captures row for a source that could not be read at all (e.g. its folder is missing)."""
    row = {
        "capture_id": capture_id_for(source_id, "", "", device),
        "source_id": source_id,
        "page_path": "",
        "page_sha256": "",
        "device": device.name,
        "platform": device.platform,
        "status": "error",
        "message": message,
        "viewport_width": device.width,
        "viewport_height": device.height,
        "device_scale_factor": device.scale,
        "n_parts": 0,
        "n_elements": 0,
        "script_errors": 0,
    }
    return TABLES["captures"].frame([row])


def _scaled(row: dict, scale: float) -> dict:
    """Boxes come from the page in CSS pixels; tables hold screenshot pixels."""
    if abs(scale - 1) < 1e-9:
        return row
    return {**row, **{k: None if row[k] is None else round(row[k] * scale, 2) for k in BOX}}


def _capture_row(source_id: str, r: PageResult, capture_id: str, sha: str) -> dict:
    device = r.device
    counts = {reason: sum(s.counts.get(reason, 0) for s in r.slices) for reason in COUNTED_EXCLUSIONS}
    return {
        "capture_id": capture_id,
        "source_id": source_id,
        "page_path": r.page_key,
        "page_sha256": sha,
        "device": device.name,
        "platform": device.platform,
        "status": r.status,
        "message": "; ".join([r.message, *r.notes]).strip("; "),
        "viewport_width": device.width,
        "viewport_height": device.height,
        "device_scale_factor": device.scale,
        "n_parts": len(r.slices),
        "title": r.title,
        "n_elements": sum(len(s.elements) for s in r.slices),
        **{f"excluded_{k}": v for k, v in counts.items()},
        "script_errors": len(r.script_errors),
        "html": r.html,
        "landed_page": r.landed,
    }


def _timing_row(source_id: str, r: PageResult, capture_id: str) -> dict:
    """The run log's row of one capture: when it started and how long its steps took."""
    return {
        "capture_id": capture_id,
        "source_id": source_id,
        "page_path": r.page_key,
        "device": r.device.name,
        "started_at": datetime.fromtimestamp(r.started_at or 0, UTC),
        "load_ms": r.load_ms,
        "extract_ms": r.extract_ms,
        "screenshot_ms": r.screenshot_ms,
    }


def _slice_rows(source_id: str, r: PageResult, capture_id: str, out: dict[str, list]) -> None:
    """Appends each slice's screenshots, elements and excluded_elements rows to `out`."""
    for s in r.slices:
        where = {"source_id": source_id, "capture_id": capture_id, "part_index": s.part_index}
        screenshot_id = sha256_hex(s.png)
        out["screenshots"].append(
            {
                **where,
                "screenshot_id": screenshot_id,
                "device": r.device.name,
                "platform": r.device.platform,
                "scroll_y": s.scroll_y,
                "width": s.width,
                "height": s.height,
                "png": s.png,
                "phash": None if s.phash is None else signed64(s.phash),
            }
        )
        for index, el in enumerate(s.elements):
            el = {**el, **{k: float(v) for k, v in _scaled(el, s.css_scale).items() if k in BOX}}
            out["elements"].append(
                {
                    **where,
                    "element_id": row_id("elements", {"screenshot_id": screenshot_id, **el}),
                    "screenshot_id": screenshot_id,
                    "element_index": index,
                    **{k: el.get(k) for k in ELEMENT_FIELDS},
                }
            )
        for ex in s.excluded:
            out["excluded_elements"].append(
                {**_scaled(ex, s.css_scale), **where, "screenshot_id": screenshot_id}
            )


def to_tables(
    source_id: str, results: Sequence[PageResult], page_sha256: dict[str, str]
) -> dict[str, pl.DataFrame]:
    """Page results of one source to the capture frames, and its run log (`capture_timings`, which the
    flow keeps apart from the stage's output). `page_sha256` holds the content hash of pages known
    before capture (saved files); other pages are identified by their rendered HTML."""
    names = ("captures", "screenshots", "elements", "excluded_elements", "capture_timings")
    rows: dict[str, list] = {name: [] for name in names}
    for r in results:
        sha = page_sha256.get(r.page_key) or (sha256_hex(r.html.encode()) if r.html else "")
        capture_id = capture_id_for(source_id, r.page_key, sha, r.device)
        rows["captures"].append(_capture_row(source_id, r, capture_id, sha))
        rows["capture_timings"].append(_timing_row(source_id, r, capture_id))
        _slice_rows(source_id, r, capture_id, rows)
    return {name: TABLES[name].frame(found) for name, found in rows.items()}
