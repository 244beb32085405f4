"""The capture stage for one source: pages rendered shard by shard (or a dataset imported), joined into
the capture tables, with the ledger's account of every page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from schemas.config import STANDARD, CaptureParams, Device, OcrParams, Source
from schemas.registry import empty
from transforms.capture.alignment import with_alignment
from transforms.capture.browser import capture_pages
from transforms.capture.dataset import import_tables
from transforms.capture.opening import open_source
from transforms.capture.records import failed_source_capture, to_tables
from transforms.capture.render import PageResult
from transforms.ledger import StageOutput
from transforms.sources import SourceError


def capture_shard(
    source: Source, keys: list[str], params: CaptureParams, on_page: Callable[[PageResult], None]
) -> dict[str, pl.DataFrame]:
    """Render one shard of a source's pages on every device, in one browser; pages the source's
    policy refuses get a `refused` captures row."""
    with open_source(source, keys) as opened:
        results = capture_pages(opened.targets, params, opened.policy, opened.politeness, on_page=on_page)
    refused = [
        PageResult(key, device).fail("refused", why)
        for key, why in opened.refused.items()
        for device in params.devices
    ]
    return to_tables(source.id, results + refused, opened.page_sha256)


def _accounted(tables: dict[str, pl.DataFrame]) -> StageOutput:
    """The ledger row of a source's captures: pages in, pages captured, the rest skipped with their
    status and message in `captures`."""
    captures = tables["captures"]
    ok = captures.filter(pl.col("status") == "ok").height
    book = {"table": "captures", "rows_in": captures.height, "rows_out": ok, "skipped": captures.height - ok}
    return StageOutput(tables, [book])


def _unreadable(source_id: str, why: str, device: Device) -> dict[str, pl.DataFrame]:
    """Empty capture tables and one captures row that says why the source could not be read."""
    return to_tables(source_id, [], {}) | {"captures": failed_source_capture(source_id, why, device)}


def capture_stage(
    source_id: str,
    shards: Sequence[dict[str, pl.DataFrame]],
    unreadable: str,
    device: Device,
    ocr: OcrParams | None = None,
) -> StageOutput:
    """A source's shards joined into its capture tables, with the OCR alignment check when `ocr` is
    given. A source with no pages gets one captures row that says why (`unreadable`)."""
    if shards:
        tables = {name: pl.concat([s[name] for s in shards]) for name in shards[0]}
        tables = with_alignment(tables, ocr) if ocr is not None else tables
    else:
        tables = _unreadable(source_id, unreadable, device)
    return _accounted(tables)


def desktop_stage(source: Source, params: CaptureParams, on_app: Callable | None = None) -> StageOutput:
    """A desktop source: each application explored on each screen size in its own session, then which
    names are drawn as text (desktop/drawn.py), OCR's elements for a start state whose tree was absent
    (desktop/ocr_start.py) and the OCR alignment check. A failure is a captures row; the other
    applications go on."""
    from transforms.capture.desktop.drawn import with_drawn_text
    from transforms.capture.desktop.ocr_start import with_ocr_elements
    from transforms.capture.desktop.records import desktop_tables
    from transforms.capture.desktop.run import app_files, app_sha256, limits_for, run_app, session_scope

    runs = []
    for app in source.apps:
        files = app_files(source, app)
        sha = app_sha256(app, files)
        for size in source.screens:
            limits = limits_for(source, app, params.desktop)
            run = run_app(app, files, tuple(size), limits, params.clock, session_scope(source))
            runs.append((run, sha))
            if on_app is not None:
                on_app(runs[-1][0])
    tables = with_drawn_text(desktop_tables(source.id, runs), params.ocr)
    tables = with_ocr_elements(tables, params.ocr)  # where the tree was absent (their text is OCR's)
    return _accounted(with_alignment(tables, params.ocr))


def screenshots_stage(source: Source, params: CaptureParams) -> StageOutput:
    """A folder of screenshots: OCR text as elements. An unreadable folder is one captures row."""
    from transforms.capture.screenshots import screenshot_tables

    try:
        tables = screenshot_tables(source, params.ocr)
    except (SourceError, OSError) as exc:
        tables = _unreadable(source.id, f"{type(exc).__name__}: {exc}", STANDARD)
    return _accounted(tables)


def import_stage(source: Source) -> StageOutput:
    """A dataset source: its records and images become the capture tables and `records`. A source that
    cannot be read gets one captures row with the error. Books: images (captures) and records, each
    refused record skipped with its reason in `records`."""
    try:
        tables = import_tables(source)
    except (SourceError, OSError, ValueError, KeyError) as exc:
        tables = _unreadable(source.id, f"{type(exc).__name__}: {exc}", STANDARD) | {
            "records": empty("records")
        }
    out = _accounted(tables)
    records = tables["records"]
    refused = records.filter(pl.col("refused").is_not_null()).height
    out.books.append(
        {
            "table": "records",
            "rows_in": records.height,
            "rows_out": records.height - refused,
            "skipped": refused,
        }
    )
    return out
