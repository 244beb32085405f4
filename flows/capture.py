"""Capture flow: each source served on loopback and rendered in one headless Chromium."""
from __future__ import annotations

import hashlib

import polars as pl
from prefect import flow, get_run_logger, task

from flows.settings import load_params, project_paths, select_sources
from transforms.capture.browser import CaptureParams, capture_pages
from transforms.capture.records import failed_source_capture, to_tables
from transforms.capture.server import serve_directory
from transforms.ledger import ledger
from transforms.sources import Source, SourceError, list_pages
from transforms.storage import write_tables_atomic


@task(task_run_name="capture-{source.id}", retries=2, retry_delay_seconds=2)
def capture_source(source: Source, params: CaptureParams) -> dict[str, int]:
    """Render every page of one source; writes captures, screenshots, elements and the ledger."""
    logger = get_run_logger()
    try:
        pages = list_pages(source)
    except SourceError as exc:
        logger.error(str(exc))
        captures = failed_source_capture(source.id, str(exc), params)
        tables = to_tables(source.id, [], {}, params) | {"captures": captures}
    else:
        page_sha = {p: hashlib.sha256((source.location / p).read_bytes()).hexdigest() for p in pages}
        with serve_directory(source.location) as base_url:
            results = capture_pages(base_url, pages, params)
        tables = to_tables(source.id, results, page_sha, params)
    captures = tables["captures"]
    ok = captures.filter(pl.col("status") == "ok").height
    for row in captures.filter(pl.col("status") != "ok").iter_rows(named=True):
        logger.warning("%s %s: %s", row["status"], row["page_path"] or source.id, row["message"])
    tables["ledger"] = ledger([{"stage": "capture", "source_id": source.id, "table": "captures",
                                "rows_in": captures.height, "rows_out": ok, "skipped": captures.height - ok}])
    write_tables_atomic(tables, project_paths().stage("capture", source.id))
    logger.info("%s: %d pages, %d ok, %d elements", source.id, captures.height, ok, tables["elements"].height)
    return {"pages": captures.height, "ok": ok, "elements": tables["elements"].height}


@flow(name="capture")
def capture(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Capture the listed sources (all in sources.yaml by default)."""
    paths = project_paths()
    params = load_params(paths)
    chosen = select_sources(paths, sources)
    futures = {s.id: capture_source.with_options(retries=params.capture.retries).submit(s, params.capture)
               for s in chosen}
    return {sid: f.result() for sid, f in futures.items()}
