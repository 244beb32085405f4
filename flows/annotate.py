"""Annotate flow: grounding, instructions and how-to rows from each source's captures."""

from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows import progress
from flows.settings import project_paths, select_sources
from schemas.config import AnnotateParams, load_params
from transforms.annotate.annotators import build_annotator, usage_table
from transforms.annotate.howto import mine_howto
from transforms.annotate.imported import imported_grounding
from transforms.annotate.tables import INSTRUCTIONS_SCHEMA, SKIPPED_SCHEMA, Annotated, annotate_tables
from transforms.ledger import ledger
from transforms.storage import read_table, write_tables_atomic


@task(task_run_name="annotate-{source_id}")
def annotate_source(source_id: str, params: AnnotateParams, kind: str = "html_dir") -> dict[str, int]:
    """Reads one source's capture tables; writes grounding, instructions, howto, skipped and the ledger."""
    paths = project_paths()
    captured = paths.stage("capture", source_id)
    elements = read_table(captured, "elements")
    screenshots = read_table(
        captured,
        "screenshots",
        columns=["screenshot_id", "capture_id", "part_index", "width", "height", "png"],
    )
    captures = read_table(captured, "captures")

    annotator = build_annotator(params, paths.root)
    try:
        if kind == "dataset":  # imported records are the rows; no phrases to write
            records = read_table(captured, "records")
            grounding = imported_grounding(records, elements, screenshots)
            annotated = Annotated(
                grounding,
                pl.DataFrame(schema=INSTRUCTIONS_SCHEMA),
                pl.DataFrame(schema=SKIPPED_SCHEMA),
                [{"table": "grounding.imported", "rows_in": records.height, "rows_out": grounding.height}],
            )
        else:
            annotated = annotate_tables(elements, screenshots, annotator, params.refusals_per_screenshot)
    finally:
        annotator.close()
    howto, pages_without = mine_howto(captures, screenshots)
    ok_pages = captures.filter(pl.col("status") == "ok").height
    book = ledger(
        [
            *({"stage": "annotate", "source_id": source_id, **b} for b in annotated.books),
            {
                "stage": "annotate",
                "source_id": source_id,
                "table": "howto_pages",
                "rows_in": ok_pages,
                "rows_out": ok_pages - pages_without,
                "skipped": pages_without,
            },
        ]
    )
    tables = {
        "grounding": annotated.grounding,
        "instructions": annotated.instructions,
        "howto": howto,
        "skipped": annotated.skipped,
        "ledger": book,
        "model_usage": usage_table(annotator, source_id),
    }
    write_tables_atomic(tables, paths.stage("annotate", source_id))
    flagged = sum(
        t.filter(pl.col("quality_flags").list.len() > 0).height
        for t in (annotated.grounding, annotated.instructions)
    )
    get_run_logger().info(
        "%s: %d grounding, %d instructions (%d flagged by verification), %d how-to rows",
        source_id,
        annotated.grounding.height,
        annotated.instructions.height,
        flagged,
        howto.height,
    )
    return {
        "grounding": annotated.grounding.height,
        "instructions": annotated.instructions.height,
        "flagged": flagged,
        "howto": howto.height,
    }


@flow(name="annotate")
def annotate(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Annotate the captures of the listed sources (all by default)."""
    paths = project_paths()
    params = load_params(paths.params_file)
    chosen = select_sources(paths, sources)
    with progress.stage_bar("annotate", len(chosen), "source"):
        futures = {s.id: annotate_source.submit(s.id, params.annotate, s.kind) for s in chosen}
        return {sid: progress.done("annotate", f) for sid, f in futures.items()}
