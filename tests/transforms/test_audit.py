"""The audit re-checks published rows from the published tables alone, and draws what it sampled."""

from __future__ import annotations

import polars as pl

from tests.transforms.elements import annotated, el, frames, png
from transforms.audit import recheck, sample_rows, write_report

ROWS = (
    el(1, "button", "button", text="Save", box=(100, 100, 200, 140), css_path="body>form>button"),
    el(2, "a", "link", text="Help", box=(300, 100, 360, 120), css_path="body>a:nth-of-type(1)"),
    el(
        3,
        "p",
        "paragraph",
        text="Read the terms",
        interactive=False,
        box=(100, 300, 400, 320),
        css_path="body>p",
    ),
    # A link drawn over the paragraph's middle, though not inside it in the page.
    el(4, "a", "link", text="terms", box=(230, 300, 270, 320), css_path="body>a:nth-of-type(2)"),
)


def published():
    out = annotated(*ROWS)
    elements, shots = frames(*ROWS)
    shots = shots.with_columns(png=pl.lit(png(), dtype=pl.Binary))
    grounding = out.grounding.filter(pl.col("quality_flags").list.len() == 0)
    return grounding, elements, shots


def test_published_rows_pass_and_tampered_ones_fail_the_recheck():
    grounding, elements, shots = published()
    checked = recheck(grounding, elements, shots)
    by_text = {r["expression"]: r for r in checked.rows.iter_rows(named=True)}
    assert not by_text['the "Save" button']["recheck_fail"] and not by_text['the "Save" button']["hit_fail"]
    # The paragraph's centre lies on another control: a click there would follow the link.
    assert by_text['the text "Read the terms"']["hit_fail"]
    # An expression that names another element than the row's.
    swapped = grounding.with_columns(
        expression=pl.when(pl.col("expression") == 'the "Save" button')
        .then(pl.lit('the "Help" link'))
        .otherwise(pl.col("expression"))
    )
    again = recheck(swapped, elements, shots).rows
    assert again.filter(pl.col("grounding_id") == by_text['the "Save" button']["grounding_id"])[
        "recheck_fail"
    ][0]
    summary = {r["perspective"]: r for r in checked.summary.iter_rows(named=True)}
    assert summary["all"]["rows"] == grounding.height
    failing = checked.rows.filter(pl.col("hit_fail")).get_column("element_id").unique().to_list()
    assert (
        failing == [f"{3:032x}"] and summary["all"]["hit_fail"] >= 1 and summary["text"]["recheck_fail"] == 0
    )
    assert summary["text"]["vocabulary"] > 0 and summary["text"]["mean_words"] > 0


def test_the_report_draws_a_deterministic_sample_per_perspective(tmp_path):
    grounding, elements, shots = published()
    checked = recheck(grounding, elements, shots)
    first = sample_rows(checked.rows, 2, seed=1)
    assert first.equals(sample_rows(checked.rows.reverse(), 2, seed=1))
    assert first.group_by("perspective").len().get_column("len").max() <= 2
    report = write_report(checked, shots, tmp_path, 2, 1)
    overlays = sorted(tmp_path.glob("*.png"))
    assert len(overlays) == first.height and overlays[0].read_bytes().startswith(b"\x89PNG")
    assert "| perspective |" in report.read_text() and (tmp_path / "audit.json").exists()
