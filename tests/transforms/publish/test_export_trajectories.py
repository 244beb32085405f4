"""Trajectories round-trip through the chat and HF exports: one image per step, in step order, and each
step's box on its own image (transforms/publish/export_trajectories.py, export_trajectories_hf.py)."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from PIL import Image

from schemas.config import ExportParams
from schemas.datasets import Trajectories
from schemas.registry import TABLES
from tests.transforms.elements import png
from transforms.publish.export_chat import coordinate_scale
from transforms.publish.export_trajectories import export_trajectories_chat, trajectory_rows
from transforms.publish.export_trajectories_hf import export_trajectories_hf
from transforms.publish.resize import smart_resize
from transforms.publish.withhold import export_rows

# Three screens of different sizes, so that an image's size says which screen it is.
SIZES = {"1" * 64: (1280, 800), "2" * 64: (999, 701), "3" * 64: (640, 1111)}
PARAMS = ExportParams(max_pixels=700 * 28 * 28, validation=0.0, test=0.0)
BOX = {
    "1" * 64: (100.0, 40.0, 300.0, 90.0),
    "2" * 64: (20.0, 500.0, 220.0, 560.0),
    "3" * 64: (400.0, 60.0, 600.0, 120.0),
}


def _step(n: int, shot: str, action: str = "click", value: str | None = None) -> dict:
    x1, y1, x2, y2 = (None,) * 4 if action == "key" else BOX[shot]
    return {
        "step": n,
        "action": action,
        "path_step": f"{action}:{n}",
        "target": None if action == "key" else f"Target {n}",
        "value": value,
        "howto_step": n,
        "words": f"Step {n}.",
        "screenshot_id": shot,
        "element_id": None if action == "key" else f"{n:032x}",
        **dict(zip(("x1", "y1", "x2", "y2"), (x1, y1, x2, y2))),
    }


@pytest.fixture(scope="module")
def published():
    """Two published trajectories (three steps across the three screens; two steps, one a key pressed)
    and the screens, each with its steps' box painted black."""
    s1, s2, s3 = SIZES
    steps = {
        "a" * 32: [_step(1, s1), _step(2, s2), _step(3, s3, "type", "12")],
        "b" * 32: [_step(1, s3), _step(2, s1, "key", "ctrl+p")],
    }
    trajectories = TABLES["trajectories"].frame(
        {
            "trajectory_id": tid,
            "source_id": "t",
            "kind": "replayed" if tid == "b" * 32 else "desktop",
            "howto_id": "c" * 32 if tid == "b" * 32 else None,
            "capture_id": "d" * 32,
            "screenshot_id": s3,
            "goal": f"Goal {tid[0]}",
            "path": [s["path_step"] for s in found],
            "n_steps": len(found),
            "steps": found,
        }
        for tid, found in steps.items()
    )
    Trajectories.validate(trajectories)
    screenshots = pl.DataFrame(
        {
            "screenshot_id": list(SIZES),
            "cluster_id": [None] * 3,
            "width": [w for w, _ in SIZES.values()],
            "height": [h for _, h in SIZES.values()],
            "png": [png(w, h, [(tuple(map(int, BOX[s])), (0, 0, 0))]) for s, (w, h) in SIZES.items()],
        }
    )
    rows, _ = export_rows(
        trajectories,
        screenshots,
        "trajectories",
        PARAMS,
        set(),
        TABLES["contaminated"].frame([]),
        trajectory_rows,
    )
    return rows, screenshots, steps


def _dark(image: Image.Image) -> tuple[int, int, int, int]:
    return Image.eval(image.convert("L"), lambda v: 255 if v < 128 else 0).getbbox()


@pytest.mark.parametrize("coords", ["absolute", "relative"])
def test_chat_has_one_image_per_step_in_order_and_each_box_on_its_image(published, tmp_path, coords):
    rows, screenshots, steps = published
    counts = export_trajectories_chat(rows, screenshots, tmp_path / "chat", coords, PARAMS)
    assert counts == {"train": 2}
    records = [json.loads(x) for x in (tmp_path / "chat" / "train.jsonl").read_text().splitlines()]
    for record in records:
        want = steps[record["id"]]
        assert record["images"] == [f"images/{s['screenshot_id']}.png" for s in want]
        user, answer = (m["content"] for m in record["messages"])
        assert user.count("<image>") == len(want) and user.startswith(f"Goal {record['id'][0]}.")
        lines = answer.splitlines()
        assert len(lines) == len(want)
        for line, step, name in zip(lines, want, record["images"]):
            sid = step["screenshot_id"]
            image = Image.open(tmp_path / "chat" / name)
            size = smart_resize(*SIZES[sid], PARAMS) if coords == "absolute" else SIZES[sid]
            assert image.size == size
            if step["action"] == "key":
                assert line == f'{step["step"]}. key "ctrl+p"'
                continue
            box = json.loads(re.search(r"\[.*\]$", line)[0])
            sx, sy = coordinate_scale(
                {"image_width": SIZES[sid][0], "image_height": SIZES[sid][1]}, coords, PARAMS
            )
            assert box == [
                round(BOX[sid][0] * sx),
                round(BOX[sid][1] * sy),
                round(BOX[sid][2] * sx),
                round(BOX[sid][3] * sy),
            ]
            if coords == "absolute":  # the box lies on the bar painted in the image as written
                assert all(abs(a - b) <= 2 for a, b in zip(box, _dark(image)))
        assert record["kind"] in ("desktop", "replayed") and record["source_id"] == "t"
    typed = next(r for r in records if r["id"] == "a" * 32)["messages"][1]["content"].splitlines()[2]
    assert typed.startswith('3. type "12" into "Target 3" [')
    assert len(list((tmp_path / "chat" / "images").iterdir())) == 3  # each screen written once


def test_hf_rows_carry_their_step_images_in_order_and_load_offline(published, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    rows, screenshots, steps = published
    assert export_trajectories_hf(rows, screenshots, tmp_path / "out", PARAMS) == {"train": 2}
    loaded = load_dataset(str(tmp_path / "out"), split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded.features["images"].feature.__class__.__name__ == "Image"
    for row in loaded:
        want = steps[row["id"]]
        assert [i.size for i in row["images"]] == [SIZES[s["screenshot_id"]] for s in want]
        assert [s["screenshot_id"] for s in row["steps"]] == [s["screenshot_id"] for s in want]
        for step, image, got in zip(want, row["images"], row["steps"]):
            if step["action"] == "key":
                assert got["bbox"] == [] and got["value"] == "ctrl+p"
            else:
                assert got["bbox"] == list(BOX[step["screenshot_id"]])
                assert all(abs(a - b) <= 1 for a, b in zip(got["bbox"], _dark(image)))
    assert {r["howto_id"] for r in loaded} == {None, "c" * 32}
