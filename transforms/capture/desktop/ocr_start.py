"""OCR in place of an absent accessibility tree (issue 22, point 9): an application that never shows a
window in the tree (a toolkit with no bridge, a bridge that fails) still has its start state captured.

The explorer, when the start ends in `no_atspi` with the application alive and one of its windows on
the screen, records the settled start screen as a state whose message begins with NO_TREE, and then
the `no_atspi` row (nothing can be explored without a tree: no menu, no item to find again). The capture
stage reads that screenshot with OCR as a screenshot folder's are read (transforms/capture/screenshots.py):
its words and lines become the state's elements (`tag` ocr_word or ocr_line, `role` text, the OCR text as
`text`, no accessible `name`, so the alignment figure leaves them out), text under the confidence floor
goes to excluded_elements (`low_confidence`), and a token that is no word, read off an icon, too
(`not_a_word`). A screen where OCR reads nothing is `empty`, and a failed OCR an `error` row, each
saying so.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl

from schemas.config import OcrParams
from schemas.registry import TABLES
from transforms.capture import ocr
from transforms.capture.desktop.explore import Explorer, State, Stop
from transforms.capture.screenshots import excluded_counts, ocr_elements

NO_TREE = "no accessibility tree: the elements are OCR's words and lines"


def start_state(ex: Explorer, stop: Stop) -> State | None:
    """The start screen of an application whose tree never showed a window, for OCR to read (None when
    the application is gone, another state was captured, or no window of it is on the screen)."""
    if stop.status != "no_atspi" or ex.states or not ex.alive() or not ex.on_screen():
        return None
    shown = [w for w in ex.screen.windows() if not w.popup and w.title]
    ex.screen.park_pointer()
    state = State(path=["start"], message=f"{NO_TREE} ({stop.message})", started_at=time.time())
    t0 = time.monotonic()
    rgb, _ = ex.screen.stable(ex.limits.settle_s)
    state.settle_ms = (time.monotonic() - t0) * 1000
    t1 = time.monotonic()
    state.png, state.title = ex.screen.png(rgb), shown[-1].title
    state.png_ms = (time.monotonic() - t1) * 1000
    state.seconds = time.monotonic() - t0
    return state


def _read(png: bytes, params: OcrParams) -> list[ocr.OcrBox]:
    return ocr.read_text(png, timeout=params.timeout_s)


def with_ocr_elements(
    tables: dict[str, pl.DataFrame],
    params: OcrParams,
    read: Callable[[bytes, OcrParams], list[ocr.OcrBox]] = _read,
) -> dict[str, pl.DataFrame]:
    """The tables with OCR's elements on each state that NO_TREE marks; such a state whose screen OCR
    cannot read becomes `empty` (nothing read) or `error` (tesseract missing or failed), without its
    screenshot."""
    captures = tables["captures"]
    marked = captures.filter((pl.col("status") == "ok") & pl.col("message").str.starts_with(NO_TREE))
    if marked.is_empty():
        return tables
    shots = tables["screenshots"].filter(pl.col("capture_id").is_in(marked["capture_id"].implode()))
    elements, excluded, outcome = [], [], {}
    for shot in shots.iter_rows(named=True):
        where = {k: shot[k] for k in ("source_id", "capture_id", "screenshot_id", "part_index")}
        try:
            read_here = read(shot["png"], params)
        except ocr.OcrError as exc:
            outcome[shot["capture_id"]] = ("error", str(exc), 0, excluded_counts([]))
            continue
        found, low = ocr_elements(read_here, where, params.min_confidence)
        status = "ok" if found else "empty"
        outcome[shot["capture_id"]] = (
            status,
            "" if found else "OCR read no text",
            len(found),
            excluded_counts(low),
        )
        if found:
            elements += found
            excluded += low
    dropped = [cid for cid, (status, *_) in outcome.items() if status != "ok"]
    fixes = pl.DataFrame(
        {
            "capture_id": list(outcome),
            "_status": [o[0] for o in outcome.values()],
            "_note": [o[1] for o in outcome.values()],
            "_n": [o[2] for o in outcome.values()],
            **{f"_{k}": [o[3][k] for o in outcome.values()] for k in excluded_counts([])},
        },
        schema={
            "capture_id": pl.String,
            "_status": pl.String,
            "_note": pl.String,
            "_n": pl.Int32,
            **{f"_{k}": pl.Int32 for k in excluded_counts([])},
        },
    )
    joined = captures.join(fixes, on="capture_id", how="left")
    failed = pl.col("_status").is_not_null() & (pl.col("_status") != "ok")
    captures = joined.with_columns(
        status=pl.coalesce("_status", "status"),
        message=pl.when(failed).then(pl.col("message") + "; " + pl.col("_note")).otherwise("message"),
        n_parts=pl.when(failed).then(0).otherwise("n_parts").cast(captures.schema["n_parts"]),
        n_elements=pl.coalesce("_n", "n_elements").cast(captures.schema["n_elements"]),
        **{k: pl.coalesce(f"_{k}", k).cast(captures.schema[k]) for k in excluded_counts([])},
    ).select(captures.columns)
    keep = ~pl.col("capture_id").is_in(pl.Series(dropped, dtype=pl.String).implode())
    return {
        **tables,
        "captures": captures,
        "screenshots": tables["screenshots"].filter(keep),
        "elements": pl.concat([tables["elements"], TABLES["elements"].frame(elements)], how="vertical"),
        "excluded_elements": pl.concat(
            [tables["excluded_elements"], TABLES["excluded_elements"].frame(excluded)], how="vertical"
        ),
    }
