"""Contracts for the tables that account for every row: quarantine, duplicates, skipped, ledger."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.capture import RECORD_REFUSALS

STAGES = ["capture", "annotate", "curate", "publish"]
# Why an element (or a screenshot's slot) got no row of a table and perspective. A skip's reason is one
# of these, alone or followed by ": " and details.
SKIP_REASONS = [
    "centre_not_hit",  # a click at its centre lands on something else (covered, or a control inside it)
    "no_name",  # no visible text or accessible name
    "too_long",  # its text is too long for a phrase
    "not_visible",  # the phrase would need words that are not on the screen (URL, id, unrendered title)
    "mojibake",  # its text is in a wrong character set
    "no_function",  # nothing to say about what it does beyond its name
    "no_goal",  # no user goal known for it
    "look_shared",  # its look is shared with other elements of its kind
    "nothing_distinctive",  # no colour, shape or symbol to describe
    "no_unique_place",  # no landmark, row or screen region picks it out alone
    "no_action",  # no action template for its role
    "no_hover",  # nothing appears on hover
    "model_not_sent",  # not sent to the model (covered centre, nothing to name it by, over the cap)
    "model_failed",  # the model request failed, or its screenshot could not be read
    "model_no_phrase",  # the model wrote no phrase for this perspective
    "no_refusal",  # no phrase from another page that is absent here
    "no_scroll",  # nothing named on the next slice that this one lacks
    # how-to procedures rejected by the How2Mine filters (annotate.howto in params.yaml)
    "noun_goal",  # the goal names a thing, not a task
    "few_steps",
    "many_steps",
    "short_step",
    "long_step",
    "link_list",  # the steps are links: navigation, not a procedure
    "repeated_2gram",
    "repeated_3gram",
    "repeated_4gram",
    "not_instructions",  # too few steps read as instructions
    # a how-to step that names a control but is not grounded to one
    "absent",  # on no screen of the source
    "ambiguous",  # on several elements
    # an explored state that gives no navigation task (trajectories)
    "no_screen",  # the state one of its actions started from was not captured
    # a how-to procedure replayed in its application that did not reach its end (transforms/howto/replay.py)
    "not_replayed",
    # an imported record refused (schemas/capture.py RECORD_REFUSALS)
    *RECORD_REFUSALS,
]


class Quarantine(pa.DataFrameModel):
    """A row that failed its table's contract, with the check that failed and the value at fault."""

    source_id: str
    table: str
    row_id: str = pa.Field(nullable=True)
    check: str
    column: str = pa.Field(nullable=True)
    value: str = pa.Field(nullable=True)
    reason: str

    class Config:
        strict = True


class Duplicates(pa.DataFrameModel):
    """A row removed as an exact duplicate, and the row it duplicates."""

    source_id: str
    table: str
    row_id: str
    dedup_of: str
    key: str

    class Config:
        strict = True


class Skipped(pa.DataFrameModel):
    """An element (or a screenshot's refusal or scroll slot, or an imported record) that got no row of one
    table and perspective, and why (no name, covered centre, nothing distinctive to see, an imported
    record's image missing...). An imported record refused before it had a screenshot has none."""

    source_id: str
    table: str
    perspective: str
    element_id: str = pa.Field(nullable=True)
    screenshot_id: str = pa.Field(nullable=True)
    reason: str

    @pa.check("reason")
    def known_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The reason starts with one of SKIP_REASONS (then, optionally, ": " and details)."""
        code = pl.col(data.key).str.extract(r"^([a-z0-9_]+)(?::|$)")
        return data.lazyframe.select(code.is_in(SKIP_REASONS).fill_null(False))

    class Config:
        strict = True


class Rejected(pa.DataFrameModel):
    """A grounding or instruction row that failed verification: kept out of the datasets, kept here."""

    source_id: str
    table: str
    row_id: str
    screenshot_id: str
    element_id: str = pa.Field(nullable=True)
    perspective: str
    text: str
    n_matches: pl.Int32
    quality_flags: pl.List(pl.String)

    class Config:
        strict = True


class ModelUsage(pa.DataFrameModel):
    """What an annotator spent per source: requests, cache hits, retries, failures, tokens, cost."""

    source_id: str
    annotator: str
    requests: pl.Int64 = pa.Field(ge=0)
    cache_hits: pl.Int64 = pa.Field(ge=0)
    retries: pl.Int64 = pa.Field(ge=0)
    failures: pl.Int64 = pa.Field(ge=0)
    prompt_tokens: pl.Int64 = pa.Field(ge=0)
    completion_tokens: pl.Int64 = pa.Field(ge=0)
    cost_usd: float = pa.Field(ge=0)

    class Config:
        strict = True


# How a training source's row matches a benchmark's (transforms/curate/contamination.py), strongest first:
# a same or near-duplicate text on a near-duplicate screen, the same screenshot bytes, a screenshot within
# the pHash radius.
CONTAMINATION_MATCHES = ["near_instruction", "same_bytes", "near_screen"]
# The tables whose rows are checked against the benchmarks.
CONTAMINATION_TABLES = ["screenshots", "grounding", "instructions", "howto"]


class Contaminated(pa.DataFrameModel):
    """A row of a training source that matches a benchmark source: it stays in its published table, and
    every export withholds it. It names the benchmark row it matches (a grounding row for a text match,
    the benchmark's screenshot for a screen match), how, the screens' pHash distance and, for a text
    match, the word n-gram Jaccard similarity."""

    source_id: str
    table: str = pa.Field(isin=CONTAMINATION_TABLES)
    row_id: str
    screenshot_id: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    match: str = pa.Field(isin=CONTAMINATION_MATCHES)
    benchmark_source_id: str
    benchmark_table: str = pa.Field(isin=CONTAMINATION_TABLES)
    benchmark_row_id: str
    benchmark_screenshot_id: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    phash_distance: pl.Int32 = pa.Field(ge=0, le=64)
    text_similarity: float = pa.Field(ge=0, le=1, nullable=True)

    @pa.dataframe_check
    def one_row_each(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A row is listed once, with its strongest match."""
        return data.lazyframe.select(~pl.struct("source_id", "table", "row_id").is_duplicated())

    class Config:
        strict = True


# Where a ledger row's input rows went: each one to exactly one place.
BALANCES = pl.col("rows_in") == pl.sum_horizontal(
    "rows_out", "quarantined", "deduplicated", "skipped", "rejected"
)


class Ledger(pa.DataFrameModel):
    """Per stage, source and table: rows_in = rows_out + quarantined + deduplicated + skipped + rejected.
    `contaminated` counts those of publish's rows_out that match a benchmark source (listed in
    `contaminated`): published, flagged, and withheld by every export; 0 on every other row."""

    stage: str = pa.Field(isin=STAGES)
    source_id: str
    table: str
    rows_in: pl.Int64 = pa.Field(ge=0)
    rows_out: pl.Int64 = pa.Field(ge=0)
    quarantined: pl.Int64 = pa.Field(ge=0)
    deduplicated: pl.Int64 = pa.Field(ge=0)
    skipped: pl.Int64 = pa.Field(ge=0)
    rejected: pl.Int64 = pa.Field(ge=0)
    contaminated: pl.Int64 = pa.Field(ge=0)

    @pa.dataframe_check
    def balances(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every input row is accounted for."""
        return data.lazyframe.select(BALANCES)

    @pa.dataframe_check
    def contaminated_are_published(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Contaminated rows are some of the rows out."""
        return data.lazyframe.select(pl.col("contaminated") <= pl.col("rows_out"))

    class Config:
        strict = True


class Versions(pa.DataFrameModel):
    """Every published version: the content hash of what it published, when, which sources, how many rows."""

    version: str
    published_at: pl.Datetime("us", "UTC")
    content_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    sources: pl.List(pl.String)
    row_counts: str
    files: pl.Int32 = pa.Field(ge=0)

    class Config:
        strict = True


class Inputs(pa.DataFrameModel):
    """What a source's capture read, recorded before it read it: the source's entry (JSON), its
    fingerprint, and every local file as "<sha256>  <name>". `watch` compares fingerprints with the
    published ones; each release commits them all as data/inputs.json."""

    source_id: str
    fingerprint: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    entry: str
    files: pl.List(pl.String)

    class Config:
        strict = True
