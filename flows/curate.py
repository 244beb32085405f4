"""Curate flow: validate every table, quarantine what fails, set aside rows that failed verification,
drop exact duplicates, grade difficulty."""
from __future__ import annotations

import polars as pl
from prefect import flow, get_run_logger, task

from flows.settings import load_params, project_paths, select_sources
from schemas import MODELS, ROW_ID, GradedGrounding
from transforms.curate.dedup import dedup_exact, normalised_text
from transforms.curate.difficulty import DifficultyParams, grade_difficulty
from transforms.curate.validate import split_rejected, split_valid
from transforms.ledger import ledger
from transforms.storage import read_table, write_tables_atomic

# table -> (dedup key, order that decides which copy is kept); captures are attempts, never deduplicated.
DEDUP_KEYS: dict[str, tuple[pl.Expr, list[str]]] = {
    "screenshots": (pl.col("screenshot_id"), ["capture_id", "part_index"]),
    "elements": (pl.concat_str("screenshot_id", "css_path", "x1", "y1", "x2", "y2", separator="|"),
                 ["capture_id", "element_index"]),
    "grounding": (pl.concat_str(pl.col("screenshot_id"), normalised_text("expression"), separator="|"),
                  ["grounding_id"]),
    "instructions": (pl.concat_str(pl.col("screenshot_id"), normalised_text("instruction"), separator="|"),
                     ["instruction_id"]),
    "howto": (pl.concat_str(normalised_text("goal"), pl.col("steps").list.join(" | ").str.to_lowercase(),
                            separator="|"), ["howto_id"]),
}
# The phrase column of the tables whose rows verification may have flagged.
PHRASE_TEXT = {"grounding": "expression", "instructions": "instruction"}
FROM_STAGE = {"captures": "capture", "screenshots": "capture", "elements": "capture",
              "excluded_elements": "capture",
              "grounding": "annotate", "instructions": "annotate", "howto": "annotate"}


@task(task_run_name="curate-{source_id}")
def curate_source(source_id: str, params: DifficultyParams) -> dict[str, int]:
    """Reads one source's capture and annotate tables; writes the curated tables and their books."""
    paths = project_paths()
    curated, quarantined, duplicates, rejected, book = {}, [], [], [], []
    for table, stage in FROM_STAGE.items():
        frame = read_table(paths.stage(stage, source_id), table)
        valid, bad = split_valid(frame, MODELS[table], table, ROW_ID[table], source_id)
        quarantined.append(bad)
        flagged = pl.DataFrame()
        if table in PHRASE_TEXT:
            valid, flagged = split_rejected(valid, table, ROW_ID[table], PHRASE_TEXT[table])
            rejected.append(flagged)
        removed = pl.DataFrame()
        if table in DEDUP_KEYS:
            key, order = DEDUP_KEYS[table]
            valid, removed = dedup_exact(valid, key, ROW_ID[table], table, order)
            duplicates.append(removed)
        curated[table] = valid
        book.append({"stage": "curate", "source_id": source_id, "table": table, "rows_in": frame.height,
                     "rows_out": valid.height, "quarantined": bad.height, "deduplicated": removed.height,
                     "rejected": flagged.height})

    graded = grade_difficulty(curated["grounding"], curated["elements"], params)
    curated["grounding"] = GradedGrounding.validate(graded, lazy=True)
    curated["quarantine"] = pl.concat(quarantined)
    curated["duplicates"] = pl.concat(duplicates)
    curated["rejected"] = pl.concat(rejected)
    for table in ("skipped", "model_usage"):
        curated[table] = read_table(paths.stage("annotate", source_id), table)
    curated["ledger"] = ledger(book)
    write_tables_atomic(curated, paths.stage("curate", source_id))
    tiers = dict(graded.group_by("tier").len().iter_rows())
    get_run_logger().info("%s: %d quarantined, %d rejected by verification, %d duplicates, tiers %s", source_id,
                          curated["quarantine"].height, curated["rejected"].height, curated["duplicates"].height,
                          tiers)
    return {"quarantined": curated["quarantine"].height, "rejected": curated["rejected"].height,
            "duplicates": curated["duplicates"].height}


@flow(name="curate")
def curate(sources: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Curate the annotated tables of the listed sources (all by default)."""
    paths = project_paths()
    params = load_params(paths)
    futures = {s.id: curate_source.submit(s.id, params.difficulty) for s in select_sources(paths, sources)}
    return {sid: f.result() for sid, f in futures.items()}
