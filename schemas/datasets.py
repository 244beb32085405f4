"""Contracts for the synthesized datasets: grounding, instructions, howto."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.boxes import Target
from schemas.capture import HEX32, HEX64

ACTION_TYPES = ["click", "type", "select", "hover", "scroll"]
# Perspectives an annotator phrases for each element; a row may also be a refusal or an imported record.
PHRASED_PERSPECTIVES = ["text", "appearance", "function", "spatial", "intent"]
PERSPECTIVES = [*PHRASED_PERSPECTIVES, "refusal", "imported"]
GT_TYPES = ["positive", "negative"]
QUALITY_FLAGS = [
    "unverifiable",
    "no_match",
    "ambiguous",
    "wrong_target",
    "present_on_screen",
    "degenerate_box",
    "box_outside_image",
    "centre_not_hit",
    "model_rejected",
    "model_missed",
]
TIERS = ["easy", "medium", "hard"]


class Phrased(Target):
    """A phrase's row: which element it names, from which perspective, and what verification found."""

    source_id: str
    screenshot_id: str = pa.Field(str_matches=HEX64)
    element_id: str = pa.Field(str_matches=HEX32, nullable=True)
    perspective: str = pa.Field(isin=PERSPECTIVES)
    gt_type: str = pa.Field(isin=GT_TYPES)
    label: str
    role: str
    annotator: str
    n_matches: pl.Int32 = pa.Field(ge=0)
    quality_flags: pl.List(pl.String)

    @pa.dataframe_check
    def refusals_have_no_target(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A positive row names an element and has a box; a negative row (a refusal, or an imported
        negative) has neither."""
        negative = pl.col("gt_type") == "negative"
        may_be_negative = pl.col("perspective").is_in(["refusal", "imported"])
        refusal = pl.col("perspective") == "refusal"
        return data.lazyframe.select(
            (~negative | may_be_negative)
            & (~refusal | negative)
            & (negative == pl.col("element_id").is_null())
            & (negative == pl.col("x1").is_null())
        )

    @pa.dataframe_check
    def known_flags(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every quality flag is one verification knows."""
        return data.lazyframe.select(
            pl.col("quality_flags").list.eval(pl.element().is_in(QUALITY_FLAGS)).list.all()
        )


class Grounding(Phrased):
    grounding_id: str = pa.Field(str_matches=HEX32)
    expression: str = pa.Field(str_length={"min_value": 1})
    tag: str
    is_icon: bool
    origin: str = pa.Field(nullable=True)  # an imported row's original record, as JSON

    class Config:
        strict = True


class GradedGrounding(Grounding):
    """Grounding rows after curation, with their difficulty (null for refusal rows, which have no box)."""

    area_ratio: float = pa.Field(gt=0, le=1, nullable=True)
    distractors: pl.Int32 = pa.Field(ge=0)
    clutter: pl.Int32 = pa.Field(ge=0)
    difficulty: float = pa.Field(ge=0, le=1, nullable=True)
    tier: str = pa.Field(isin=TIERS, nullable=True)


class Instructions(Phrased):
    instruction_id: str = pa.Field(str_matches=HEX32)
    explicit: bool = pa.Field(nullable=True)
    instruction: str = pa.Field(str_length={"min_value": 1})
    action_type: str = pa.Field(isin=ACTION_TYPES)
    action_args: str

    @pa.check("action_args")
    def is_json_object(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """action_args is a JSON object."""
        return data.lazyframe.select(
            pl.col(data.key).str.json_path_match("$").str.starts_with("{").fill_null(False)
        )

    class Config:
        strict = True


class Howto(pa.DataFrameModel):
    howto_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    capture_id: str = pa.Field(str_matches=HEX32)
    screenshot_id: str = pa.Field(str_matches=HEX64, nullable=True)
    page_path: str
    goal: str = pa.Field(str_length={"min_value": 1})
    steps: pl.List(pl.String)
    n_steps: pl.Int32 = pa.Field(ge=2)

    @pa.dataframe_check
    def steps_counted(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """n_steps is the length of steps."""
        return data.lazyframe.select(pl.col("steps").list.len() == pl.col("n_steps"))

    class Config:
        strict = True
