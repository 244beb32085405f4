"""Annotate flow: grounding, instructions and how-to rows from each source's captures
(transforms/annotate/stage.py does the work)."""

from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows import progress
from flows.locations import Locations, project_locations
from flows.runlock import run_lock
from flows.settings import load_params, select_sources
from schemas.config import AnnotateParams
from transforms.annotate.annotators import build_annotator
from transforms.annotate.stage import INPUTS, annotate_stage
from transforms.storage import read_table, write_tables_atomic


@task(task_run_name="annotate-{source_id}")
def annotate_source(source_id: str, kind: str, params: AnnotateParams, where: Locations) -> dict[str, int]:
    """Reads one source's capture tables; writes grounding, instructions, howto, trajectories, skipped, model
    usage and the ledger."""
    captured_at = where.stage("capture", source_id)
    captured = {name: read_table(captured_at, name, columns) for name, columns in INPUTS.items()}
    if kind == "dataset":
        captured["records"] = read_table(captured_at, "records")
    if (captured_at / "replays.parquet").exists():  # its how-to procedures were replayed in its application
        captured["replays"] = read_table(captured_at, "replays")
    annotator = build_annotator(params, where.cache(params.model.cache_dir))
    try:
        out = annotate_stage(captured, source_id, annotator, params.refusals_per_screenshot, params.howto)
    finally:
        annotator.close()
    write_tables_atomic(out.with_ledger("annotate", source_id), where.stage("annotate", source_id))
    grounding, instructions = out.tables["grounding"], out.tables["instructions"]
    flagged = sum(t.filter(pl.col("quality_flags").list.len() > 0).height for t in (grounding, instructions))
    get_run_logger().info(
        "%s: %d grounding, %d instructions (%d flagged by verification), %d how-to rows, %d trajectories",
        source_id,
        grounding.height,
        instructions.height,
        flagged,
        out.tables["howto"].height,
        out.tables["trajectories"].height,
    )
    return {
        "grounding": grounding.height,
        "instructions": instructions.height,
        "flagged": flagged,
        "howto": out.tables["howto"].height,
        "trajectories": out.tables["trajectories"].height,
    }


@flow(name="annotate")
def annotate(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Annotate the captures of the listed sources (all by default)."""
    where = project_locations()
    params = load_params(where)
    chosen = select_sources(where, sources)
    with run_lock(where), progress.stage_bar("annotate", len(chosen), "source"):
        futures = {s.id: annotate_source.submit(s.id, s.kind, params.annotate, where) for s in chosen}
        return {sid: progress.done("annotate", f) for sid, f in futures.items()}
