"""Curate flow: validate every table, quarantine what fails, set aside rows that failed verification,
remove exact and near duplicates, grade difficulty, refined by a grounding model where
`difficulty.empirical` is enabled (transforms/curate/stage.py does the work)."""

from __future__ import annotations

from functools import partial

import polars as pl
from prefect import flow, get_run_logger, task

from flows import progress
from flows.locations import Locations, project_locations
from flows.outcomes import FAILED
from flows.runlock import run_lock
from flows.settings import load_params, select_sources
from schemas import registry
from schemas.config import CurateParams
from transforms.annotate.chat import ChatClient
from transforms.curate.empirical import model_success
from transforms.curate.stage import PASSED_THROUGH, TABLES, curate_stage
from transforms.storage import TableReadError, read_table, write_tables_atomic


class NothingUsable(RuntimeError):
    """No source has a single usable row left after curation."""


@task(task_run_name="curate-{source_id}")
def curate_source(source_id: str, params: CurateParams, where: Locations) -> dict[str, int]:
    """Reads one source's capture and annotate tables; writes the curated tables and their books. A file
    that cannot be read is reported in `quarantine` with its path and the error, and the rest goes on."""
    inputs: dict[str, pl.DataFrame | str] = {}
    for table in (*TABLES, *PASSED_THROUGH):
        try:
            inputs[table] = read_table(where.stage(registry.table(table).stage, source_id), table)
        except TableReadError as exc:
            inputs[table] = str(exc)
    empirical = params.difficulty.empirical
    client = (
        ChatClient(empirical.model, where.cache(empirical.model.cache_dir)) if empirical.enabled else None
    )
    try:
        grounder = partial(model_success, client=client, params=empirical) if client else None
        curated = curate_stage(inputs, source_id, params, grounder)
    finally:
        if client:
            client.close()
    write_tables_atomic(curated.with_ledger("curate", source_id), where.stage("curate", source_id))
    tables = curated.tables
    tiers = dict(tables["grounding"].group_by("tier").len().iter_rows())
    get_run_logger().info(
        "%s: %d quarantined, %d rejected by verification, %d duplicates, tiers %s",
        source_id,
        tables["quarantine"].height,
        tables["rejected"].height,
        tables["duplicates"].height,
        tiers,
    )
    return {
        "usable": curated.usable_rows,
        "quarantined": tables["quarantine"].height,
        "rejected": tables["rejected"].height,
        "duplicates": tables["duplicates"].height,
    }


@flow(name="curate")
def curate(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Curate the annotated tables of the listed sources (all by default). Fails only when no source has
    anything usable left (a source whose task failed is left to the caller: flows/outcomes.py)."""
    where = project_locations()
    params = load_params(where)
    chosen = select_sources(where, sources)
    with run_lock(where), progress.stage_bar("curate", len(chosen), "source"):
        futures = {s.id: curate_source.submit(s.id, params.curate, where) for s in chosen}
        counts = {sid: progress.done("curate", f) for sid, f in futures.items()}
    settled = [c for c in counts.values() if FAILED not in c]
    if settled and not any(c["usable"] for c in settled):
        names = ", ".join(sid for sid, c in counts.items() if FAILED not in c)
        raise NothingUsable(f"curate: nothing usable remains in {names}; see the quarantine table")
    return counts
