"""What the export tests share: a small curated source (six pages of real PNGs, one refusal per page) and
its rows in the exports' common shape."""

from __future__ import annotations

import polars as pl
import pytest

from schemas.config import CurateParams, ExportParams
from tests.transforms.elements import el, png, source_tables
from transforms.curate.stage import curate_stage
from transforms.publish.export import training_rows

NAV = [
    el(1, "button", "button", text="Save", box=(10, 10, 110, 50)),
    el(2, "a", "link", text="Help", box=(200, 10, 260, 30)),
]


@pytest.fixture(scope="package")
def curated():
    pages = {
        f"{k:032x}": (
            png(fills=[((10 * k, 100, 10 * k + 300, 140), (20 * k, 90, 200))]),
            [*NAV, el(3, "a", "link", text=f"Chapter {k}", box=(400, 10, 500, 30))],
        )
        for k in range(1, 7)
    }
    return curate_stage(source_tables(pages, refusals=1), "t", CurateParams()).tables


def rows(curated, params=ExportParams(), table: str = "grounding") -> pl.DataFrame:
    return training_rows(curated[table], curated["screenshots"], table, params)
