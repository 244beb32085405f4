"""A baseline grounder: the element whose words best match the instruction's words, clicked at its centre.

The offline stand-in for a grounding model (difficulty is checked against what it misses). It reads the
screenshot's elements, not its pixels: each element's words (visible text, accessible name, aria-label,
alt, title, placeholder) against the expression's words, less a short list of filler words ("click
the ... button"). The score is the overlap over the geometric mean of the two word counts (the cosine of
the two word sets), so an element naming exactly the quoted words wins over a paragraph that contains
them. The best element is clicked at its centre; ties go to the first element in reading order, as a
grounder with nothing else to go on would click; an expression sharing no word with any element is a
miss. A row is a hit when the click falls inside its box, the rule ScreenSpot scores models by.
Deterministic and pure: the same frames give the same hits.
"""

from __future__ import annotations

import polars as pl

# Words of the phrasing templates and instructions that name no element: verbs, articles, role nouns.
FILLER = (
    "a an the this that to of on in at for and or with its it by from into onto "
    "click tap press select choose open go use find type enter hover scroll drag toggle check uncheck "
    "button link field box icon image tab menu item option checkbox switch heading list drop down "
    "labelled labeled named called shows showing says saying text reads"
).split()
WORD_FIELDS = ("text", "name", "aria_label", "alt", "title", "placeholder")


def words(text: pl.Expr) -> pl.Expr:
    """Lower-case word tokens (letters and digits) of a text, filler words removed, each once."""
    return (
        text.fill_null("")
        .str.to_lowercase()
        .str.extract_all(r"[\p{L}\p{N}]+")
        .list.set_difference(pl.lit(FILLER, dtype=pl.List(pl.String)))
        .list.unique()
    )


def baseline_hits(grounding: pl.DataFrame, elements: pl.DataFrame) -> pl.DataFrame:
    """Positive grounding rows (grounding_id, screenshot_id, expression, x1, y1, x2, y2) and the elements
    of their screenshots in; grounding_id and `baseline_hit` (bool) out, one row per grounding row."""
    rows = grounding.filter(pl.col("x1").is_not_null()).select(
        "grounding_id", "screenshot_id", "x1", "y1", "x2", "y2", _words=words(pl.col("expression"))
    )
    present = [f for f in WORD_FIELDS if f in elements.columns]
    order = [c for c in ("screenshot_id", "part_index", "element_index") if c in elements.columns]
    candidates = (
        elements.sort(order)
        .with_row_index("_order")
        .select(
            "screenshot_id",
            "_order",
            _cx=(pl.col("x1") + pl.col("x2")) / 2,
            _cy=(pl.col("y1") + pl.col("y2")) / 2,
            _e=words(pl.concat_str([pl.col(f).fill_null("") for f in present], separator=" ")),
        )
        .filter(pl.col("_e").list.len() > 0)
    )
    row_words = rows.select("grounding_id", "screenshot_id", _w=pl.col("_words")).explode("_w")
    element_words = candidates.select("screenshot_id", "_order", _w=pl.col("_e")).explode("_w")
    overlap = (
        row_words.join(element_words, on=["screenshot_id", "_w"])
        .group_by("grounding_id", "_order")
        .agg(shared=pl.len())
    )
    best = (
        overlap.join(candidates.select("_order", "_cx", "_cy", n_e=pl.col("_e").list.len()), on="_order")
        .join(rows.select("grounding_id", n_w=pl.col("_words").list.len()), on="grounding_id")
        .with_columns(match=pl.col("shared") / (pl.col("n_e") * pl.col("n_w")).sqrt())
        .sort("grounding_id", "match", "_order", descending=[False, True, False])
        .group_by("grounding_id", maintain_order=True)
        .first()
        .select("grounding_id", "_cx", "_cy")
    )
    inside = pl.col("_cx").is_between(pl.col("x1"), pl.col("x2")) & pl.col("_cy").is_between(
        pl.col("y1"), pl.col("y2")
    )
    return rows.join(best, on="grounding_id", how="left").select(
        "grounding_id", baseline_hit=inside.fill_null(False)
    )
