"""Publish flow: curated tables to partitioned Parquet under data/processed, the DuckDB catalog, the
dataset version (data/versions.parquet), its data card (data/reports/<version>/) and Prefect artifacts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import progress
from flows.release import release, why_not
from flows.settings import PUBLISHED_TABLES, STAGES, project_paths, select_sources
from schemas.config import load_params
from transforms.card import write_card
from transforms.catalog import build_catalog
from transforms.ledger import ledger
from transforms.storage import read_published, read_table, write_parquet_atomic
from transforms.versions import dataset_version, record_version


@task(task_run_name="publish-{source_id}")
def publish_source(source_id: str) -> dict[str, int]:
    """Writes data/processed/<table>/source=<id>/part-0.parquet for every published table."""
    paths = project_paths()
    curated = paths.stage("curate", source_id)
    counts, book = {}, []
    for table in PUBLISHED_TABLES:
        if table == "ledger":
            continue
        frame = read_table(curated, table)
        write_parquet_atomic(frame, paths.processed / table / f"source={source_id}" / "part-0.parquet")
        counts[table] = frame.height
        book.append(
            {
                "stage": "publish",
                "source_id": source_id,
                "table": table,
                "rows_in": frame.height,
                "rows_out": frame.height,
            }
        )
    books = [read_table(paths.stage(stage, source_id), "ledger") for stage in STAGES]
    full = pl.concat([*books, ledger(book)])
    write_parquet_atomic(full, paths.processed / "ledger" / f"source={source_id}" / "part-0.parquet")
    return counts


@flow(name="publish")
def publish(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Publish the curated tables of the listed sources (all by default) and rebuild the catalog."""
    paths = project_paths()
    chosen = select_sources(paths, sources)
    with progress.stage_bar("publish", len(chosen), "source"):
        futures = {s.id: publish_source.submit(s.id) for s in chosen}
        counts = {sid: progress.done("publish", f) for sid, f in futures.items()}
    version = record_version(paths.versions, dataset_version(paths.processed, PUBLISHED_TABLES))
    build_catalog(
        paths.catalog, paths.processed, PUBLISHED_TABLES, paths.root, {"dataset_versions": paths.versions}
    )
    report = report_version(version)
    get_run_logger().info("version %s, catalog %s, data card %s", version["version"], paths.catalog, report)
    release_version(version["version"])
    return counts


@task
def release_version(version: str) -> dict | None:
    """dvc commit, a git commit and tag, dvc push (flows/release.py); skipped, with the reason, where
    the project is not a git + DVC checkout."""
    paths = project_paths()
    params = load_params(paths.params_file).publish
    reason = why_not(paths.root, params)
    if reason:
        get_run_logger().info("version %s recorded, not released: %s", version, reason)
        return None
    released = release(paths.root, version, params)
    get_run_logger().info(
        "released %s as git tag %s (%s), %s files pushed",
        version,
        released["tag"],
        released["commit"][:12],
        released["pushed"],
    )
    return released


@task
def report_version(version: dict) -> Path:
    """The data card of the version, and Prefect artifacts: rows per table, the ledger, the tiers."""
    paths = project_paths()
    grounding = read_published(paths.processed, "grounding")
    screenshots = read_published(paths.processed, "screenshots", ["screenshot_id", "png"])
    card = write_card(paths.reports, version, grounding, screenshots)
    counts = json.loads(version["row_counts"])
    create_table_artifact(
        [{"table": t, "rows": n} for t, n in sorted(counts.items())],
        key="groundmill-rows",
        description=f"Rows per published table, version {version['version']}",
    )
    ledger = read_published(paths.processed, "ledger").filter(pl.col("stage") != "publish")
    create_table_artifact(ledger.to_dicts(), key="groundmill-ledger", description="Where every row went")
    tiers = dict(grounding.group_by("tier").len().iter_rows())
    histogram = "\n".join(
        f"| {t} | {tiers.get(t, 0):,} | {'█' * round(40 * tiers.get(t, 0) / max(1, grounding.height))} |"
        for t in ("easy", "medium", "hard")
    )
    create_markdown_artifact(
        f"| tier | rows | |\n|---|---|---|\n{histogram}\n\nData card: `{card}`",
        key="groundmill-difficulty",
        description="Grounding rows per difficulty tier",
    )
    return card
