"""Training exports: ScreenSpot-Pro JSON in four box conventions, chat JSONL, and splits that never put
near-duplicate screens on both sides (the HF, chat-convention and RL exports: test_export_*.py)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from schemas.config import ExportParams
from tests.transforms.publish.conftest import rows
from transforms.publish.export import (
    assign_splits,
    box_in,
    export_screenspot,
    split_of,
    training_rows,
)
from transforms.publish.export_chat import chat_record, export_chat


def test_box_conventions():
    row = {"x1": 100.0, "y1": 50.0, "x2": 300.0, "y2": 90.0, "image_width": 1000, "image_height": 500}
    assert box_in(row, "xyxy") == [100.0, 50.0, 300.0, 90.0]
    assert box_in(row, "xywh") == [100.0, 50.0, 200.0, 40.0]
    assert box_in(row, "norm1") == [0.1, 0.1, 0.3, 0.18]
    assert box_in(row, "norm1000") == [100, 100, 300, 180]
    assert box_in({**row, "x1": None}, "xyxy") is None


def test_splits_follow_clusters_and_are_stable():
    params = ExportParams(validation=0.3, test=0.3)
    splits = {split_of(f"cluster-{i}", params) for i in range(200)}
    assert splits == {"train", "validation", "test"}
    assert all(split_of(f"cluster-{i}", params) == split_of(f"cluster-{i}", params) for i in range(50))


def test_every_split_holds_a_cluster_from_three_clusters_on():
    """With the default 5 % shares, a handful of clusters would all hash to train."""
    params = ExportParams()
    for n in range(3, 40):
        clusters = [f"c{n}-{i}" for i in range(n)]
        assert set(assign_splits(clusters, params).values()) == {"train", "validation", "test"}, n
    assert set(assign_splits(["a", "b"], params).values()) <= {"train", "validation", "test"}
    many = [f"cluster-{i}" for i in range(2000)]  # enough clusters: the hash rule alone, unchanged
    assert assign_splits(many, params) == {c: split_of(c, params) for c in many}
    assert set(assign_splits(many[:5], ExportParams(validation=0.0)).values()) == {"train", "test"}


def test_no_cluster_is_in_two_splits(curated):
    frame = rows(curated, ExportParams(validation=0.4, test=0.3))
    assert frame.group_by("cluster_id").agg(pl.col("split").n_unique()).get_column("split").max() == 1


def test_screenspot_and_chat_exports(curated, tmp_path):
    frame = rows(curated)
    counts = export_screenspot(frame, curated["screenshots"], tmp_path / "ss", "xywh")
    records = [r for split in counts for r in json.loads((tmp_path / "ss" / f"{split}.json").read_text())]
    assert len(records) == frame.height
    first = next(r for r in records if r["gt_type"] == "positive")
    assert set(first) >= {
        "img_filename",
        "bbox",
        "instruction",
        "id",
        "application",
        "platform",
        "img_size",
        "ui_type",
        "group",
        "gt_type",
    }
    assert (tmp_path / "ss" / "images" / first["img_filename"]).read_bytes().startswith(b"\x89PNG")
    source = frame.filter(pl.col("id") == first["id"]).row(0, named=True)
    assert first["bbox"] == [
        source["x1"],
        source["y1"],
        source["x2"] - source["x1"],
        source["y2"] - source["y1"],
    ]
    export_chat(frame, curated["screenshots"], tmp_path / "chat", "point")
    lines = [
        json.loads(line)
        for split in counts
        for line in (tmp_path / "chat" / f"{split}.jsonl").read_text().splitlines()
    ]
    assert len(lines) == frame.height
    refusal = next(
        line for line in lines if line["id"] in set(frame.filter(pl.col("gt_type") == "negative")["id"])
    )
    assert refusal["messages"][1]["content"] == "It is not on this screen."
    row = frame.filter(pl.col("gt_type") == "positive").row(0, named=True)
    assert chat_record(row, "box")["messages"][1]["content"].startswith("[")
    assert chat_record(row, "point")["messages"][0]["content"].startswith("<image>\nLocate ")


def test_a_screenshot_two_sources_share_does_not_multiply_the_rows(curated):
    # The CLI reads every source's screenshots: one image in two sources is listed twice.
    twice = pl.concat([curated["screenshots"], curated["screenshots"]])
    assert (
        rows(curated).height == training_rows(curated["grounding"], twice, "grounding", ExportParams()).height
    )


def named(frame: pl.DataFrame, names: list[str], sources: list[str]) -> pl.DataFrame:
    """The first rows of distinct screenshots, as imported rows whose records name `names`."""
    picked = frame.unique("screenshot_id", keep="first", maintain_order=True).head(len(names))
    origins = [json.dumps({"img_filename": n, "id": i}) for i, n in enumerate(names)]
    return picked.with_columns(origin=pl.Series(origins), source_id=pl.Series(sources))


def test_one_image_name_for_two_different_images_is_refused(curated, tmp_path):
    from schemas.errors import InputError

    clash = named(rows(curated), ["shots/same.png", "shots/same.png"], ["one", "two"])
    with pytest.raises(
        InputError, match=r"images/shots/same.png would be two different images \(sources one and two"
    ):
        export_screenspot(clash, curated["screenshots"], tmp_path / "ss")


def test_image_names_that_leave_the_export_are_never_written_outside_it(curated, tmp_path):
    out = tmp_path / "deep" / "ss"
    frame = named(rows(curated), ["../../escaped.png", str(tmp_path / "abs.png")], ["one", "one"])
    export_screenspot(frame, curated["screenshots"], out)
    assert not (tmp_path / "escaped.png").exists() and not (tmp_path / "abs.png").exists()
    written = sorted(p.name for p in (out / "images").iterdir())
    assert written == sorted(f"{s}.png" for s in frame["screenshot_id"])
