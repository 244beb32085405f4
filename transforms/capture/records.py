"""Turn page results into the capture tables: captures, screenshots, elements, excluded_elements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl

from schemas.config import Device
from transforms.capture.render import PageResult
from transforms.ids import content_id, row_id, sha256_hex

EXCLUSION_REASONS = ("hidden", "transparent", "zero_size", "off_screen", "covered", "over_cap")
CAPTURES_SCHEMA = {
    "capture_id": pl.String,
    "source_id": pl.String,
    "page_path": pl.String,
    "page_sha256": pl.String,
    "device": pl.String,
    "platform": pl.String,
    "status": pl.String,
    "message": pl.String,
    "started_at": pl.Datetime("us", "UTC"),
    "load_ms": pl.Float64,
    "extract_ms": pl.Float64,
    "screenshot_ms": pl.Float64,
    "viewport_width": pl.Int32,
    "viewport_height": pl.Int32,
    "device_scale_factor": pl.Float64,
    "n_parts": pl.Int32,
    "title": pl.String,
    "n_elements": pl.Int32,
    **{f"excluded_{r}": pl.Int32 for r in EXCLUSION_REASONS},
    "script_errors": pl.Int32,
    "html": pl.String,
}
SCREENSHOTS_SCHEMA = {
    "screenshot_id": pl.String,
    "source_id": pl.String,
    "capture_id": pl.String,
    "device": pl.String,
    "platform": pl.String,
    "part_index": pl.Int32,
    "scroll_y": pl.Float64,
    "width": pl.Int32,
    "height": pl.Int32,
    "png": pl.Binary,
}
BOX = ("x1", "y1", "x2", "y2")
ELEMENT_FIELDS = {
    "tag": pl.String,
    "role": pl.String,
    "dom_id": pl.String,
    "text": pl.String,
    "name": pl.String,
    "aria_label": pl.String,
    "alt": pl.String,
    "title": pl.String,
    "placeholder": pl.String,
    "href": pl.String,
    "input_type": pl.String,
    "input_name": pl.String,
    "options": pl.List(pl.String),
    "form_name": pl.String,
    "has_popup": pl.Boolean,
    "bg_color": pl.String,
    "fg_color": pl.String,
    "radius_ratio": pl.Float64,
    "font_weight": pl.Int32,
    "interactive": pl.Boolean,
    "center_hit": pl.Boolean,
    "visible_ratio": pl.Float64,
    "in_viewport": pl.Boolean,
    "scope": pl.String,
    "x1": pl.Float64,
    "y1": pl.Float64,
    "x2": pl.Float64,
    "y2": pl.Float64,
    "css_path": pl.String,
}
ELEMENTS_SCHEMA = {
    "element_id": pl.String,
    "screenshot_id": pl.String,
    "capture_id": pl.String,
    "source_id": pl.String,
    "part_index": pl.Int32,
    "element_index": pl.Int32,
    **ELEMENT_FIELDS,
}
EXCLUDED_SCHEMA = {
    "source_id": pl.String,
    "capture_id": pl.String,
    "screenshot_id": pl.String,
    "part_index": pl.Int32,
    "tag": pl.String,
    "role": pl.String,
    "dom_id": pl.String,
    "name": pl.String,
    "reason": pl.String,
    "css_path": pl.String,
    "x1": pl.Float64,
    "y1": pl.Float64,
    "x2": pl.Float64,
    "y2": pl.Float64,
}


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
        "started_at": datetime.now(UTC),
        "viewport_width": device.width,
        "viewport_height": device.height,
        "device_scale_factor": device.scale,
        "n_parts": 0,
        "n_elements": 0,
        "script_errors": 0,
    }
    return pl.DataFrame([row], schema=CAPTURES_SCHEMA)


def _scaled(row: dict, scale: float) -> dict:
    """Boxes come from the page in CSS pixels; tables hold screenshot pixels."""
    if abs(scale - 1) < 1e-9:
        return row
    return {**row, **{k: None if row[k] is None else round(row[k] * scale, 2) for k in BOX}}


def to_tables(
    source_id: str, results: Sequence[PageResult], page_sha256: dict[str, str]
) -> dict[str, pl.DataFrame]:
    """Page results of one source to the capture frames. `page_sha256` holds the content hash of
    pages known before capture (saved files); other pages are identified by their rendered HTML."""
    captures, screenshots, elements, excluded = [], [], [], []
    for r in results:
        device = r.device
        sha = page_sha256.get(r.page_key) or (sha256_hex(r.html.encode()) if r.html else "")
        capture_id = capture_id_for(source_id, r.page_key, sha, device)
        counts = {reason: sum(s.counts.get(reason, 0) for s in r.slices) for reason in EXCLUSION_REASONS}
        captures.append(
            {
                "capture_id": capture_id,
                "source_id": source_id,
                "page_path": r.page_key,
                "page_sha256": sha,
                "device": device.name,
                "platform": device.platform,
                "status": r.status,
                "message": "; ".join([r.message, *r.notes]).strip("; "),
                "started_at": datetime.fromtimestamp(r.started_at or 0, UTC),
                "load_ms": r.load_ms,
                "extract_ms": r.extract_ms,
                "screenshot_ms": r.screenshot_ms,
                "viewport_width": device.width,
                "viewport_height": device.height,
                "device_scale_factor": device.scale,
                "n_parts": len(r.slices),
                "title": r.title,
                "n_elements": sum(len(s.elements) for s in r.slices),
                **{f"excluded_{k}": v for k, v in counts.items()},
                "script_errors": len(r.script_errors),
                "html": r.html,
            }
        )
        for s in r.slices:
            screenshot_id = sha256_hex(s.png)
            screenshots.append(
                {
                    "screenshot_id": screenshot_id,
                    "source_id": source_id,
                    "capture_id": capture_id,
                    "device": device.name,
                    "platform": device.platform,
                    "part_index": s.part_index,
                    "scroll_y": s.scroll_y,
                    "width": s.width,
                    "height": s.height,
                    "png": s.png,
                }
            )
            for index, el in enumerate(s.elements):
                el = {**el, **{k: float(v) for k, v in _scaled(el, s.css_scale).items() if k in BOX}}
                elements.append(
                    {
                        "element_id": row_id("elements", {"screenshot_id": screenshot_id, **el}),
                        "screenshot_id": screenshot_id,
                        "capture_id": capture_id,
                        "source_id": source_id,
                        "part_index": s.part_index,
                        "element_index": index,
                        **{k: el.get(k) for k in ELEMENT_FIELDS},
                    }
                )
            for ex in s.excluded:
                excluded.append(
                    {
                        **_scaled(ex, s.css_scale),
                        "source_id": source_id,
                        "capture_id": capture_id,
                        "screenshot_id": screenshot_id,
                        "part_index": s.part_index,
                    }
                )
    return {
        "captures": pl.DataFrame(captures, schema=CAPTURES_SCHEMA),
        "screenshots": pl.DataFrame(screenshots, schema=SCREENSHOTS_SCHEMA),
        "elements": pl.DataFrame(elements, schema=ELEMENTS_SCHEMA),
        "excluded_elements": pl.DataFrame(excluded, schema=EXCLUDED_SCHEMA),
    }
