"""Split a table into rows that meet its pandera contract and quarantine rows that say why not."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.registry import schema


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=schema("quarantine"))


def split_valid(
    frame: pl.DataFrame, model: type[pa.DataFrameModel], table: str, row_id: str, source_id: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid rows, quarantine rows). All failures are collected; a failure of the table's shape
    (missing column, wrong type) quarantines every row, since none of them can be trusted."""
    try:
        model.validate(frame, lazy=True)
        return frame, empty_quarantine()
    except pa.errors.SchemaErrors as err:
        failures = err.failure_cases
    indexed = frame.with_row_index("_row")
    ids = (
        indexed.get_column(row_id).cast(pl.String)
        if row_id in frame.columns
        else pl.Series([None] * len(frame), dtype=pl.String)
    )

    def describe(f: dict) -> str:
        where = f"column {f['column']!r}" if f["schema_context"] == "Column" else "row"
        return f"{table}: {where} failed {f['check']}"

    shape_failures = failures.filter(pl.col("index").is_null())
    if len(shape_failures):
        first = shape_failures.row(0, named=True)
        reason = "; ".join(
            describe(f) + f" (got {f['failure_case']})" for f in shape_failures.iter_rows(named=True)
        )
        rows = [
            {
                "source_id": source_id,
                "table": table,
                "row_id": ids[i],
                "check": first["check"],
                "column": first["column"],
                "value": None,
                "reason": reason[:1000],
            }
            for i in range(len(frame))
        ]
        return frame.head(0), pl.DataFrame(rows, schema=schema("quarantine"))

    rows, bad = [], set()
    for f in failures.sort("index", "column").iter_rows(named=True):
        i = int(f["index"])
        bad.add(i)
        rows.append(
            {
                "source_id": source_id,
                "table": table,
                "row_id": ids[i],
                "check": f["check"],
                "column": f["column"] if f["schema_context"] == "Column" else None,
                "value": None if f["failure_case"] is None else str(f["failure_case"])[:500],
                "reason": describe(f),
            }
        )
    quarantine = pl.DataFrame(rows, schema=schema("quarantine"))
    valid = indexed.filter(~pl.col("_row").is_in(sorted(bad))).drop("_row")
    return valid, quarantine


def split_rejected(
    frame: pl.DataFrame, table: str, row_id: str, text: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows verification passed, rejected rows with their flags) for a grounding or instruction table."""
    if frame.is_empty():  # (also a table quarantined whole, which may lack the columns)
        return frame, pl.DataFrame(schema=schema("rejected"))
    flagged = pl.col("quality_flags").list.len() > 0
    rejected = frame.filter(flagged).select(
        "source_id",
        pl.lit(table).alias("table"),
        pl.col(row_id).alias("row_id"),
        "screenshot_id",
        "element_id",
        "perspective",
        pl.col(text).alias("text"),
        "n_matches",
        "quality_flags",
    )
    return frame.filter(~flagged), rejected.cast(schema("rejected"))
