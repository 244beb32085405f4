"""Publish flow: curated tables to partitioned Parquet under data/processed, the DuckDB catalog, the
dataset version (data/versions.parquet), its data card (data/reports/<version>/), Prefect artifacts and
the release (transforms/publish/ does the work)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import progress
from flows.locations import STAGES, Locations, project_locations
from flows.release import ReleaseParams, release, why_not
from flows.settings import load_params, select_sources
from schemas.registry import PUBLISHED
from transforms.capture.alignment import per_app
from transforms.publish.card import write_card
from transforms.publish.catalog import build_catalog
from transforms.publish.stage import FROM_CURATE, publish_stage, published_ledger, tiers_markdown
from transforms.publish.versions import dataset_version, record_version
from transforms.storage import read_published, read_table, write_parquet_atomic


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


def _catalog_and_version(where: Locations) -> dict:
    """Record the version of what is published now and rebuild the catalog over it."""
    version = record_version(
        where.versions, dataset_version(where.published_files(PUBLISHED), where.processed)
    )
    views = {t: where.partition_pattern(t) for t in PUBLISHED}
    views["dataset_versions"] = where.versions.relative_to(where.root).as_posix()
    build_catalog(where.catalog, views, where.root)
    return version


@flow(name="publish")
def publish(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Publish the curated tables of the listed sources (all by default) and rebuild the catalog."""
    where = project_locations()
    chosen = select_sources(where, sources)
    with progress.stage_bar("publish", len(chosen), "source"):
        futures = {s.id: publish_source.submit(s.id, where) for s in chosen}
        counts = {sid: progress.done("publish", f) for sid, f in futures.items()}
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
    get_run_logger().info(
        "released %s as git tag %s (%s), %s files pushed",
        version,
        released["tag"],
        released["commit"][:12],
        released["pushed"],
    )
    return released


def _check_counts(files: list[Path]) -> pl.DataFrame:
    """The OCR check's columns of the published captures (null where a file predates them)."""
    columns = {"source_id": pl.String, "app": pl.String, "ocr_text_boxes": pl.Int32, "ocr_matched": pl.Int32}
    frames = []
    for f in files:
        present = [c for c in columns if c in pl.read_parquet_schema(f)]
        frame = pl.read_parquet(f, columns=present)
        frames.append(
            frame.with_columns(pl.lit(None, dtype=d).alias(c) for c, d in columns.items() if c not in present)
        )
    return pl.concat([f.select(list(columns)) for f in frames]) if frames else pl.DataFrame(schema=columns)


@task
def report_version(version: dict, where: Locations) -> Path:
    """The data card of the version, and Prefect artifacts: rows per table, the ledger, the tiers."""
    grounding = read_published(where.partitions("grounding"), "grounding")
    screenshots = read_published(where.partitions("screenshots"), "screenshots", ["screenshot_id", "png"])
    alignment = per_app(_check_counts(where.partitions("captures")), load_params(where).capture.ocr.align_min)
    card = write_card(where.reports, version, grounding, screenshots, alignment=alignment)
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
