"""The annotator that params.yaml asks for, and the usage table every annotator reports."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.config import AnnotateParams
from schemas.registry import schema
from transforms.annotate.ground import ModelChecked
from transforms.annotate.model import ModelAnnotator
from transforms.annotate.phrases import Annotator
from transforms.annotate.template import TemplateAnnotator


def build_annotator(params: AnnotateParams, cache: Path) -> Annotator:
    """The annotator params name, wrapped in model verification when `model_check` is on; `cache` is
    where the model's replies are kept."""
    if params.annotator == "template":
        annotator: Annotator = TemplateAnnotator(params)
    elif params.annotator == "model":
        annotator = ModelAnnotator(params.model, cache)
    else:
        raise ValueError(f"annotate.annotator: {params.annotator!r} is not one of 'template', 'model'")
    if params.model_check:
        return ModelChecked(annotator, params.model, cache, params.model_check_coordinates)
    return annotator


def usage_table(annotator: Annotator, source_id: str) -> pl.DataFrame:
    """One row: requests, cache hits, retries, failures, tokens and cost (zeros for the template
    annotator)."""
    row = {k: 0 for k in schema("model_usage")} | annotator.usage(source_id)
    return pl.DataFrame([row], schema=schema("model_usage"))
