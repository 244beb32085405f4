"""Licence, provenance and language on published rows; the capture time that reruns keep; the run
summary's licence warning; the HF card's front matter, read back with yaml."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl
import pytest
import yaml

from schemas import registry
from schemas.config import LANGUAGES, CurateParams, ExportParams
from tests.transforms.elements import el, png, source_tables
from transforms.curate.stage import curate_stage
from transforms.publish.export import hf_card_metadata, hub_license, training_rows
from transforms.publish.export_hf import export_hf
from transforms.publish.provenance import (
    Stamp,
    detect_languages,
    first_captured,
    pipeline_version,
    with_provenance,
)
from transforms.publish.summary import licence_lines

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def at(hour: int) -> datetime:
    return T0.replace(hour=hour)


def times(rows: dict[str, datetime], column: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"capture_id": list(rows), column: list(rows.values())},
        schema={"capture_id": pl.String, column: pl.Datetime("us", "UTC")},
    )


def test_a_capture_keeps_the_time_it_was_first_captured():
    captures = pl.DataFrame({"capture_id": ["kept", "logged", "imported", "epoch"]})
    previous = times({"kept": at(1)}, "captured_at")
    log = times({"kept": at(9), "logged": at(5), "epoch": datetime.fromtimestamp(0, UTC)}, "started_at")
    got = dict(first_captured(captures, previous, log, now=at(12)).iter_rows())
    # published before: kept, though this run captured it again; else the run log; else the publish time
    assert got == {"kept": at(1), "logged": at(5), "imported": at(12), "epoch": at(12)}


def test_languages_are_iso_codes_and_null_where_unsure():
    texts = pl.Series(
        ["Klicken Sie auf die Schaltfläche Speichern", "Ouvrir le fichier et choisir Enregistrer", "OK", None]
    )
    texts = pl.concat([texts, pl.Series(["Open the file menu and choose Save as"])])
    assert detect_languages(texts, 0.6, LANGUAGES).to_list() == ["de", "fr", None, None, "en"]
    assert detect_languages(pl.Series([], dtype=pl.String), 0.6, LANGUAGES).to_list() == []
    # among every language it knows, the detector takes a short English command for Welsh
    commands = pl.Series(["add a todo"])
    assert detect_languages(commands, 0.0).to_list() == ["cy"]
    assert detect_languages(commands, 0.0, LANGUAGES).to_list() == ["en"]


PAGES = {
    f"{k:032x}": (
        png(fills=[((10 * k, 100, 10 * k + 300, 140), (20 * k, 90, 200))]),
        [
            el(1, "button", "button", text="Save the document", box=(10, 10, 210, 50)),
            el(2, "a", "link", text=f"Read chapter {k} of the manual", box=(300, 10, 560, 30)),
        ],
    )
    for k in range(1, 4)
}


@pytest.fixture(scope="module")
def published() -> dict[str, pl.DataFrame]:
    curated = curate_stage(source_tables(PAGES, refusals=1), "t", CurateParams()).tables
    captured = first_captured(
        curated["captures"], times({}, "captured_at"), times({}, "started_at"), now=at(7)
    )
    return with_provenance(curated, captured, Stamp("CC-BY-4.0", pipeline_version(), 0.6, LANGUAGES))


@pytest.mark.parametrize("table", sorted(registry.PUBLISHED_FORM))
def test_published_forms_carry_licence_page_time_and_version(published, table):
    frame = published[table]
    form = registry.table(registry.PUBLISHED_FORM[table])
    assert frame.schema == form.schema
    form.model.validate(frame, lazy=True)
    assert frame[form.row_id].is_sorted()  # in curate's order: the same rows give the same bytes
    if frame.height:
        row = frame.row(0, named=True)
        assert (row["license"], row["source_id"], row["captured_at"]) == ("CC-BY-4.0", "t", at(7))
        assert row["pipeline_version"] == pipeline_version() == "0.1.0"


def test_rows_name_the_page_their_screenshot_was_captured_from(published):
    pages = published["screenshots"].join(
        published["captures"].select("capture_id", captured_page="page_path"), on="capture_id"
    )
    assert (pages["page_path"] == pages["captured_page"]).all() and pages.height == len(PAGES)
    grounding = published["grounding"].join(
        pages.select("screenshot_id", shot_page="page_path"), on="screenshot_id"
    )
    assert grounding.height == published["grounding"].height > 0
    assert (grounding["page_path"] == grounding["shot_page"]).all()
    assert grounding["language"].drop_nulls().unique().to_list() == ["en"]


def test_the_run_summary_names_each_licence_and_warns_of_unknown_ones():
    con = duckdb.connect()
    con.execute(
        "create table captures as select * from (values ('site', 'CC0-1.0'), ('web', 'unknown'), "
        "('docs', 'unknown'), ('site', 'CC0-1.0')) t(source_id, license)"
    )
    assert licence_lines(con) == [
        "  licences:         CC0-1.0 (site); unknown (docs, web)",
        "  WARNING: licence unknown for docs, web: declare `license:` (an SPDX id) for each in "
        "sources.yaml before you share their rows",
    ]
    con.execute("create or replace table captures as select 'site' as source_id")  # published before
    assert licence_lines(con) == []


def front_matter(readme: str) -> dict:
    assert readme.startswith("---\n")
    return yaml.safe_load(readme.split("---\n")[1])


def test_the_hf_card_carries_licence_tasks_languages_size_and_sources(published, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    rows = training_rows(published["grounding"], published["screenshots"], "grounding", ExportParams())
    assert {"license", "page_path", "captured_at", "pipeline_version", "language"} <= set(rows.columns)
    export_hf(
        rows, published["screenshots"], tmp_path / "hf", ExportParams(), "grounding", hf_card_metadata(rows)
    )
    readme = (tmp_path / "hf" / "README.md").read_text()
    meta = front_matter(readme)
    assert meta["license"] == "cc-by-4.0" and meta["task_categories"] == ["image-text-to-text"]
    assert meta["language"] == ["en"] and meta["size_categories"] == ["n<1K"]
    assert meta["sources"] == [{"source_id": "t", "license": "CC-BY-4.0", "rows": rows.height}]
    assert [c["split"] for c in meta["configs"][0]["data_files"]] == rows["split"].unique(
        maintain_order=True
    ).to_list()
    assert f"| t | CC-BY-4.0 | {rows.height:,} |" in readme
    # two sources under two licences: `other`, and the table says which is which
    mixed = pl.concat([rows, rows.with_columns(source_id=pl.lit("u"), license=pl.lit("MIT"))])
    meta = hf_card_metadata(mixed.with_columns(pl.lit(None, pl.String).alias("language")))
    assert meta["license"] == "other" and "language" not in meta
    assert meta["license_name"] == "per-source"
    assert [hub_license(x) for x in ("CC0-1.0", "unknown", "proprietary", "MIT OR Apache-2.0")] == [
        "cc0-1.0",
        "unknown",
        "other",
        "other",
    ]
    assert [(s["source_id"], s["license"]) for s in meta["sources"]] == [("t", "CC-BY-4.0"), ("u", "MIT")]
