"""The HF export loaded back offline by the real `datasets` loader: rows and images in two configs, each
screenshot stored once, joined as its README shows; instructions with typed action fields; how-to with
typed steps."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from schemas.config import ExportParams
from schemas.datasets import Howto
from schemas.errors import InputError
from schemas.registry import TABLES
from tests.transforms.publish.conftest import rows
from transforms.publish.export_hf import export_hf, hf_readme, howto_rows


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    return lambda folder, *config: load_dataset(str(folder), *config, cache_dir=str(tmp_path / "cache"))


def test_rows_and_images_load_offline_each_screenshot_once(curated, tmp_path, offline):
    frame = rows(curated, ExportParams(validation=0.4, test=0.0))
    out = tmp_path / "hf"
    counts = export_hf(frame, curated["screenshots"], out, ExportParams(shard_mb=1e-6))
    assert len(list((out / "data").glob("*.parquet"))) == frame.height  # a one-byte limit: a row a shard
    loaded, images = offline(out), offline(out, "images")
    assert {k: v.num_rows for k, v in loaded.items()} == counts
    stored = [sid for split in images.values() for sid in split["screenshot_id"]]
    assert sorted(stored) == sorted(frame["screenshot_id"].unique())  # every screenshot shown, once
    readme = (out / "README.md").read_text()
    size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    per_row = f"{size / frame.height:,.0f} bytes per row"
    assert f"Size (the Parquet files): {size:,} bytes for {frame.height:,} rows, {per_row}" in readme

    # the join the README shows, run as it is written
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1).replace('"PATH"', repr(str(out)))
    space = {"load": lambda path, *config, split: offline(path, *config)[split]}
    exec(code.replace("from datasets import load_dataset\n", "").replace("load_dataset(", "load("), space)
    joined = space["rows"]
    positive = next(r for r in joined if r["gt_type"] == "positive")
    assert {"is_icon", "difficulty", "origin"} <= set(positive)  # the rest of the common shape, as it is
    assert positive["image"].size == (positive["image_width"], positive["image_height"])
    x1, y1, x2, y2 = positive["bbox"]
    assert x1 <= positive["point"][0] <= x2 and y1 <= positive["point"][1] <= y2
    negatives = [r for split in loaded.values() for r in split if r["gt_type"] == "negative"]
    assert negatives and all(r["bbox"] == [] and r["point"] == [] for r in negatives)


def test_instructions_keep_typed_action_fields(curated, tmp_path, offline):
    frame = rows(curated, table="instructions")
    typed = {
        0: {"text": "Paris"},
        1: {"direction": "down", "to": "Help"},
        2: {"howto_id": "c" * 32, "step": 2, "goal": "Rename", "menu_path": ["File", "Rename"]},
    }
    frame = frame.with_columns(
        action_args=pl.Series([json.dumps(typed.get(k, {})) for k in range(frame.height)])
    )
    export_hf(frame, curated["screenshots"], tmp_path / "hf", ExportParams(), "instructions")
    splits = offline(tmp_path / "hf")
    features = next(iter(splits.values())).features
    assert str(features["action_args"]["text"]) == "Value('string')" and "step" in features["action_args"]
    loaded = {r["id"]: r for split in splits.values() for r in split}
    for k, args in typed.items():
        row = loaded[frame["id"][k]]
        assert row["action_type"] == frame["action_type"][k]
        assert {key: v for key, v in row["action_args"].items() if v is not None} == args
    assert set(loaded[frame["id"][3]]["action_args"].values()) == {None}

    unknown = frame.with_columns(action_args=pl.lit('{"speed": 3}'))
    with pytest.raises(InputError, match=r"action_args speed that schemas/datasets.py ACTION_ARGS does not"):
        export_hf(unknown, curated["screenshots"], tmp_path / "bad", ExportParams(), "instructions")


def _step(text: str, **kw) -> dict:
    empty = {"action_span": None, "target_span": None, "value_span": None, "menu_span": None}
    return {"text": text, "depth": 0, "menu_path": [], "ui": True, "n_matches": 0, **empty, **kw}


def test_howto_keeps_typed_steps_and_the_screens_of_its_steps(curated, tmp_path, offline):
    page, other = curated["screenshots"]["screenshot_id"][:2]
    box = {"x1": 10.0, "y1": 10.0, "x2": 110.0, "y2": 50.0, "element_id": "d" * 32, "n_matches": 1}
    steps = [
        _step("Choose File - Rename.", action="menu", menu_path=["File", "Rename"], grounding="absent"),
        _step("Click Save.", action="click", target="Save", grounding="grounded", screenshot_id=other, **box),
    ]
    howto = TABLES["howto"].frame(
        [
            {
                "howto_id": "e" * 32,
                "source_id": "t",
                "capture_id": "f" * 32,
                "screenshot_id": page,
                "page_path": "help.html",
                "goal": "Rename a project",
                "method": "list",
                "topic": "files",
                "ui_procedure": True,
                "replayed": True,
                "steps": [s["text"] for s in steps],
                "n_steps": 2,
                "typed_steps": steps,
            }
        ]
    )
    Howto.validate(howto)
    counts = export_hf(
        howto_rows(howto, curated["screenshots"], ExportParams()),
        curated["screenshots"],
        tmp_path / "hf",
        ExportParams(),
        "howto",
    )
    (split,) = counts
    row = offline(tmp_path / "hf")[split][0]
    assert row["goal"] == "Rename a project" and row["steps"] == howto["steps"][0].to_list()
    assert row["replayed"] is True  # replayed to its end in its application
    assert row["typed_steps"][0]["menu_path"] == ["File", "Rename"]
    assert row["typed_steps"][1]["grounding"] == "grounded" and row["typed_steps"][1]["x2"] == 110.0
    assert sorted(offline(tmp_path / "hf", "images")[split]["screenshot_id"]) == sorted([page, other])


def test_the_readme_takes_more_front_matter():
    text = hf_readme(
        {"default": {"train": "data/train-*"}}, "body\n", {"license": "other", "language": ["en"]}
    )
    import yaml

    header = yaml.safe_load(text.split("---\n")[1])
    assert header["configs"][0]["data_files"] == [{"split": "train", "path": "data/train-*"}]
    assert header["license"] == "other" and header["language"] == ["en"] and text.endswith("---\n\nbody\n")
