"""The registry of tables: every table's Polars schema comes from its pandera model, once."""

from __future__ import annotations

import polars as pl
import pytest

from schemas import registry
from schemas.capture import COUNTED_EXCLUSIONS, EXCLUSION_REASONS
from schemas.datasets import PERSPECTIVES, PHRASED_PERSPECTIVES
from transforms.annotate.phrases import VARIANTS


@pytest.mark.parametrize("name", sorted(registry.TABLES))
def test_schema_is_the_models_columns_and_an_empty_frame_passes_the_model(name):
    table = registry.table(name)
    columns = table.model.to_schema().columns
    assert set(table.schema) == set(columns)
    assert all(table.schema[c] == columns[c].dtype.type for c in columns)
    table.model.validate(table.empty())  # the derived dtypes are the ones the contract checks


def test_a_tables_own_id_comes_first_and_its_box_last():
    assert list(registry.schema("grounding"))[0] == "grounding_id"
    assert list(registry.schema("elements"))[-4:] == ["x1", "y1", "x2", "y2"]
    assert list(registry.schema("grounding"))[-1] == "image_height"


def test_content_ids_name_columns_the_table_has():
    for table in registry.TABLES.values():
        for part in table.id_from:
            for column in part if isinstance(part, list) else [part]:
                assert column in table.schema, (table.name, column)


def test_every_published_table_is_registered_with_its_curated_form():
    assert set(registry.PUBLISHED) <= set(registry.TABLES)
    assert set(registry.published_schema("grounding")) > set(registry.schema("grounding"))
    assert "cluster_id" in registry.published_schema("screenshots")


def test_enumerations_come_from_the_models_checks():
    assert registry.table("grounding").enums["perspective"] == PERSPECTIVES
    assert registry.table("excluded_elements").enums["reason"] == EXCLUSION_REASONS
    # the capture table counts every exclusion reason, over_cap included, in its own column
    assert {f"excluded_{r}" for r in COUNTED_EXCLUSIONS} <= set(registry.schema("captures"))
    # the annotator phrases exactly the perspectives the contract knows
    assert set(VARIANTS["grounding"]) == set(PHRASED_PERSPECTIVES) < set(PERSPECTIVES)


def test_conform_orders_casts_and_fills_missing_columns():
    frame = pl.DataFrame({"reason": ["x"], "source_id": ["s"], "table": ["t"], "check": ["c"]})
    conformed = registry.table("quarantine").conform(frame)
    assert conformed.schema == registry.schema("quarantine")
    assert conformed.row(0, named=True)["row_id"] is None


def test_an_unknown_table_is_a_clear_error():
    with pytest.raises(KeyError, match="no table named 'groundings'"):
        registry.table("groundings")
