"""The curate sections of params.yaml: difficulty (with its optional model-based refinement) and near
duplicates (schemas/config.py imports them: callers import them from there).

Only pydantic and the standard library: the CLI imports this before anything heavy."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, StrictBool, model_validator

from schemas.config_annotate import AnyCount, Bits, Count, Frozen, ModelParams, Share


class PerspectiveFactors(Frozen):
    """The perspective factor of each phrased perspective, in [0, 1]."""

    text: float = Field(default=0.0, ge=0, le=1)
    appearance: float = Field(default=0.25, ge=0, le=1)
    function: float = Field(default=0.25, ge=0, le=1)
    intent: float = Field(default=0.25, ge=0, le=1)
    spatial: float = Field(default=1.0, ge=0, le=1)


class EmpiricalParams(Frozen):
    """Optional empirical difficulty: a grounding model behind the OpenAI-compatible backend (`model`) is
    asked `samples` times per positive grounding row; its miss rate is blended into the score."""

    enabled: StrictBool = False
    samples: int = Field(default=4, ge=1)  # k: requests per row, each with its own seed
    temperature: float = Field(default=0.7, ge=0)
    blend: float = Field(default=0.5, ge=0, le=1)  # difficulty = (1 - blend) * formula + blend * miss rate
    scale: Literal["pixels", "norm1", "norm1000"] = "pixels"  # how the model writes its point
    model: ModelParams = ModelParams(cache_dir="data/cache/empirical")


class DifficultyParams(Frozen):
    weight_area: float = Field(default=0.9, ge=0, le=1)
    weight_resolution: float = Field(default=0.5, ge=0, le=1)
    weight_distractors: float = Field(default=0.45, ge=0, le=1)
    weight_clutter: float = Field(default=0.15, ge=0, le=1)
    weight_icon: float = Field(default=0.3, ge=0, le=1)
    weight_perspective: float = Field(default=0.5, ge=0, le=1)
    weight_implicit: float = Field(default=0.15, ge=0, le=1)
    area_easy: float = Field(default=0.01, gt=0, le=1)  # target / screen area where the area factor is 0
    area_hard: float = Field(default=0.0001, gt=0, le=1)  # ... and where it is 1 (log scale between)
    distractor_cap: int = Field(default=1, ge=1)
    clutter_cap: int = Field(default=30, ge=1)
    perspective: PerspectiveFactors = PerspectiveFactors()
    empirical: EmpiricalParams = EmpiricalParams()
    tier_medium: Share = 0.38  # score >= this is medium
    tier_hard: Share = 0.6  # score >= this is hard

    @model_validator(mode="after")
    def _tiers_in_order(self) -> DifficultyParams:
        if self.tier_medium > self.tier_hard:
            raise ValueError("tier_medium is above tier_hard: medium must start at or below hard")
        if self.area_hard >= self.area_easy:
            raise ValueError("area_hard is not below area_easy: the area factor needs area_hard < area_easy")
        return self

    @model_validator(mode="after")
    def ordered(self) -> DifficultyParams:
        if not self.area_hard < self.area_easy:
            raise ValueError(
                f"difficulty: area_hard {self.area_hard} must be below area_easy {self.area_easy}"
            )
        if not 0 < self.tier_medium < self.tier_hard <= 1:
            raise ValueError(
                f"difficulty: need 0 < tier_medium {self.tier_medium} < tier_hard {self.tier_hard} <= 1"
            )
        return self


class MinHashParams(Frozen):
    ngram: Count = 2  # words per shingle
    num_perm: Count = 64  # signature length
    bands: Count = 16  # bands x rows = num_perm; P(candidate) = 1 - (1 - J^rows)^bands
    threshold: Share = 0.7  # estimated Jaccard similarity at which two texts are near duplicates
    seed: AnyCount = 1


class NearDupParams(Frozen):
    phash_radius: Bits = 6  # Hamming radius (bits of 64); calibrated, see README
    iou: Share = 0.5  # boxes at least this much overlapping name the same target
    text: MinHashParams = MinHashParams()


class CurateParams(Frozen):
    difficulty: DifficultyParams = DifficultyParams()
    near_dup: NearDupParams = NearDupParams()
    workers: Count = Field(default_factory=lambda: os.cpu_count() or 1)  # threads decoding screenshots
