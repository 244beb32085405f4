"""Contracts for the synthesized datasets: grounding, instructions, howto."""
from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl

from schemas.boxes import Target
from schemas.capture import HEX32, HEX64

ACTION_TYPES = ["click", "type", "select"]
TIERS = ["easy", "medium", "hard"]


class Grounding(Target):
    grounding_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    screenshot_id: str = pa.Field(str_matches=HEX64)
    element_id: str = pa.Field(str_matches=HEX32)
    expression: str = pa.Field(str_length={"min_value": 1})
    label: str = pa.Field(str_length={"min_value": 1})
    role: str
    tag: str
    is_icon: bool

    class Config:
        strict = True


class GradedGrounding(Grounding):
    """Grounding rows after curation, with their difficulty."""

    area_ratio: float = pa.Field(gt=0, le=1)
    distractors: pl.Int32 = pa.Field(ge=0)
    difficulty: float = pa.Field(ge=0, le=1)
    tier: str = pa.Field(isin=TIERS)


class Instructions(Target):
    instruction_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    screenshot_id: str = pa.Field(str_matches=HEX64)
    element_id: str = pa.Field(str_matches=HEX32)
    instruction: str = pa.Field(str_length={"min_value": 1})
    action_type: str = pa.Field(isin=ACTION_TYPES)
    action_args: str
    label: str
    role: str

    @pa.check("action_args")
    def is_json_object(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """action_args is a JSON object."""
        return data.lazyframe.select(pl.col(data.key).map_elements(_is_json_object, return_dtype=pl.Boolean))

    class Config:
        strict = True


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (TypeError, ValueError):
        return False


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
