"""The registry of tables: for each table, its pandera model and everything derived from it.

A table is declared once, as a pandera model in this package. From the model come the Polars schema
every producer builds its frames with, the enumerations its checks allow, and an empty frame of the
right shape; the registry adds what a model cannot say: the column that names a row, the columns its
content id is the hash of, the column that holds its text, and the stage that writes it. Producers,
curate, publish, export and the catalog all read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import pandera.polars as pa
import polars as pl

from schemas.bookkeeping import (
    Contaminated,
    Duplicates,
    Inputs,
    Ledger,
    ModelUsage,
    Quarantine,
    Rejected,
    Skipped,
    Versions,
)
from schemas.boxes import Target
from schemas.capture import (
    Captures,
    CaptureTimings,
    ClusteredScreenshots,
    Elements,
    ExcludedElements,
    Records,
    Replays,
    Screenshots,
)
from schemas.datasets import GradedGrounding, Grounding, Howto, Instructions, Trajectories
from schemas.provenance import (
    PublishedCaptures,
    PublishedGrounding,
    PublishedHowto,
    PublishedInstructions,
    PublishedScreenshots,
)

# Box columns go last in every table that has them: a row reads id, content, then geometry.
BOX_COLUMNS = tuple(Target.to_schema().columns)


@dataclass(frozen=True)
class Table:
    """One table: its contract and how its rows are named.

    `row_id` is the column that names one row (what quarantine and duplicates rows point at);
    `id_prefix` and `id_from` say how that id is computed where it is a content hash of the row's own
    columns (a list inside `id_from` is hashed as one JSON array); `text` is the column that carries
    the row's words (dedup and rejected rows read it)."""

    name: str
    model: type[pa.DataFrameModel]
    stage: str
    row_id: str | None = None
    id_prefix: str | None = None
    id_from: tuple = ()
    text: str | None = None

    @cached_property
    def schema(self) -> pl.Schema:
        """Column -> Polars dtype, derived from the model: the table's own id first, the box columns last."""
        columns = {name: column.dtype.type for name, column in self.model.to_schema().columns.items()}
        own_id = self.row_id is not None and self.row_id.endswith("_id") and self.row_id != "row_id"
        first = [self.row_id] if own_id and self.row_id in columns else []
        middle = [c for c in columns if c not in first and c not in BOX_COLUMNS]
        last = [c for c in columns if c in BOX_COLUMNS and c not in first]
        return pl.Schema({c: columns[c] for c in [*first, *middle, *last]})

    @cached_property
    def enums(self) -> dict[str, list]:
        """Column -> the values its `isin` check allows."""
        found = {}
        for name, column in self.model.to_schema().columns.items():
            for check in column.checks:
                if check.name == "isin":
                    found[name] = list(check.statistics["allowed_values"])
        return found

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def frame(self, rows: Iterable[Mapping]) -> pl.DataFrame:
        """Rows (dicts; missing keys are null) as a frame of this table's schema."""
        return pl.DataFrame(list(rows), schema=self.schema)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame's columns in this table's order and dtypes (missing columns as nulls)."""
        missing = [pl.lit(None, dtype=d).alias(c) for c, d in self.schema.items() if c not in frame.columns]
        return frame.with_columns(missing).select(list(self.schema)).cast(dict(self.schema))


_ELEMENT_ID = ("screenshot_id", "css_path", ["x1", "y1", "x2", "y2"])
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        # capture
        Table("captures", Captures, "capture", row_id="capture_id"),
        Table("screenshots", Screenshots, "capture", row_id="screenshot_id"),
        Table("elements", Elements, "capture", "element_id", "element", _ELEMENT_ID, text="text"),
        Table("excluded_elements", ExcludedElements, "capture", row_id="css_path"),
        Table("records", Records, "capture", row_id="record_index", text="instruction"),
        Table("inputs", Inputs, "capture", row_id="source_id"),
        # how-to procedures of an html source replayed in its application (annotate makes the trajectories)
        Table("replays", Replays, "capture", row_id="howto_id"),
        # a run log of capture, outside the stage's output and the dataset version (data/logs/)
        Table("capture_timings", CaptureTimings, "capture", row_id="capture_id"),
        # annotate
        Table(
            "grounding",
            Grounding,
            "annotate",
            "grounding_id",
            "grounding",
            ("screenshot_id", "element_id", "perspective", "gt_type", "expression"),
            text="expression",
        ),
        Table(
            "instructions",
            Instructions,
            "annotate",
            "instruction_id",
            "instruction",
            ("screenshot_id", "element_id", "perspective", "explicit", "action_type", "instruction"),
            text="instruction",
        ),
        Table("howto", Howto, "annotate", "howto_id", "howto", ("capture_id", "goal", "steps"), text="goal"),
        Table(
            "trajectories",
            Trajectories,
            "annotate",
            "trajectory_id",
            "trajectory",
            ("source_id", "kind", "capture_id", "goal", "path"),
            text="goal",
        ),
        Table("skipped", Skipped, "annotate"),
        Table("model_usage", ModelUsage, "annotate"),
        # curate
        Table("clustered_screenshots", ClusteredScreenshots, "curate", row_id="screenshot_id"),
        Table("graded_grounding", GradedGrounding, "curate", row_id="grounding_id", text="expression"),
        Table("quarantine", Quarantine, "curate"),
        Table("duplicates", Duplicates, "curate"),
        Table("rejected", Rejected, "curate", row_id="row_id", text="text"),
        # every stage
        Table("ledger", Ledger, "every"),
        # publish: the published forms of the data tables, with licence, provenance and language
        Table("published_captures", PublishedCaptures, "publish", row_id="capture_id"),
        Table("published_screenshots", PublishedScreenshots, "publish", row_id="screenshot_id"),
        Table("published_grounding", PublishedGrounding, "publish", row_id="grounding_id", text="expression"),
        Table(
            "published_instructions",
            PublishedInstructions,
            "publish",
            row_id="instruction_id",
            text="instruction",
        ),
        Table("published_howto", PublishedHowto, "publish", row_id="howto_id", text="goal"),
        Table("versions", Versions, "publish", row_id="version"),
        Table("contaminated", Contaminated, "publish", row_id="row_id"),
    )
}

# The tables curate checks and writes (in their graded and clustered forms), in dependency order: a row
# is checked against the tables before it.
CURATED = (
    "captures",
    "screenshots",
    "elements",
    "excluded_elements",
    "grounding",
    "instructions",
    "howto",
    "trajectories",
)
# The tables every source publishes under data/processed/<table>/source=<id>/, in catalog order: the
# curated ones, then the accounts; publish writes CROSS_SOURCE and the ledger.
PUBLISHED = (
    *CURATED,
    "quarantine",
    "duplicates",
    "skipped",
    "rejected",
    "contaminated",
    "model_usage",
    "ledger",
)
# Published tables that publish computes across all sources (the benchmark check), not read from curate.
CROSS_SOURCE = ("contaminated",)
# Run logs: written beside the dataset (data/logs/<table>/source=<id>/), never part of a version.
RUN_LOGS = ("capture_timings",)
# The curated form of a table, where curation adds columns.
CURATED_FORM = {"screenshots": "clustered_screenshots", "grounding": "graded_grounding"}
# The published form of a table, where publish adds columns (licence, provenance, language).
PUBLISHED_FORM = {
    t: f"published_{t}" for t in ("captures", "screenshots", "grounding", "instructions", "howto")
}


def table(name: str) -> Table:
    """The registered table `name`; a clear error for a name that is not one."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table named {name!r}; registered: {', '.join(TABLES)}") from None


def schema(name: str) -> pl.Schema:
    return table(name).schema


def empty(name: str) -> pl.DataFrame:
    return table(name).empty()


def curated_schema(name: str) -> pl.Schema:
    """The schema curate writes a table in (its curated form where curation adds columns)."""
    return schema(CURATED_FORM.get(name, name))


def published_schema(name: str) -> pl.Schema:
    """The schema a published table has (its published form where publish adds columns)."""
    return schema(PUBLISHED_FORM.get(name, CURATED_FORM.get(name, name)))
