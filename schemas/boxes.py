"""Base models for tables that carry a box in screenshot pixels, with the checks every box must pass."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl


class Boxed(pa.DataFrameModel):
    x1: float = pa.Field(ge=0)
    y1: float = pa.Field(ge=0)
    x2: float
    y2: float

    @pa.dataframe_check
    def box_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """x1 < x2 and y1 < y2: the box is ordered and not degenerate."""
        return data.lazyframe.select((pl.col("x1") < pl.col("x2")) & (pl.col("y1") < pl.col("y2")))


class Target(Boxed):
    """A box on a known image with the point to click. Rows may have no box at all (a refusal row names
    something that is not on the image); a box that is there must pass every check."""

    x1: float = pa.Field(ge=0, nullable=True)
    y1: float = pa.Field(ge=0, nullable=True)
    x2: float = pa.Field(nullable=True)
    y2: float = pa.Field(nullable=True)
    click_x: float = pa.Field(nullable=True)
    click_y: float = pa.Field(nullable=True)
    image_width: pl.Int32 = pa.Field(gt=0)
    image_height: pl.Int32 = pa.Field(gt=0)

    @pa.dataframe_check
    def box_complete(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A box has all four corners and a click point, or none of them."""
        cols = ["x1", "y1", "x2", "y2", "click_x", "click_y"]
        return data.lazyframe.select(
            pl.all_horizontal(pl.col(cols).is_null()) | pl.all_horizontal(pl.col(cols).is_not_null())
        )

    @pa.dataframe_check
    def box_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """x1 < x2 and y1 < y2 where there is a box."""
        return data.lazyframe.select(
            pl.col("x1").is_null() | ((pl.col("x1") < pl.col("x2")) & (pl.col("y1") < pl.col("y2")))
        )

    @pa.dataframe_check
    def box_inside_image(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The box lies inside the image it is drawn on."""
        return data.lazyframe.select(
            pl.col("x1").is_null()
            | ((pl.col("x2") <= pl.col("image_width")) & (pl.col("y2") <= pl.col("image_height")))
        )

    @pa.dataframe_check
    def click_inside_box(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The click point falls inside the target box."""
        return data.lazyframe.select(
            pl.col("x1").is_null() & pl.col("click_x").is_null()
            | (
                pl.col("click_x").is_between(pl.col("x1"), pl.col("x2"))
                & pl.col("click_y").is_between(pl.col("y1"), pl.col("y2"))
            ).fill_null(False)
        )
