"""Annotate flow: grounding, instructions and how-to rows from each source's captures."""
from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows.settings import load_params, project_paths, select_sources
from transforms.annotate.grounding import AnnotateParams, ground_elements
from transforms.annotate.howto import mine_howto
from transforms.annotate.instructions import instruct_elements
from transforms.ledger import ledger
from transforms.storage import read_table, write_tables_atomic


@task(task_run_name="annotate-{source_id}")
def annotate_source(source_id: str, params: AnnotateParams) -> dict[str, int]:
    """Reads one source's capture tables; writes grounding, instructions, howto, skipped and the ledger."""
    paths = project_paths()
    captured = paths.stage("capture", source_id)
    elements = read_table(captured, "elements")
    screenshots = read_table(captured, "screenshots", columns=["screenshot_id", "capture_id", "part_index",
                                                               "width", "height"])
    captures = read_table(captured, "captures")

    grounding, grounding_skipped = ground_elements(elements, screenshots, params)
    instructions, instruction_skipped = instruct_elements(elements, screenshots, params)
    howto, pages_without = mine_howto(captures, screenshots)
    ok_pages = captures.filter(pl.col("status") == "ok").height
    book = ledger([
        {"stage": "annotate", "source_id": source_id, "table": "grounding", "rows_in": elements.height,
         "rows_out": grounding.height, "skipped": grounding_skipped.height},
        {"stage": "annotate", "source_id": source_id, "table": "instructions",
         "rows_in": elements.filter(pl.col("interactive")).height, "rows_out": instructions.height,
         "skipped": instruction_skipped.height},
        {"stage": "annotate", "source_id": source_id, "table": "howto_pages", "rows_in": ok_pages,
         "rows_out": ok_pages - pages_without, "skipped": pages_without},
    ])
    write_tables_atomic({"grounding": grounding, "instructions": instructions, "howto": howto,
                         "skipped": pl.concat([grounding_skipped, instruction_skipped]), "ledger": book},
                        paths.stage("annotate", source_id))
    get_run_logger().info("%s: %d grounding, %d instructions, %d how-to rows", source_id,
                          grounding.height, instructions.height, howto.height)
    return {"grounding": grounding.height, "instructions": instructions.height, "howto": howto.height}


@flow(name="annotate")
def annotate(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Annotate the captures of the listed sources (all by default)."""
    paths = project_paths()
    params = load_params(paths)
    futures = {s.id: annotate_source.submit(s.id, params.annotate) for s in select_sources(paths, sources)}
    return {sid: f.result() for sid, f in futures.items()}
