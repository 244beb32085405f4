"""The annotator that params.yaml asks for, and the usage table every annotator reports."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.config import AnnotateParams
from transforms.annotate.model import ModelAnnotator
from transforms.annotate.phrases import Annotator
from transforms.annotate.template import TemplateAnnotator

USAGE_SCHEMA = {
    "source_id": pl.String,
    "annotator": pl.String,
    "requests": pl.Int64,
    "cache_hits": pl.Int64,
    "retries": pl.Int64,
    "failures": pl.Int64,
    "prompt_tokens": pl.Int64,
    "completion_tokens": pl.Int64,
    "cost_usd": pl.Float64,
}


def build_annotator(params: AnnotateParams, root: Path) -> Annotator:
    if params.annotator == "template":
        return TemplateAnnotator(params)
    if params.annotator == "model":
        return ModelAnnotator(params.model, root)
    raise ValueError(f"annotate.annotator: {params.annotator!r} is not one of 'template', 'model'")


def usage_table(annotator: Annotator, source_id: str) -> pl.DataFrame:
    """One row: requests, cache hits, retries, failures, tokens and cost (zeros for the template
    annotator)."""
    row = {k: 0 for k in USAGE_SCHEMA} | annotator.usage(source_id)
    return pl.DataFrame([row], schema=USAGE_SCHEMA)
