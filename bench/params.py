"""The curate parameters of params.yaml for the calibration scripts.

Read as flows/settings.py reads them, but without importing flows/, which imports Prefect: five
seconds of every calibration's start, for two numbers.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from transforms.curate.difficulty import DifficultyParams
from transforms.curate.near_dup import NearDupParams

PARAMS = Path(__file__).resolve().parents[1] / "params.yaml"


def curate_params(path: Path = PARAMS) -> tuple[DifficultyParams, NearDupParams]:
    doc = yaml.safe_load(path.read_text()) or {}
    return DifficultyParams(**doc.get("difficulty", {})), NearDupParams.from_dict(doc.get("near_dup"))
