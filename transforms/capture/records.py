"""Turn page results into the three capture tables: captures, screenshots, elements."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import polars as pl

from transforms.capture.browser import CaptureParams, PageResult
from transforms.ids import content_id, sha256_hex

CAPTURES_SCHEMA = {
    "capture_id": pl.String, "source_id": pl.String, "page_path": pl.String, "page_sha256": pl.String,
    "status": pl.String, "message": pl.String, "started_at": pl.Datetime("us", "UTC"),
    "load_ms": pl.Float64, "extract_ms": pl.Float64, "screenshot_ms": pl.Float64,
    "viewport_width": pl.Int32, "viewport_height": pl.Int32, "screenshot_id": pl.String,
    "title": pl.String, "n_elements": pl.Int32, "excluded_hidden": pl.Int32,
    "excluded_zero_size": pl.Int32, "excluded_off_screen": pl.Int32, "excluded_covered": pl.Int32,
    "excluded_over_cap": pl.Int32, "script_errors": pl.Int32, "html": pl.String,
}
SCREENSHOTS_SCHEMA = {
    "screenshot_id": pl.String, "source_id": pl.String, "capture_id": pl.String,
    "width": pl.Int32, "height": pl.Int32, "png": pl.Binary,
}
ELEMENT_FIELDS = {
    "tag": pl.String, "role": pl.String, "dom_id": pl.String, "text": pl.String, "name": pl.String,
    "aria_label": pl.String, "alt": pl.String, "title": pl.String, "placeholder": pl.String,
    "href": pl.String, "input_type": pl.String, "input_name": pl.String, "options": pl.List(pl.String),
    "interactive": pl.Boolean, "center_hit": pl.Boolean,
    "x1": pl.Float64, "y1": pl.Float64, "x2": pl.Float64, "y2": pl.Float64, "css_path": pl.String,
}
ELEMENTS_SCHEMA = {
    "element_id": pl.String, "screenshot_id": pl.String, "capture_id": pl.String, "source_id": pl.String,
    "element_index": pl.Int32, **ELEMENT_FIELDS,
}


def capture_id_for(source_id: str, page_path: str, page_sha256: str, params: CaptureParams) -> str:
    return content_id("capture", source_id, page_path, page_sha256, params.viewport_width, params.viewport_height)


def failed_source_capture(source_id: str, message: str, params: CaptureParams) -> pl.DataFrame:
    """One captures row for a source that could not be read at all (e.g. its folder is missing)."""
    row = {"capture_id": capture_id_for(source_id, "", "", params), "source_id": source_id,
           "page_path": "", "page_sha256": "", "status": "error", "message": message,
           "started_at": datetime.now(timezone.utc), "viewport_width": params.viewport_width,
           "viewport_height": params.viewport_height, "n_elements": 0, "script_errors": 0}
    return pl.DataFrame([row], schema=CAPTURES_SCHEMA)


def to_tables(source_id: str, results: Sequence[PageResult], page_sha256: dict[str, str],
              params: CaptureParams) -> dict[str, pl.DataFrame]:
    """Page results of one source to the captures, screenshots and elements frames."""
    captures, screenshots, elements = [], [], []
    for r in results:
        capture_id = capture_id_for(source_id, r.page_path, page_sha256[r.page_path], params)
        screenshot_id = sha256_hex(r.png) if r.png is not None else None
        captures.append({
            "capture_id": capture_id, "source_id": source_id, "page_path": r.page_path,
            "page_sha256": page_sha256[r.page_path], "status": r.status, "message": r.message,
            "started_at": datetime.fromtimestamp(r.started_at, timezone.utc),
            "load_ms": r.load_ms, "extract_ms": r.extract_ms, "screenshot_ms": r.screenshot_ms,
            "viewport_width": params.viewport_width, "viewport_height": params.viewport_height,
            "screenshot_id": screenshot_id, "title": r.title, "n_elements": len(r.elements),
            **{f"excluded_{k}": r.excluded.get(k, 0) for k in
               ("hidden", "zero_size", "off_screen", "covered", "over_cap")},
            "script_errors": len(r.script_errors), "html": r.html,
        })
        if screenshot_id is None:
            continue
        screenshots.append({"screenshot_id": screenshot_id, "source_id": source_id, "capture_id": capture_id,
                            "width": r.width, "height": r.height, "png": r.png})
        for index, el in enumerate(r.elements):
            box = (el["x1"], el["y1"], el["x2"], el["y2"])
            elements.append({
                "element_id": content_id("element", screenshot_id, el["css_path"], box),
                "screenshot_id": screenshot_id, "capture_id": capture_id, "source_id": source_id,
                "element_index": index, **{k: el.get(k) for k in ELEMENT_FIELDS},
            })
    return {
        "captures": pl.DataFrame(captures, schema=CAPTURES_SCHEMA),
        "screenshots": pl.DataFrame(screenshots, schema=SCREENSHOTS_SCHEMA),
        "elements": pl.DataFrame(elements, schema=ELEMENTS_SCHEMA),
    }
