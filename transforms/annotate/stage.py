"""The annotate stage for one source: its capture tables in; grounding, instructions, how-to, trajectories,
skipped and model usage out, with the ledger's account of every element, slot and page."""

from __future__ import annotations

import polars as pl

from schemas.config import HowtoParams
from schemas.registry import empty
from transforms.annotate.annotators import usage_table
from transforms.annotate.imported import imported_grounding, refused_records
from transforms.annotate.phrases import Annotator
from transforms.annotate.tables import annotate_tables
from transforms.howto.mine import mine_howto
from transforms.howto.replayed import mark_replayed, replayed_trajectories
from transforms.howto.trajectories import navigation_tasks
from transforms.ledger import StageOutput

# The capture tables (and columns) the stage reads; `records` only for an imported dataset, `replays`
# only for an html source whose how-to procedures were replayed in its application.
INPUTS = {
    "captures": None,
    "elements": None,
    "screenshots": ["screenshot_id", "capture_id", "part_index", "width", "height", "png"],
}


def _imported(captured: dict[str, pl.DataFrame]) -> StageOutput:
    """An imported dataset's records are its grounding rows; there are no phrases to write."""
    records = captured["records"]
    grounding = imported_grounding(records, captured["elements"], captured["screenshots"])
    skipped = refused_records(records)
    book = {
        "table": "grounding.imported",
        "rows_in": records.height,
        "rows_out": grounding.height,
        "skipped": skipped.height,
    }
    tables = {"grounding": grounding, "instructions": empty("instructions"), "skipped": skipped}
    return StageOutput(tables, [book])


def annotate_stage(
    captured: dict[str, pl.DataFrame],
    source_id: str,
    annotator: Annotator,
    refusals_per_screenshot: int,
    howto: HowtoParams = HowtoParams(),
) -> StageOutput:
    """Phrases for every element (or an imported dataset's records as they are), how-to procedures
    mined from the pages (their grounded steps added to the instructions), and what the annotator spent."""
    if "records" in captured:
        out = _imported(captured)
    else:
        annotated = annotate_tables(
            captured["elements"],
            captured["screenshots"],
            annotator,
            refusals_per_screenshot,
            captured["captures"],
        )
        tables = {
            "grounding": annotated.grounding,
            "instructions": annotated.instructions,
            "skipped": annotated.skipped,
        }
        out = StageOutput(tables, annotated.books)
    mined = mine_howto(captured["captures"], captured["screenshots"], captured["elements"], howto)
    tasks = navigation_tasks(captured["captures"], captured["screenshots"], captured["elements"])
    howto_rows, trajectories, skipped = mined.howto, tasks.trajectories, [mined.skipped, tasks.skipped]
    out.books += mined.books + tasks.books
    if "replays" in captured:
        replays = captured["replays"]
        replayed = replayed_trajectories(source_id, replays, captured["screenshots"], captured["elements"])
        howto_rows = mark_replayed(howto_rows, replays, replayed.trajectories)
        trajectories = pl.concat([trajectories, replayed.trajectories])
        skipped.append(replayed.skipped)
        out.books += replayed.books
    out.tables["instructions"] = pl.concat([out.tables["instructions"], mined.instructions])
    out.tables["skipped"] = pl.concat([out.tables["skipped"], *skipped])
    out.tables |= {
        "howto": howto_rows,
        "trajectories": trajectories,
        "model_usage": usage_table(annotator, source_id),
    }
    return out
