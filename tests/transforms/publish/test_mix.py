"""The export mix: caps per source, screenshot, perspective and action type, kinds and languages
rebalanced; deterministic, every row kept or dropped with its reason, nothing changed unless set."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from schemas.config import ConfigError, MixParams, load_params
from transforms.publish.mix import element_kind, mix, summary, unused_controls, with_icons


def rows(n_text: int = 50, n_icon: int = 10, n_field: int = 20, n_refusal: int = 5, **extra) -> pl.DataFrame:
    """Grounding-like rows on 4 screenshots of 2 sources, in the kinds asked for."""
    kinds = ["text"] * n_text + ["icon"] * n_icon + ["field"] * n_field + ["refusal"] * n_refusal
    n = len(kinds)
    frame = pl.DataFrame(
        {
            "grounding_id": [f"{i:032x}" for i in range(n)],
            "source_id": ["web" if i % 3 else "desk" for i in range(n)],
            "screenshot_id": [f"s{i % 4}" for i in range(n)],
            "element_id": [None if k == "refusal" else f"e{i}" for i, k in enumerate(kinds)],
            "perspective": [
                ("refusal" if k == "refusal" else ["text", "spatial"][i % 2]) for i, k in enumerate(kinds)
            ],
            "role": ["textbox" if k == "field" else "button" for k in kinds],
            "is_icon": [k == "icon" for k in kinds],
        }
    )
    return frame.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


def kinds_of(frame: pl.DataFrame) -> dict:
    return dict(frame.select(element_kind(frame)).to_series().value_counts().iter_rows())


def accounted(given: pl.DataFrame, kept: pl.DataFrame, dropped: pl.DataFrame) -> None:
    ids = set(given["grounding_id"])
    assert set(kept["grounding_id"]) | set(dropped["grounding_id"]) == ids
    assert kept.height + dropped.height == given.height
    assert kept.columns == given.columns and dropped.columns == [*given.columns, "mix_reason"]


def test_nothing_set_keeps_every_row_as_it_is():
    given = rows()
    kept, dropped = mix(given, MixParams())
    assert kept.equals(given) and dropped.is_empty() and "mix_reason" in dropped.columns
    assert summary(dropped) == "0"


def test_caps_hold_per_value_are_deterministic_and_stable_when_rows_are_added():
    given = rows()
    kept, dropped = mix(given, MixParams(per_screenshot=7, per_source={"desk": 5}))
    accounted(given, kept, dropped)
    assert kept["screenshot_id"].value_counts()["count"].max() <= 7
    assert kept.filter(pl.col("source_id") == "desk").height <= 5
    assert kept.filter(pl.col("source_id") == "web").height > 5  # a source not named is not capped
    assert set(dropped["mix_reason"]) == {"per_screenshot", "per_source"}
    again, _ = mix(given, MixParams(per_screenshot=7, per_source={"desk": 5}))
    assert again.equals(kept)
    # rows of another screenshot added: the rows kept on these screenshots stay the same
    more = pl.concat(
        [
            given,
            rows(5, 0, 0, 0).with_columns(
                pl.lit("s9").alias("screenshot_id"),
                (pl.lit("f") + pl.col("grounding_id").str.slice(1)).alias("grounding_id"),
            ),
        ]
    )
    kept_more, _ = mix(more, MixParams(per_screenshot=7))
    kept_less, _ = mix(given, MixParams(per_screenshot=7))
    assert set(kept_less["grounding_id"]) <= set(kept_more["grounding_id"])
    assert mix(given, MixParams(per_source={"desk": 0}))[0]["source_id"].unique().to_list() == ["web"]
    other_seed, _ = mix(given, MixParams(per_screenshot=7, seed=1))
    assert set(other_seed["grounding_id"]) != set(kept_less["grounding_id"])


def test_kinds_are_rebalanced_to_their_shares_without_repeating_rows_and_refusals_untouched():
    given = rows(n_text=50, n_icon=10, n_field=20, n_refusal=5)
    kept, dropped = mix(given, MixParams(kinds={"icon": 1, "text": 2, "field": 1}))
    accounted(given, kept, dropped)
    assert kinds_of(kept) == {"icon": 10, "text": 20, "field": 10, None: 5}
    assert kept["grounding_id"].is_unique().all() and set(dropped["mix_reason"]) == {"kinds"}
    # after a cap the shares still hold and so does the cap
    capped, _ = mix(given, MixParams(per_perspective={"text": 20}, kinds={"icon": 1, "text": 1}))
    assert capped.filter(pl.col("perspective") == "text").height <= 20
    counted, after_cap = kinds_of(capped), kinds_of(mix(given, MixParams(per_perspective={"text": 20}))[0])
    assert counted["icon"] == counted["text"] > 0
    assert counted["field"] == after_cap["field"]  # a kind not named keeps every row the cap left


def test_languages_rebalance_where_rows_have_them_and_do_nothing_with_a_note_where_not():
    given = rows(n_text=40, n_icon=0, n_field=0, n_refusal=0)
    params = MixParams(languages={"en": 1, "de": 1}, per_action_type=3)
    kept, dropped = mix(given, params)
    assert kept.equals(given) and dropped.is_empty()
    assert unused_controls(given, params) == [
        "mix.per_action_type does nothing: the rows have no `action_type` column",
        "mix.languages does nothing: the rows have no `language` column",
    ]
    spoken = rows(40, 0, 0, 0, language=["en"] * 30 + ["de"] * 6 + [None] * 4)
    kept, dropped = mix(spoken, MixParams(languages={"en": 1, "de": 1}))
    assert dict(kept["language"].value_counts().iter_rows()) == {"en": 6, "de": 6, None: 4}
    assert summary(dropped) == "24 (languages 24)"


def test_instruction_rows_get_their_icons_from_the_grounding_rows_of_the_element():
    grounding = rows(0, 3, 0, 0)
    instructions = grounding.drop("is_icon", "grounding_id").with_columns(
        instruction_id=pl.col("element_id"), action_type=pl.lit("click")
    )
    with_kinds = with_icons(instructions, grounding)
    assert kinds_of(with_kinds) == {"icon": 3}
    kept, dropped = mix(with_kinds, MixParams(per_action_type={"click": 1}))
    assert kept.height == 1 and summary(dropped) == "2 (per_action_type 2)"


@pytest.mark.parametrize(
    "section, problem",
    [
        ("per_source: -1", "mix.per_source"),
        ("kinds: {icon: 0, text: 0}", "every share is 0"),
        ("kinds: {icons: 1}", "mix.kinds.icons"),
    ],
)
def test_bad_mix_settings_are_one_line(tmp_path: Path, section: str, problem: str):
    path = tmp_path / "params.yaml"
    path.write_text(f"mix:\n  {section}\n")
    with pytest.raises(ConfigError) as caught:
        load_params(path)
    assert "\n" not in str(caught.value) and problem in str(caught.value)
