"""Checks across rows and tables that a per-table contract cannot make: ids are the content hashes they
claim, rows point at a screenshot (and element) that exists, and boxes are on the image they name.
Each failure is a quarantine row with the check, the column and the offending value."""

from __future__ import annotations

import polars as pl

from schemas import registry
from schemas.registry import schema
from transforms.ids import content_ids, sha256_hex


def _quarantine(
    bad: pl.DataFrame, table: str, row_id: str, check: str, column: str, value: pl.Expr, reason: str
) -> pl.DataFrame:
    return bad.select(
        "source_id",
        pl.lit(table).alias("table"),
        pl.col(row_id).cast(pl.String).alias("row_id"),
        pl.lit(check).alias("check"),
        pl.lit(column).alias("column"),
        value.cast(pl.String).str.slice(0, 500).alias("value"),
        pl.lit(f"{table}: {reason}").alias("reason"),
    ).cast(schema("quarantine"))


def _split(
    frame: pl.DataFrame,
    ok: pl.Series,
    table: str,
    row_id: str,
    check: str,
    column: str,
    value: pl.Expr,
    reason: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    ok = ok.fill_null(False)
    return frame.filter(ok), _quarantine(frame.filter(~ok), table, row_id, check, column, value, reason)


def check_ids(frame: pl.DataFrame, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose id is the content hash of their own columns; the others quarantined."""
    if frame.is_empty():
        return frame, pl.DataFrame(schema=schema("quarantine"))
    if table == "screenshots":
        expected = pl.Series([sha256_hex(png) for png in frame["png"]], dtype=pl.String)
        id_column = "screenshot_id"
        return _split(
            frame,
            frame[id_column] == expected,
            table,
            "capture_id",
            "id_is_content_hash",
            id_column,
            pl.col(id_column),
            "screenshot_id is not the sha256 of png",
        )
    id_column = registry.table(table).row_id
    return _split(
        frame,
        frame[id_column] == content_ids(frame, table),
        table,
        id_column,
        "id_is_content_hash",
        id_column,
        pl.col(id_column),
        f"{id_column} is not the content hash of its row",
    )


def _ref_checks(table: str, columns: list[str], element_ids: pl.Series | None) -> list[tuple]:
    """(check, column, ok(frame) -> Series, value shown, reason) for each reference a table's rows make;
    `_w` and `_h` are the size of the screenshot a row names."""
    nullable = table == "howto"  # a procedure may have no screenshot
    checks = [
        (
            "screenshot_exists",
            "screenshot_id",
            lambda j: j["_w"].is_not_null() | (j["screenshot_id"].is_null() if nullable else False),
            pl.col("screenshot_id"),
            "screenshot_id names no screenshot of this source",
        )
    ]
    if element_ids is not None and "element_id" in columns:
        checks.append(
            (
                "element_exists",
                "element_id",
                lambda j: j["element_id"].is_in(element_ids.implode()) | j["element_id"].is_null(),
                pl.col("element_id"),
                "element_id names no element of this source",
            )
        )
    if table == "elements":
        checks.append(
            (
                "box_inside_screenshot",
                "x2",
                lambda j: (j["x2"] <= j["_w"]) & (j["y2"] <= j["_h"]),
                pl.format("box to ({}, {}) on {}x{}", "x2", "y2", "_w", "_h"),
                "box reaches beyond its screenshot",
            )
        )
    if "image_width" in columns:
        checks.append(
            (
                "image_size_matches",
                "image_width",
                lambda j: (j["image_width"] == j["_w"]) & (j["image_height"] == j["_h"]),
                pl.format("{}x{} (screenshot {}x{})", "image_width", "image_height", "_w", "_h"),
                "image size differs from the screenshot's",
            )
        )
    return checks


def check_refs(
    frame: pl.DataFrame,
    table: str,
    row_id: str,
    screenshots: pl.DataFrame,
    elements: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows that point at an existing screenshot (and element, where they name one), drawn on an image
    of that screenshot's size; the others quarantined, each with the first check it fails."""
    sizes = screenshots.select("screenshot_id", pl.col("width").alias("_w"), pl.col("height").alias("_h"))
    joined = frame.join(sizes, on="screenshot_id", how="left")
    element_ids = elements["element_id"] if elements is not None else None
    bad = []
    for check, column, ok, value, reason in _ref_checks(table, frame.columns, element_ids):
        joined, q = _split(joined, ok(joined), table, row_id, check, column, value, reason)
        bad.append(q)
    return joined.drop("_w", "_h"), pl.concat(bad)
