"""A ScreenSpot-Pro dataset imported as a source (as JSON with images, or as a local HF datasets
folder), run through the lifecycle and exported again."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from PIL import Image, ImageDraw

from tests.conftest import REPO
from tests.flows.test_cli import groundmill


def screenshot(path: Path, size: tuple[int, int], fill: tuple[int, int, int]) -> None:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((40, 40, 400, 120), fill=fill)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


# The shape of ../shared/formats/screenspot_*_v2_convert.json, with gt_type as ScreenSpot-Pro has it.
RECORDS = [
    {
        "img_filename": "web_1.png",
        "bbox": [40, 40, 400, 120],
        "instruction": "click the blue banner",
        "instruction_cn": "",
        "id": "ss_web_0",
        "application": "screenspot_web_v2",
        "platform": "v2",
        "img_size": [1280, 800],
        "ui_type": "text",
        "group": "Dev",
    },
    {
        "img_filename": "web_1.png",
        "bbox": [1200, 10, 1240, 50],
        "instruction": "open the settings menu",
        "instruction_cn": "",
        "id": "ss_web_1",
        "application": "screenspot_web_v2",
        "platform": "v2",
        "img_size": [1280, 800],
        "ui_type": "icon",
        "group": "Dev",
    },
    {
        "img_filename": "mobile_1.png",
        "bbox": [10, 10, 200, 90],
        "instruction": "tap the green header",
        "instruction_cn": "",
        "id": "ss_mobile_0",
        "application": "screenspot_mobile_v2",
        "platform": "v2",
        "img_size": [390, 844],
        "ui_type": "text",
        "group": "Shop",
        "gt_type": "positive",
    },
    {
        "img_filename": "mobile_1.png",
        "bbox": [0, 0, 0, 0],
        "instruction": "tap the share button",
        "instruction_cn": "",
        "id": "ss_mobile_1",
        "application": "screenspot_mobile_v2",
        "platform": "v2",
        "img_size": [390, 844],
        "ui_type": "icon",
        "group": "Shop",
        "gt_type": "negative",
    },
    {
        "img_filename": "mobile_1.png",
        "bbox": [300, 500, 100, 400],
        "instruction": "tap the broken box",
        "instruction_cn": "",
        "id": "ss_mobile_2",
        "application": "screenspot_mobile_v2",
        "platform": "v2",
        "img_size": [390, 844],
        "ui_type": "text",
        "group": "Shop",
    },
    {  # the same bytes as web_1.png, under a name with a folder: one screenshot, both records kept
        "img_filename": "app_windows/web_copy.png",
        "bbox": [40.5, 40.25, 400.75, 120.0],
        "instruction": "click the banner on the copy",
        "instruction_cn": "",
        "id": "ss_web_copy",
        "application": "screenspot_web_v2",
        "platform": "v2",
        "img_size": [1280, 800],
        "ui_type": "text",
        "group": "Dev",
        "language": "en",
    },
]
# A record whose image is missing: a `skipped` row with the reason (JSON layout only: a datasets folder
# embeds its images).
MISSING = {**RECORDS[0], "img_filename": "gone.png", "id": "ss_gone", "instruction": "click what is gone"}


def as_hf_folder(images: Path, folder: Path, layout: str) -> list[dict]:
    """RECORDS as a datasets folder with an `image` column: Parquet shards (the Hub's layout) or
    save_to_disk. Returns the rows as datasets gives them back (fields a record lacks are None)."""
    import datasets

    keys = sorted({k for r in RECORDS for k in r})  # from_list would take the first row's keys only
    rows = [{k: r.get(k) for k in keys} | {"image": str(images / r["img_filename"])} for r in RECORDS]
    table = datasets.Dataset.from_list(rows).cast_column("image", datasets.Image())
    if layout == "parquet":
        (folder / "data").mkdir(parents=True)
        table.to_parquet(str(folder / "data" / "test-00000-of-00001.parquet"))
    else:
        datasets.DatasetDict({"test": table}).save_to_disk(str(folder))
    return [{k: v for k, v in row.items() if k != "image"} for row in table.remove_columns("image")]


@pytest.mark.parametrize("layout", ["json", "parquet", "save_to_disk"])
def test_export_of_an_import_gives_back_the_records_and_broken_boxes_are_quarantined(
    tmp_path, layout, monkeypatch
):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    root = tmp_path / "project"
    folder = root / "data" / "sources" / "bench"
    images = (tmp_path / "images") if layout != "json" else folder / "images"
    images.mkdir(parents=True)
    screenshot(images / "web_1.png", (1280, 800), (37, 99, 235))
    screenshot(images / "mobile_1.png", (390, 844), (22, 163, 74))
    (images / "app_windows").mkdir()
    shutil.copy(images / "web_1.png", images / "app_windows" / "web_copy.png")
    if layout == "json":
        (folder / "screenspot.json").write_text(json.dumps([*RECORDS, MISSING]))
        records = RECORDS
    else:
        records = as_hf_folder(images, folder, layout)
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    (root / "sources.yaml").write_text(  # a parquet shard may name its images in the images folder
        "sources:\n  - {id: bench, kind: dataset, location: data/sources/bench, "
        f"license: Apache-2.0, box: xyxy, images: '{images}'}}\n"
    )
    groundmill(root, "run")
    groundmill(root, "export", "screenspot")
    out = root / "data" / "exports" / "screenspot"
    exported = [r for f in sorted(out.glob("*.json")) for r in json.loads(f.read_text())]
    by_id = {r["id"]: r for r in exported}
    expected = {r["id"]: r for r in records if r["id"] != "ss_mobile_2"}
    assert by_id == expected  # every field as it came in
    written = {p.relative_to(out / "images").as_posix() for p in (out / "images").rglob("*.png")}
    assert {r["img_filename"] for r in exported} == written
    quarantine = pl.read_parquet(root / "data/processed/quarantine/source=bench/part-0.parquet")
    assert set(quarantine.filter(pl.col("table") == "elements")["check"]) & {"box_ordered"}
    grounding = pl.read_parquet(root / "data/processed/grounding/source=bench/part-0.parquet")
    assert set(grounding["perspective"]) == {"imported"} and grounding.height == 5
    shots = pl.read_parquet(root / "data/processed/screenshots/source=bench/part-0.parquet")
    assert sorted(shots.select("width", "platform").iter_rows()) == [(390, "mobile"), (1280, "web")]
    skipped = pl.read_parquet(root / "data/processed/skipped/source=bench/part-0.parquet")
    gone = skipped.filter(pl.col("perspective") == "imported")["reason"].to_list()
    assert len(gone) == (layout == "json")
    assert all(g.startswith("image_unreadable: screenspot.json, record 6: image gone.png: ") for g in gone)


def test_a_benchmark_goes_to_test_only_and_the_rows_that_share_its_screens_are_withheld(tmp_path):
    """A benchmark (ScreenSpot records) and a training import that reuses one of its images: the training
    rows on that image are withheld from the export (one with the benchmark's own instruction), the
    others kept; the benchmark's rows are exported in test only (its other cases: test_contamination)."""
    root = tmp_path / "project"
    bench, train = root / "data" / "sources" / "bench", root / "data" / "sources" / "train"
    for folder in (bench / "images", train / "images"):
        folder.mkdir(parents=True)
    screenshot(bench / "images" / "web_1.png", (1280, 800), (37, 99, 235))
    screenshot(bench / "images" / "mobile_1.png", (390, 844), (22, 163, 74))
    shutil.copy(bench / "images" / "web_1.png", train / "images" / "web_1.png")
    other = Image.new("RGB", (640, 480), "black")
    ImageDraw.Draw(other).ellipse((100, 60, 600, 460), fill=(250, 200, 20))
    other.save(train / "images" / "other.png")
    (bench / "screenspot.json").write_text(json.dumps(RECORDS[:3]))
    reused = [
        {**RECORDS[0], "id": "t_same_words", "instruction": "Click the blue banner"},
        {**RECORDS[0], "id": "t_same_screen", "instruction": "go to the page footer"},
        {**RECORDS[0], "id": "t_clean_0", "img_filename": "other.png", "img_size": [640, 480]},
        {
            **RECORDS[1],
            "id": "t_clean_1",
            "img_filename": "other.png",
            "img_size": [640, 480],
            "bbox": [9, 9, 60, 40],
        },
    ]
    (train / "train.json").write_text(json.dumps(reused))
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    (root / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: bench, kind: dataset, location: data/sources/bench, license: Apache-2.0, role: benchmark}\n"
        "  - {id: train, kind: dataset, location: data/sources/train, license: CC0-1.0}\n"
    )
    groundmill(root, "run")
    done = groundmill(root, "export", "screenspot").stdout
    out = root / "data" / "exports" / "screenspot"
    splits = {f.stem: {r["id"] for r in json.loads(f.read_text())} for f in out.glob("*.json")}
    exported = set().union(*splits.values())
    assert exported == {"ss_web_0", "ss_web_1", "ss_mobile_0", "t_clean_0", "t_clean_1"}
    assert {"ss_web_0", "ss_web_1", "ss_mobile_0"} <= splits["test"]
    assert not {"ss_web_0", "ss_web_1", "ss_mobile_0"} & (
        splits.get("train", set()) | splits.get("validation", set())
    )
    assert (
        "withheld 2 row(s) that match a benchmark (near instruction 1, same bytes 1, near screen 0)" in done
    )
    assert "| benchmark row (test only) | bench | 3 |" in (out / "WITHHELD.md").read_text()
    flagged = pl.read_parquet(root / "data/processed/contaminated/source=train/part-0.parquet")
    assert sorted(flagged.select("table", "match").rows()) == [
        ("grounding", "near_instruction"),
        ("grounding", "same_bytes"),
        ("screenshots", "same_bytes"),
    ]
    ledger = pl.read_parquet(root / "data/processed/ledger/source=train/part-0.parquet")
    published = ledger.filter((pl.col("stage") == "publish") & (pl.col("table") == "grounding")).row(
        0, named=True
    )
    assert (published["rows_out"], published["contaminated"]) == (4, 2)
