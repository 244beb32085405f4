"""The baseline grounder clicks the element whose words best match the expression: it hits a uniquely
named target, misses one whose words another element shares first or that shares no word at all."""

from __future__ import annotations

import polars as pl

from tests.transforms.elements import el, frames
from transforms.curate.baseline import baseline_hits, words

ELEMENTS = (
    el(1, "a", "link", text="Read more", box=(10, 100, 90, 120)),
    el(2, "a", "link", text="Read more", box=(10, 300, 90, 320)),  # the same words, later on the page
    el(3, "button", "button", text="Subscribe to the newsletter", box=(400, 10, 600, 50)),
    el(
        4, "p", "paragraph", text="Subscribe today and read more about our newsletter", box=(0, 500, 800, 600)
    ),
    el(5, "button", "button", text="", name="", aria_label="Search the site", box=(1200, 10, 1230, 40)),
)


def rows(*targets: tuple[str, tuple[float, float, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"grounding_id": f"g{i}", "screenshot_id": "a" * 64, "expression": text, "x1": b[0], "y1": b[1]}
            | {"x2": b[2], "y2": b[3]}
            for i, (text, b) in enumerate(targets)
        ]
    )


def test_filler_words_are_dropped_and_each_word_counted_once():
    got = pl.select(words(pl.lit("Click the 'Read more' link, read MORE"))).item().to_list()
    assert sorted(got) == ["more", "read"]


def test_unique_words_hit_shared_words_go_to_the_first_element_and_no_shared_word_misses():
    elements, _ = frames(*ELEMENTS)
    graded = rows(
        ("click the 'Subscribe to the newsletter' button", (400, 10, 600, 50)),  # the button, not the text
        ("the 'Read more' link", (10, 100, 90, 120)),  # the first of two: hit
        ("the second 'Read more' link", (10, 300, 90, 320)),  # "second" is in no element: the first wins
        ("the search icon", (1200, 10, 1230, 40)),  # its aria-label
        ("the gear icon at the top", (1240, 10, 1270, 40)),  # no element says gear or top
    )
    hits = baseline_hits(graded, elements)
    assert hits["grounding_id"].to_list() == ["g0", "g1", "g2", "g3", "g4"]
    assert hits["baseline_hit"].to_list() == [True, True, False, True, False]
    assert baseline_hits(graded.reverse(), elements.reverse()).sort("grounding_id").equals(hits)
