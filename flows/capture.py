"""Capture flow: each source split into shards, each shard rendered by one headless Chromium
(transforms/capture/stage.py does the work)."""

from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task, unmapped

from flows import progress
from flows.locations import Locations, project_locations
from flows.settings import load_params, select_sources
from schemas.config import CaptureParams, Source
from transforms.capture import stage
from transforms.capture.opening import page_keys
from transforms.ledger import StageOutput
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
    shards = [keys[i : i + shard_pages] for i in range(0, len(keys), shard_pages)]
    return shards, "" if keys else "source has no pages"


# Retried only when the shard fails as a whole (Chromium will not start, the disk is full): page
# failures are rows, and retrying a page that timed out would only time out again.
@task(task_run_name="capture-{source.id}", retries=2, retry_delay_seconds=[2, 10])
def capture_shard(source: Source, keys: list[str], params: CaptureParams) -> dict[str, pl.DataFrame]:
    """Render one shard of a source's pages on every device, in one browser."""
    return stage.capture_shard(source, keys, params, on_page=lambda _: progress.tick("capture"))


def _write(source_id: str, out: StageOutput, where: Locations) -> dict[str, int]:
    """Replace the source's capture output in one swap; log the pages that failed."""
    logger = get_run_logger()
    captures = out.tables["captures"]
    for row in captures.filter(pl.col("status") != "ok").iter_rows(named=True):
        logger.warning("%s %s: %s", row["status"], row["page_path"] or source_id, row["message"])
    write_tables_atomic(out.with_ledger("capture", source_id), where.stage("capture", source_id))
    ok = out.books[0]["rows_out"]
    logger.info(
        "%s: %d captures, %d ok, %d screenshots, %d elements",
        source_id,
        captures.height,
        ok,
        out.tables["screenshots"].height,
        out.tables["elements"].height,
    )
    return {"pages": captures.height, "ok": ok, "elements": out.tables["elements"].height}


@task(task_run_name="write-{source.id}")
def write_source(
    source: Source,
    shards: list[dict[str, pl.DataFrame]],
    unreadable: str,
    params: CaptureParams,
    where: Locations,
) -> dict[str, int]:
    """Join a source's shards and replace its capture output."""
    out = stage.capture_stage(source.id, shards, unreadable, params.devices[0], params.ocr)
    return _write(source.id, out, where)


@task(task_run_name="import-{source.id}")
def import_source(source: Source, where: Locations) -> dict[str, int]:
    """A dataset source: its records and images become the capture tables (and `records`)."""
    return _write(source.id, stage.import_stage(source), where)


@task(task_run_name="desktop-{source.id}")
def desktop_source(source: Source, params: CaptureParams, where: Locations) -> dict[str, int]:
    """A desktop source: each application explored in its own headless session."""
    logger = get_run_logger()

    def done(run) -> None:
        ok = sum(s.status == "ok" for s in run.states)
        logger.info("%s %s: %d states in %.0f s (%s)", source.id, run.app, ok, run.seconds, run.toolkit)

    return _write(source.id, stage.desktop_stage(source, params, on_app=done), where)


@task(task_run_name="screenshots-{source.id}")
def screenshots_source(source: Source, params: CaptureParams, where: Locations) -> dict[str, int]:
    """A folder of screenshots: the text OCR reads becomes the elements."""
    return _write(source.id, stage.screenshots_stage(source, params), where)


OWN_TASK = {"dataset", "desktop", "screenshots"}  # kinds captured by one task of their own, not in shards


@flow(name="capture")
def capture(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Capture the listed sources (all in sources.yaml by default), shard by shard."""
    where = project_locations()
    params = load_params(where)
    chosen = select_sources(where, sources)
    summary = {s.id: import_source(s, where) for s in chosen if s.kind == "dataset"}
    summary |= {s.id: desktop_source(s, params.capture, where) for s in chosen if s.kind == "desktop"}
    summary |= {s.id: screenshots_source(s, params.capture, where) for s in chosen if s.kind == "screenshots"}
    plans = {s.id: (s, *plan_shards(s, params.capture.shard_pages)) for s in chosen if s.kind not in OWN_TASK}
    pages = sum(len(k) for _, shards, _ in plans.values() for k in shards) * len(params.capture.devices)
    with progress.stage_bar("capture", pages, "page"):
        for source, shards, unreadable in plans.values():
            rendered = (
                capture_shard.with_options(retries=params.capture.retries).map(
                    unmapped(source), shards, unmapped(params.capture)
                )
                if shards
                else []
            )
            summary[source.id] = write_source(
                source, [f.result() for f in rendered], unreadable, params.capture, where
            )
    return summary
