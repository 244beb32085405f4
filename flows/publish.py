"""Publish flow: curated tables to partitioned Parquet under data/processed, the DuckDB catalog, the
dataset version (data/versions.parquet), its inputs manifest and DVC metrics, its data card
(data/reports/<version>/), Prefect artifacts and the release (transforms/publish/ does the work).
Sources no longer in sources.yaml leave the published data here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import progress
from flows.locations import STAGES, Locations, project_locations
from flows.release import ReleaseParams, release, why_not
from flows.settings import load_params, select_sources
from schemas.registry import PUBLISHED, RUN_LOGS
from transforms.publish.card import write_card
from transforms.publish.catalog import build_catalog
from transforms.publish.metrics import (
    as_json,
    dataset_metrics,
    difficulty_histogram,
    inputs_manifest,
    source_counts,
)
from transforms.publish.stage import FROM_CURATE, publish_stage, published_ledger, tiers_markdown
from transforms.publish.versions import dataset_version, record_version
from transforms.storage import (
    TableReadError,
    read_published,
    read_table,
    write_bytes_atomic,
    write_parquet_atomic,
)


@task(task_run_name="publish-{source_id}")
def publish_source(source_id: str, where: Locations) -> dict[str, int]:
    """Writes data/processed/<table>/source=<id>/part-0.parquet for every published table."""
    curated_at = where.stage("curate", source_id)
    out = publish_stage({t: read_table(curated_at, t) for t in FROM_CURATE})
    earlier = [read_table(where.stage(stage, source_id), "ledger") for stage in STAGES]
    tables = {**out.tables, "ledger": published_ledger(earlier, out, source_id)}
    for table, frame in tables.items():
        write_parquet_atomic(frame, where.partition(table, source_id))
    return {t: f.height for t, f in out.tables.items()}


@task
def unpublish_removed(where: Locations) -> list[str]:
    """Remove what was written for the sources that are published but no longer in sources.yaml: their
    partitions leave this version."""
    listed = {s.id for s in select_sources(where, None)}
    gone = [s for s in where.published_sources() if s not in listed]
    for source_id in gone:
        for folder in where.source_folders(source_id):
            shutil.rmtree(folder)
    if gone:
        get_run_logger().info("unpublished (no longer in sources.yaml): %s", ", ".join(gone))
    return gone


def _catalog_and_version(where: Locations) -> dict:
    """Record the version of what is published now and rebuild the catalog over it."""
    version = record_version(
        where.versions, dataset_version(where.published_files(PUBLISHED), where.processed)
    )
    build_catalog(where.catalog, where.catalog_views(PUBLISHED, RUN_LOGS), where.root)
    return version


def _rows(where: Locations) -> dict[str, dict[str, int]]:
    """table -> source -> rows published."""
    rows: dict[str, dict[str, int]] = {}
    for table, source, path in where.published_files(PUBLISHED):
        rows.setdefault(table, {})[source] = pl.scan_parquet(path).select(pl.len()).collect().item()
    return rows


@task
def record_metrics(where: Locations) -> None:
    """data/metrics/: the DVC metrics and plots of what is published now."""
    rows = _rows(where)
    grounding = read_published(where.partitions("grounding"), "grounding", ["tier", "difficulty"])
    quarantine = read_published(where.partitions("quarantine"), "quarantine", ["table", "check"])
    ledger = read_published(where.partitions("ledger"), "ledger")
    files = where.metrics_files
    write_bytes_atomic(as_json(dataset_metrics(rows, ledger, grounding, quarantine)), files["dataset"])
    write_bytes_atomic(difficulty_histogram(grounding).encode(), files["difficulty"])
    write_bytes_atomic(source_counts(rows).encode(), files["sources"])


@task
def record_inputs(where: Locations) -> None:
    """data/inputs.json: what every published source was made from, as its capture recorded it, and the
    pages it captured."""
    records = {}
    for source_id in where.published_sources():
        try:
            row = read_table(where.stage("capture", source_id), "inputs").row(0, named=True)
        except (TableReadError, IndexError):
            continue  # captured before inputs were recorded: listed with its pages only
        del row["source_id"]
        records[source_id] = {**row, "entry": json.loads(row["entry"])}
    captures = read_published(
        where.partitions("captures"), "captures", ["source_id", "page_path", "page_sha256"]
    )
    pages: dict[str, list] = {s: [] for s in where.published_sources()}
    for source_id, path, sha in captures.filter(pl.col("page_sha256") != "").iter_rows():
        pages[source_id].append((path, sha))
    write_bytes_atomic(as_json(inputs_manifest(records, pages)), where.inputs_manifest)


@flow(name="publish")
def publish(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Publish the curated tables of the listed sources (all by default), unpublish the sources no
    longer listed, and rebuild the catalog, metrics and inputs manifest."""
    where = project_locations()
    chosen = select_sources(where, sources)
    unpublish_removed(where)
    with progress.stage_bar("publish", len(chosen), "source"):
        futures = {s.id: publish_source.submit(s.id, where) for s in chosen}
        counts = {sid: progress.done("publish", f) for sid, f in futures.items()}
    record_metrics(where)
    record_inputs(where)
    version = _catalog_and_version(where)
    report = report_version(version, where)
    get_run_logger().info("version %s, catalog %s, data card %s", version["version"], where.catalog, report)
    release_version(version["version"], where.root, load_params(where).publish)
    return counts


@task
def release_version(version: str, root: Path, params: ReleaseParams) -> dict | None:
    """dvc commit, a git commit and tag, dvc push (flows/release.py); skipped, with the reason, where
    the project is not a git + DVC checkout."""
    reason = why_not(root, params)
    if reason:
        get_run_logger().info("version %s recorded, not released: %s", version, reason)
        return None
    released = release(root, version, params)
    if not released["new"]:
        get_run_logger().info("version %s unchanged: released before as %s", version, released["tag"])
        return released
    get_run_logger().info(
        "released %s as git tag %s (%s), %s files pushed",
        version,
        released["tag"],
        released["commit"][:12],
        released["pushed"],
    )
    return released


@task
def report_version(version: dict, where: Locations) -> Path:
    """The data card of the version, and Prefect artifacts: rows per table, the ledger, the tiers."""
    grounding = read_published(where.partitions("grounding"), "grounding")
    screenshots = read_published(where.partitions("screenshots"), "screenshots", ["screenshot_id", "png"])
    card = write_card(where.reports, version, grounding, screenshots)
    counts = json.loads(version["row_counts"])
    create_table_artifact(
        [{"table": t, "rows": n} for t, n in sorted(counts.items())],
        key="groundmill-rows",
        description=f"Rows per published table, version {version['version']}",
    )
    ledger = read_published(where.partitions("ledger"), "ledger").filter(pl.col("stage") != "publish")
    create_table_artifact(ledger.to_dicts(), key="groundmill-ledger", description="Where every row went")
    create_markdown_artifact(
        f"{tiers_markdown(grounding)}\n\nData card: `{card}`",
        key="groundmill-difficulty",
        description="Grounding rows per difficulty tier",
    )
    return card
