"""Explored applications as the capture tables: one captures row per state (and per failure), with the
application, its toolkit and the actions that reached the state; its screenshot, elements and
excluded elements; one `url_blocked` row per web address the application asked to open; and the run
log (`capture_timings`) with each state's step times and the session's memory."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from schemas.capture import COUNTED_EXCLUSIONS
from schemas.registry import TABLES, schema
from transforms.capture.desktop.explore import AppRun, State
from transforms.capture.desktop.ocr_start import NO_TREE
from transforms.capture.records import capture_id_for
from transforms.capture.render import png_size
from transforms.ids import row_id, sha256_hex

PLATFORM = "desktop"
TIMED_STEPS = ("load_ms", "extract_ms", "screenshot_ms")


def device_name(run: AppRun) -> str:
    return f"screen-{run.width}x{run.height}"


def _message(run: AppRun, state) -> str:
    notes = [state.message] if state.message else []
    if state.corrections:
        notes.append(
            "corrections: " + ", ".join(f"{k} ({v} nodes)" for k, v in sorted(state.corrections.items()))
        )
    return "; ".join(notes)


def _key(run: AppRun, state) -> str:
    """The state's page path: the application and the actions that reached it. A dialog left open is
    recorded after the state it showed, with the same actions: its status is one more step, so that
    the two rows have ids of their own."""
    steps = [*state.path, state.status] if state.status == "left_open" else state.path
    return "/".join([run.app, *steps])


def _capture(source_id: str, run: AppRun, state, sha: str) -> dict:
    key = _key(run, state)
    counts = {f"excluded_{r}": state.counts.get(r, 0) for r in COUNTED_EXCLUSIONS}
    return {
        "capture_id": capture_id_for(source_id, key, sha, device_name(run)),
        "source_id": source_id,
        "page_path": key,
        "page_sha256": sha,
        "device": device_name(run),
        "platform": PLATFORM,
        "status": state.status,
        "message": _message(run, state),
        "viewport_width": run.width,
        "viewport_height": run.height,
        "device_scale_factor": 1.0,
        "n_parts": 1 if state.png else 0,
        "title": state.title or None,
        "n_elements": len(state.elements),
        **counts,
        "script_errors": 0,
        "app": run.app,
        "toolkit": run.toolkit or None,
        "action_path": list(state.path),
    }


def _timing(capture: dict, state) -> dict:
    """The run log's row of one state: when its step started; the wait for a settled screen (load_ms),
    the tree walk (extract_ms) and the PNG (screenshot_ms); the session's peak memory so far. Rows of
    failures have no step times."""
    keys = ("capture_id", "source_id", "page_path", "device")
    started = datetime.fromtimestamp(state.started_at or 0, UTC)
    steps = (state.settle_ms, state.walk_ms, state.png_ms) if state.png else (None, None, None)
    return (
        {k: capture[k] for k in keys}
        | {"started_at": started}
        | dict(zip(TIMED_STEPS, steps, strict=True))
        | {"peak_rss_mb": state.peak_rss_mb or None}
    )


def _url_states(run: AppRun) -> list[State]:
    """A state row for each distinct web address the application asked to open, after the actions
    that led to it."""
    seen, states = set(), []
    for path, url, seen_at in run.urls:
        steps = [*path, f"url:{url}"]
        if tuple(steps) in seen:
            continue
        seen.add(tuple(steps))
        message = f"asked to open {url}; no browser started (the session's browser stub recorded it)"
        states.append(State(steps, "url_blocked", message, seen_at))
    return states


def desktop_tables(source_id: str, runs: list[tuple[AppRun, str]]) -> dict[str, pl.DataFrame]:
    """Capture tables of a desktop source from its runs (each with the sha256 of what the app was given),
    and its run log (`capture_timings`)."""
    names = ("captures", "screenshots", "elements", "excluded_elements", "capture_timings")
    out: dict[str, list] = {name: [] for name in names}
    element_columns = schema("elements")
    for run, sha in runs:
        for state in [*run.states, *_url_states(run)]:
            capture = _capture(source_id, run, state, sha)
            if state.status == "ok" and not state.elements and not state.message.startswith(NO_TREE):
                capture |= {"status": "empty", "message": "no element showing", "n_parts": 0}
            out["captures"].append(capture)
            out["capture_timings"].append(_timing(capture, state))
            if capture["status"] != "ok":
                continue
            width, height = png_size(state.png)
            sid = sha256_hex(state.png)
            where = {"source_id": source_id, "capture_id": capture["capture_id"], "part_index": 0}
            out["screenshots"].append(
                where
                | {
                    "screenshot_id": sid,
                    "device": capture["device"],
                    "platform": PLATFORM,
                    "scroll_y": 0.0,
                    "width": width,
                    "height": height,
                    "png": state.png,
                }
            )
            for index, el in enumerate(state.elements):
                row = (
                    dict.fromkeys(element_columns)
                    | where
                    | el
                    | {"screenshot_id": sid, "element_index": index}
                )
                out["elements"].append(row | {"element_id": row_id("elements", row)})
            out["excluded_elements"] += [where | ex | {"screenshot_id": sid} for ex in state.excluded]
    return {name: TABLES[name].frame(rows) for name, rows in out.items()}
