"""Curate flow: validate every table, quarantine what fails, set aside rows that failed verification,
remove exact and near duplicates, grade difficulty (transforms/curate/stage.py does the work)."""

from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows import progress
from flows.settings import project_paths, select_sources
from schemas import ClusteredScreenshots, GradedGrounding
from schemas.config import CurateParams, load_params
from transforms.curate.stage import TABLES, curate_tables
from transforms.ledger import ledger
from transforms.storage import TableReadError, read_table, write_tables_atomic

FROM_STAGE = {
    "captures": "capture",
    "screenshots": "capture",
    "elements": "capture",
    "excluded_elements": "capture",
    "grounding": "annotate",
    "instructions": "annotate",
    "howto": "annotate",
}


class NothingUsable(RuntimeError):
    """No source has a single usable row left after curation."""


@task(task_run_name="curate-{source_id}")
def curate_source(source_id: str, params: CurateParams) -> dict[str, int]:
    """Reads one source's capture and annotate tables; writes the curated tables and their books. A file
    that cannot be read is reported in `quarantine` with its path and the error, and the rest goes on."""
    paths = project_paths()
    inputs: dict[str, pl.DataFrame | str] = {}
    for table in TABLES:
        try:
            inputs[table] = read_table(paths.stage(FROM_STAGE[table], source_id), table)
        except TableReadError as exc:
            inputs[table] = str(exc)
    curated = curate_tables(inputs, source_id, params)
    tables = curated.tables
    tables["grounding"] = GradedGrounding.validate(tables["grounding"], lazy=True)
    tables["screenshots"] = ClusteredScreenshots.validate(tables["screenshots"], lazy=True)
    for table in ("skipped", "model_usage"):
        tables[table] = read_table(paths.stage("annotate", source_id), table)
    tables["ledger"] = ledger(curated.books)
    write_tables_atomic(tables, paths.stage("curate", source_id))
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
    anything usable left."""
    paths = project_paths()
    params = load_params(paths.params_file)
    chosen = select_sources(paths, sources)
    with progress.stage_bar("curate", len(chosen), "source"):
        futures = {s.id: curate_source.submit(s.id, params.curate) for s in chosen}
        counts = {sid: progress.done("curate", f) for sid, f in futures.items()}
    if counts and not any(c["usable"] for c in counts.values()):
        raise NothingUsable(
            f"curate: nothing usable remains in {', '.join(counts)}; see the quarantine table"
        )
    return counts
