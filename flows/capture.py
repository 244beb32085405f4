"""Capture flow: each source split into shards, each shard rendered by one headless Chromium."""

from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task, unmapped

from flows import progress
from flows.settings import project_paths, select_sources
from schemas.config import STANDARD, CaptureParams, Source, load_params
from transforms.capture.browser import capture_pages
from transforms.capture.opening import open_source, page_keys
from transforms.capture.records import failed_source_capture, to_tables
from transforms.capture.render import PageResult
from transforms.dataset_import import RECORDS_SCHEMA, import_tables
from transforms.ledger import ledger
from transforms.sources import SourceError
from transforms.storage import write_tables_atomic


@task(task_run_name="plan-{source.id}")
def plan_shards(source: Source, shard_pages: int) -> tuple[list[list[str]], str]:
    """(the source's page keys in shards of at most `shard_pages`, why there are none, or '')."""
    try:
        keys = page_keys(source)
    except SourceError as exc:
        get_run_logger().error(str(exc))
        return [], str(exc)
    return [
        keys[i : i + shard_pages] for i in range(0, len(keys), shard_pages)
    ], "" if keys else "source has no pages"


# Retried only when the shard fails as a whole (Chromium will not start, the disk is full): page
# failures are rows, and retrying a page that timed out would only time out again.
@task(task_run_name="capture-{source.id}", retries=2, retry_delay_seconds=[2, 10])
def capture_shard(source: Source, keys: list[str], params: CaptureParams) -> dict[str, pl.DataFrame]:
    """Render one shard of a source's pages on every device, in one browser."""
    with open_source(source, keys) as opened:
        results = capture_pages(
            opened.targets,
            params,
            opened.policy,
            opened.politeness,
            on_page=lambda _: progress.tick("capture"),
        )
    refused = [
        PageResult(key, device).fail("refused", why)
        for key, why in opened.refused.items()
        for device in params.devices
    ]
    return to_tables(source.id, results + refused, opened.page_sha256)


@task(task_run_name="write-{source.id}")
def write_source(
    source: Source, shards: list[dict[str, pl.DataFrame]], unreadable: str, params: CaptureParams
) -> dict[str, int]:
    """Join a source's shards, add its ledger, and replace its capture output in one swap.
    A source with no pages gets one captures row that says why (`unreadable`)."""
    logger = get_run_logger()
    if shards:
        tables = {name: pl.concat([s[name] for s in shards]) for name in shards[0]}
    else:
        tables = to_tables(source.id, [], {}) | {
            "captures": failed_source_capture(source.id, unreadable, params.devices[0])
        }
    captures = tables["captures"]
    ok = captures.filter(pl.col("status") == "ok").height
    for row in captures.filter(pl.col("status") != "ok").iter_rows(named=True):
        logger.warning("%s %s: %s", row["status"], row["page_path"] or source.id, row["message"])
    tables["ledger"] = ledger(
        [
            {
                "stage": "capture",
                "source_id": source.id,
                "table": "captures",
                "rows_in": captures.height,
                "rows_out": ok,
                "skipped": captures.height - ok,
            }
        ]
    )
    write_tables_atomic(tables, project_paths().stage("capture", source.id))
    logger.info(
        "%s: %d captures, %d ok, %d screenshots, %d elements",
        source.id,
        captures.height,
        ok,
        tables["screenshots"].height,
        tables["elements"].height,
    )
    return {"pages": captures.height, "ok": ok, "elements": tables["elements"].height}


@task(task_run_name="import-{source.id}")
def import_source(source: Source) -> dict[str, int]:
    """A dataset source: its records and images become the capture tables (and `records`)."""
    try:
        tables = import_tables(source)
    except (SourceError, OSError, ValueError, KeyError) as exc:
        get_run_logger().error("%s: %s", source.id, exc)
        tables = to_tables(source.id, [], {}) | {
            "captures": failed_source_capture(source.id, f"{type(exc).__name__}: {exc}", STANDARD),
            "records": pl.DataFrame(schema=RECORDS_SCHEMA),
        }
    captures = tables["captures"]
    ok = captures.filter(pl.col("status") == "ok").height
    tables["ledger"] = ledger(
        [
            {
                "stage": "capture",
                "source_id": source.id,
                "table": "captures",
                "rows_in": captures.height,
                "rows_out": ok,
                "skipped": captures.height - ok,
            }
        ]
    )
    write_tables_atomic(tables, project_paths().stage("capture", source.id))
    get_run_logger().info("%s: imported %d records on %d images", source.id, tables["records"].height, ok)
    return {"pages": captures.height, "ok": ok, "elements": tables["elements"].height}


@flow(name="capture")
def capture(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Capture the listed sources (all in sources.yaml by default), shard by shard."""
    paths = project_paths()
    params = load_params(paths.params_file)
    summary = {}
    chosen = select_sources(paths, sources)
    for source in [s for s in chosen if s.kind == "dataset"]:
        summary[source.id] = import_source(source)
    plans = {s.id: (s, *plan_shards(s, params.capture.shard_pages)) for s in chosen if s.kind != "dataset"}
    pages = sum(len(k) for _, shards, _ in plans.values() for k in shards) * len(params.capture.devices)
    with progress.stage_bar("capture", pages, "page"):
        for source, shards, unreadable in plans.values():
            shard_tables = (
                capture_shard.with_options(retries=params.capture.retries).map(
                    unmapped(source), shards, unmapped(params.capture)
                )
                if shards
                else []
            )
            summary[source.id] = write_source(
                source, [f.result() for f in shard_tables], unreadable, params.capture
            )
    return summary
