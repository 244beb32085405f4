"""Chat and RL exports on screenshots of odd sizes: absolute coordinates in pixels of the images as written
(resized by the model's rule), relative ones in thousandths; the RL Parquet read back with pyarrow in the
shape verl's RLHFDataset takes."""

from __future__ import annotations

import io
import json

import polars as pl
import pyarrow.parquet as pq
import pytest
from PIL import Image

from schemas.config import ExportParams
from tests.transforms.elements import png
from transforms.publish.export_chat import export_chat
from transforms.publish.export_rl import export_rl
from transforms.publish.resize import smart_resize

SIZES = {"a" * 64: (1279, 801), "b" * 64: (333, 4000)}
PARAMS = ExportParams(max_pixels=640 * 28 * 28)  # both odd screenshots shrink as well as round


@pytest.fixture(scope="module")
def odd():
    """Two screenshots of odd sizes, a positive row on each (box painted in) and a refusal row."""
    boxes = {"a" * 64: (101.0, 203.0, 331.0, 257.0), "b" * 64: (17.0, 3001.0, 290.0, 3077.0)}
    shots = pl.DataFrame(
        [
            {
                "screenshot_id": sid,
                "width": w,
                "height": h,
                "png": png(w, h, [(tuple(map(int, boxes[sid])), (0, 0, 0))]),
            }
            for sid, (w, h) in SIZES.items()
        ]
    )
    positive = [
        {
            "id": f"{k:032x}",
            "text": "the black bar",
            "screenshot_id": sid,
            "gt_type": "positive",
            **dict(zip(("x1", "y1", "x2", "y2"), boxes[sid])),
            "click_x": (boxes[sid][0] + boxes[sid][2]) / 2,
            "click_y": (boxes[sid][1] + boxes[sid][3]) / 2,
        }
        for k, sid in enumerate(SIZES)
    ]
    refusal = {"id": "f" * 32, "text": "the red star", "screenshot_id": "a" * 64, "gt_type": "negative"}
    frame = pl.DataFrame([*positive, refusal], infer_schema_length=None).with_columns(
        source_id=pl.lit("t"),
        split=pl.lit("train"),
        image_width=pl.col("screenshot_id").replace_strict({s: w for s, (w, _) in SIZES.items()}),
        image_height=pl.col("screenshot_id").replace_strict({s: h for s, (_, h) in SIZES.items()}),
    )
    return frame, shots


def _black_bar(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of the dark pixels (the painted box) in an image."""
    return Image.eval(image.convert("L"), lambda v: 255 if v < 128 else 0).getbbox()


def test_chat_absolute_coordinates_are_pixels_of_the_resized_images(odd, tmp_path):
    frame, shots = odd
    export_chat(frame, shots, tmp_path / "chat", "box", "absolute", PARAMS)
    records = [json.loads(line) for line in (tmp_path / "chat" / "train.jsonl").read_text().splitlines()]
    for record in records[:2]:
        image = Image.open(tmp_path / "chat" / record["images"][0])
        sid = record["images"][0].removeprefix("images/").removesuffix(".png")
        assert image.size == smart_resize(*SIZES[sid], PARAMS) and image.size != SIZES[sid]
        box = json.loads(record["messages"][1]["content"])
        drawn = _black_bar(image)  # the painted box as resampled: the answer lies on it within a pixel or two
        assert all(abs(a - b) <= 2 for a, b in zip(box, (drawn[0], drawn[1], drawn[2], drawn[3]))), (
            box,
            drawn,
        )
        assert "in pixels" in record["messages"][0]["content"]
    assert records[2]["messages"][1]["content"] == "It is not on this screen."
    readme = (tmp_path / "chat" / "README.md").read_text()
    assert "absolute pixels of the resized image" in readme and "multiple of 28" in readme
    assert f"{PARAMS.max_pixels:,}" in readme


def test_chat_relative_coordinates_are_thousandths_of_the_original_images(odd, tmp_path):
    frame, shots = odd
    export_chat(frame, shots, tmp_path / "chat", "point", "relative", PARAMS)
    record = json.loads((tmp_path / "chat" / "train.jsonl").read_text().splitlines()[1])
    assert Image.open(tmp_path / "chat" / record["images"][0]).size == (333, 4000)
    assert record["messages"][1]["content"] == f"({round(1000 * 153.5 / 333)}, {round(1000 * 3039 / 4000)})"
    assert "0 to 1000" in record["messages"][0]["content"]


@pytest.mark.parametrize("images", ["bytes", "paths"])
def test_rl_parquet_reads_back_as_verl_takes_it(odd, tmp_path, images):
    frame, shots = odd
    counts = export_rl(frame, shots, tmp_path / "rl", PARAMS, "absolute", images)
    assert counts == {"train": 3} and sorted(p.name for p in (tmp_path / "rl").glob("*.parquet")) == [
        "train.parquet"
    ]
    table = pq.read_table(tmp_path / "rl" / "train.parquet")
    assert table.column_names == ["data_source", "prompt", "images", "ability", "reward_model", "extra_info"]
    rows = table.to_pylist()
    for k, row in enumerate(rows[:2]):
        (message,) = row["prompt"]
        assert message["role"] == "user" and message["content"].startswith("<image>")
        assert row["reward_model"]["style"] == "rule" and row["ability"] == "gui_grounding"
        info = row["extra_info"]
        assert (info["split"], info["index"], info["id"]) == ("train", k, frame["id"][k])
        (image,) = row["images"]
        if images == "bytes":
            assert set(image) == {"bytes"}
            picture = Image.open(io.BytesIO(image["bytes"]))
        else:
            assert set(image) == {"image"}
            picture = Image.open(image["image"])
        assert (
            picture.size
            == (info["image_width"], info["image_height"])
            == smart_resize(*SIZES[info["screenshot_id"]], PARAMS)
        )
        drawn = _black_bar(picture)
        assert all(abs(a - b) <= 2 for a, b in zip(row["reward_model"]["ground_truth"], drawn))
    assert rows[2]["reward_model"]["ground_truth"] == [] and rows[2]["extra_info"]["gt_type"] == "negative"
    if images == "paths":
        assert len(list((tmp_path / "rl" / "images").iterdir())) == 2  # each screenshot once
        return
    # as RLHFDataset loads it: the `datasets` parquet builder, the prompt split at <image>, images decoded
    from datasets import load_dataset

    loaded = load_dataset(
        "parquet", data_files=str(tmp_path / "rl" / "train.parquet"), cache_dir=str(tmp_path)
    )
    first = loaded["train"][0]
    assert first["prompt"][0]["content"].split("<image>")[0] == ""
    assert Image.open(io.BytesIO(first["images"][0]["bytes"])).size == (
        first["extra_info"]["image_width"],
        first["extra_info"]["image_height"],
    )
