"""Capture flow: each source split into shards, each shard rendered by one headless Chromium
(transforms/capture/stage.py does the work)."""

from __future__ import annotations

import json

import polars as pl
from prefect import flow, get_run_logger, task, unmapped

from flows import progress
from flows.locations import Locations, project_locations
from flows.outcomes import FAILED, failure
from flows.runlock import run_lock
from flows.settings import load_params, select_sources
from schemas.config import CaptureParams, HowtoParams, Params, Source
from schemas.registry import TABLES
from transforms.capture import stage
from transforms.capture.opening import page_keys
from transforms.crashpoints import crashpoint
from transforms.fingerprint import inputs_record
from transforms.howto.replay_stage import replay_stage
from transforms.ledger import StageOutput
from transforms.sources import SourceError
from transforms.storage import write_parquet_atomic, write_tables_atomic


@task(task_run_name="plan-{source.id}")
def plan_shards(source: Source, shard_pages: int) -> tuple[list[list[str]], str]:
    """(the source's page keys in shards of at most `shard_pages`, why there are none, or '')."""
    try:
        keys = page_keys(source)
    except SourceError as exc:  # the capture flow says so, once
        return [], str(exc)
    shards = [keys[i : i + shard_pages] for i in range(0, len(keys), shard_pages)]
    return shards, "" if keys else "source has no pages"


# Retried only when the shard fails as a whole (Chromium will not start, the disk is full): page
# failures are rows, and retrying a page that timed out would only time out again.
@task(task_run_name="capture-{source.id}", retries=2, retry_delay_seconds=[2, 10])
def capture_shard(source: Source, keys: list[str], params: CaptureParams) -> dict[str, pl.DataFrame]:
    """Render one shard of a source's pages on every device, in one browser."""

    def on_page(_) -> None:
        progress.tick("capture")
        crashpoint("capture.page")  # the browser is open: the stop tests signal the run here

    return stage.capture_shard(source, keys, params, on_page=on_page)


def _write(source_id: str, out: StageOutput, where: Locations, inputs: dict) -> dict[str, int]:
    """Replace the source's capture output, with the record of its `inputs`, in one swap; its timings go
    to the run log (data/logs/), outside the output; log the pages that failed."""
    logger = get_run_logger()
    captures = out.tables["captures"]
    for row in captures.filter(pl.col("status") != "ok").iter_rows(named=True):
        logger.warning("%s %s: %s", row["status"], row["page_path"] or source_id, row["message"])
    tables = out.with_ledger("capture", source_id)
    timings = tables.pop("capture_timings", None)
    recorded = {**inputs, "entry": json.dumps(inputs["entry"], sort_keys=True)}
    tables["inputs"] = TABLES["inputs"].frame([{"source_id": source_id, **recorded}])
    write_tables_atomic(tables, where.stage("capture", source_id))
    if timings is not None:
        write_parquet_atomic(timings, where.run_log("capture_timings", source_id))
    ok = out.books[0]["rows_out"]
    whole = captures.filter((pl.col("page_path") == "") & (pl.col("status") == "error"))
    logger.info(
        "%s: %d captures, %d ok, %d screenshots, %d elements",
        source_id,
        captures.height,
        ok,
        out.tables["screenshots"].height,
        out.tables["elements"].height,
    )
    counts = {"pages": captures.height, "ok": ok, "elements": out.tables["elements"].height}
    return counts | ({FAILED: whole["message"][0]} if whole.height else {})  # the source as a whole


@task(task_run_name="write-{source.id}")
def write_source(
    source: Source,
    shards: list[dict[str, pl.DataFrame]],
    unreadable: str,
    params: CaptureParams,
    where: Locations,
    inputs: dict,
    howto: HowtoParams,
) -> dict[str, int]:
    """Join a source's shards, replay its how-to procedures in its application when it names one, and
    replace its capture output."""
    out = stage.capture_stage(source.id, shards, unreadable, params.devices[0], params.ocr)
    if source.application is not None and shards:
        out = replay_stage(source, out, howto, params.desktop, params.clock)
    return _write(source.id, out, where, inputs)


@task(task_run_name="import-{source.id}")
def import_source(source: Source, where: Locations, inputs: dict, params: CaptureParams) -> dict[str, int]:
    """A dataset source: its records and images become the capture tables (and `records`)."""
    return _write(source.id, stage.import_stage(source), where, inputs)


@task(task_run_name="desktop-{source.id}")
def desktop_source(source: Source, where: Locations, inputs: dict, params: CaptureParams) -> dict[str, int]:
    """A desktop source: each application explored in its own headless session."""
    logger = get_run_logger()

    def done(run) -> None:
        ok = sum(s.status == "ok" for s in run.states)
        logger.info("%s %s: %d states in %.0f s (%s)", source.id, run.app, ok, run.seconds, run.toolkit)

    return _write(source.id, stage.desktop_stage(source, params, on_app=done), where, inputs)


@task(task_run_name="screenshots-{source.id}")
def screenshots_source(
    source: Source, where: Locations, inputs: dict, params: CaptureParams
) -> dict[str, int]:
    """A folder of screenshots: the text OCR reads becomes the elements."""
    return _write(source.id, stage.screenshots_stage(source, params), where, inputs)


OWN_TASK = {"dataset", "desktop", "screenshots"}  # kinds captured by one task of their own, not in shards


@flow(name="capture")
def capture(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Capture the listed sources (all in sources.yaml by default), shard by shard."""
    where = project_locations()
    params = load_params(where)
    chosen = select_sources(where, sources)
    with run_lock(where):
        return _capture(chosen, params, where)


def _capture(chosen: list[Source], params: Params, where: Locations) -> dict[str, dict]:
    # what each source holds now, before a page of it is read: recorded with its output
    inputs = {s.id: inputs_record(s, where.root) for s in chosen}
    own = {"dataset": import_source, "desktop": desktop_source, "screenshots": screenshots_source}
    summary = {
        s.id: _settled(own[s.kind], s, where, inputs[s.id], params.capture) for s in chosen if s.kind in own
    }
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
            try:
                results = [f.result() for f in rendered]
            except Exception as exc:  # noqa: BLE001 - a shard failed after its retries: the source fails
                results, unreadable = [], failure(exc)[FAILED]
            if not results and unreadable:  # failed as a whole: its capture output stays as it was
                get_run_logger().warning("%s left out: %s", source.id, unreadable)
                summary[source.id] = {FAILED: unreadable}
                continue
            summary[source.id] = _settled(
                write_source,
                source,
                results,
                unreadable,
                params.capture,
                where,
                inputs[source.id],
                params.annotate.howto,
            )
    return summary


def _settled(write, source: Source, *args) -> dict:
    """The source's counts, or its failure: one source's error never stops the others."""
    try:
        return write(source, *args)
    except Exception as exc:  # noqa: BLE001
        get_run_logger().error("%s: %s", source.id, exc)
        return failure(exc)
