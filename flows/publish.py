"""Publish flow: curated tables to partitioned Parquet under data/processed, and the DuckDB catalog."""
from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows.settings import PUBLISHED_TABLES, STAGES, project_paths, select_sources
from transforms.catalog import build_catalog
from transforms.ledger import ledger
from transforms.storage import read_table, write_parquet_atomic


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
        book.append({"stage": "publish", "source_id": source_id, "table": table,
                     "rows_in": frame.height, "rows_out": frame.height})
    books = [read_table(paths.stage(stage, source_id), "ledger") for stage in STAGES]
    full = pl.concat([*books, ledger(book)])
    write_parquet_atomic(full, paths.processed / "ledger" / f"source={source_id}" / "part-0.parquet")
    return counts


@flow(name="publish")
def publish(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Publish the curated tables of the listed sources (all by default) and rebuild the catalog."""
    paths = project_paths()
    futures = {s.id: publish_source.submit(s.id) for s in select_sources(paths, sources)}
    counts = {sid: f.result() for sid, f in futures.items()}
    build_catalog(paths.catalog, paths.processed, PUBLISHED_TABLES, paths.root)
    get_run_logger().info("catalog: %s", paths.catalog)
    return counts
