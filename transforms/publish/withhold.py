"""What an export leaves out of training, decided before splits are assigned: a benchmark source's rows
go to the test split only, and the rows of other sources that match a benchmark (the `contaminated`
table) are withheld from every split; the export says how many and why."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from schemas.bookkeeping import CONTAMINATION_MATCHES
from schemas.config import ExportParams
from transforms.publish.export import training_rows

# Beside each export's files: what it withheld and why (markdown, so that no loader globbing an export's
# *.json or *.parquet reads it as data).
WITHHELD_FILE = "WITHHELD.md"
ROW_ID = {
    "grounding": "grounding_id",
    "instructions": "instruction_id",
    "howto": "howto_id",
    "trajectories": "trajectory_id",
}


def withhold(
    published: pl.DataFrame, table: str, benchmarks: set[str], contaminated: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Published rows of `table` (grounding, instructions or howto) in; (rows for training, the benchmark
    sources' rows, the rows withheld with their `contaminated` row)."""
    is_bench = pl.col("source_id").is_in(list(benchmarks))
    flagged = contaminated.filter(pl.col("table") == table).select(
        "source_id", pl.col("row_id").alias(ROW_ID[table]), "match", "benchmark_source_id", "benchmark_row_id"
    )
    others, keys = published.filter(~is_bench), ["source_id", ROW_ID[table]]
    kept = others.join(flagged, on=keys, how="anti", maintain_order="left")
    withheld = flagged.join(others.select(keys), on=keys, how="semi", maintain_order="left")
    return kept, published.filter(is_bench), withheld


def export_rows(
    published: pl.DataFrame,
    screenshots: pl.DataFrame,
    table: str,
    params: ExportParams,
    benchmarks: set[str],
    contaminated: pl.DataFrame,
    shape: Callable[[pl.DataFrame, pl.DataFrame, str, ExportParams], pl.DataFrame] = training_rows,
) -> tuple[pl.DataFrame, dict]:
    """The rows an export writes (training_rows' shape: splits by screenshot cluster for the training
    sources, `test` for every benchmark row; contaminated rows left out) and the record of what it
    withheld: benchmark rows kept to test per source, contaminated rows per match and per source."""
    kept, bench, withheld = withhold(published, table, benchmarks, contaminated)
    train = shape(kept, screenshots, table, params)
    test = shape(bench, screenshots, table, params).with_columns(split=pl.lit("test"))
    rows = pl.concat([train, test]).sort("split", "id")
    matches = dict(withheld.group_by("match").len().iter_rows())
    record = {
        "table": table,
        "rows": rows.height,
        "benchmark_rows_test_only": dict(sorted(bench.group_by("source_id").len().iter_rows())),
        "withheld": withheld.height,
        "withheld_by_match": {m: matches.get(m, 0) for m in CONTAMINATION_MATCHES},
        "withheld_by_source": dict(sorted(withheld.group_by("source_id").len().iter_rows())),
    }
    return rows, record


def withheld_text(record: dict) -> str:
    """The record as the export prints it."""
    why = ", ".join(f"{m.replace('_', ' ')} {n}" for m, n in record["withheld_by_match"].items())
    bench = ", ".join(f"{s} {n}" for s, n in record["benchmark_rows_test_only"].items()) or "none"
    return (
        f"withheld {record['withheld']} row(s) that match a benchmark ({why}); "
        f"benchmark rows, in test only: {bench} ({WITHHELD_FILE})"
    )


def withheld_markdown(record: dict) -> str:
    """The record as the export's WITHHELD.md: a table of rows per reason."""
    lines = [
        "# Withheld from training",
        "",
        f"{record['rows']} {record['table']} rows exported. Benchmark sources' rows are in the test split "
        "only; rows of other sources that match a benchmark row are withheld from every split.",
        "",
        "| why | source | rows |",
        "|---|---|---|",
        *(
            f"| benchmark row (test only) | {s} | {n} |"
            for s, n in record["benchmark_rows_test_only"].items()
        ),
        *(f"| contaminated: {m.replace('_', ' ')} | | {n} |" for m, n in record["withheld_by_match"].items()),
        *(f"| withheld | {s} | {n} |" for s, n in record["withheld_by_source"].items()),
        "",
        'Which rows, and the benchmark row each matches: `groundmill query "select * from contaminated"`.',
    ]
    return "\n".join(lines) + "\n"
