"""Imported datasets on the formats as published: every record read is imported or refused with a reason,
every stage's ledger balances, broken boxes are quarantined, and `export screenspot` gives the records back
field for field. Each test runs the real stage functions (import, annotate, curate, export) on small
fixtures it writes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from PIL import Image

from schemas.config import AnnotateParams, CurateParams, ExportParams, Source
from schemas.registry import TABLES
from transforms.annotate.stage import annotate_stage
from transforms.annotate.template import TemplateAnnotator
from transforms.capture.stage import import_stage
from transforms.curate.stage import curate_stage
from transforms.publish.export import export_screenspot, training_rows


def png(size=(320, 200), color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, "white")
    image.paste(color, (10, 10, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def write(folder: Path, records, images: dict[str, bytes], name: str = "data.json") -> Path:
    for image, raw in images.items():
        (folder / "images" / image).parent.mkdir(parents=True, exist_ok=True)
        (folder / "images" / image).write_bytes(raw)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(records, ensure_ascii=False))
    return folder


def rec(i, image, box, **extra) -> dict:
    return {
        "img_filename": image,
        "bbox": box,
        "instruction": f"press control number {i}",
        "id": f"r{i}",
    } | extra


def lifecycle(source: Source, tmp: Path) -> SimpleNamespace:
    """import -> annotate -> curate -> export screenspot, each stage's ledger checked to balance."""
    captured = import_stage(source)
    captured.ledger("capture", source.id)
    TABLES["records"].model.validate(captured.tables["records"])
    annotated = annotate_stage(captured.tables, source.id, TemplateAnnotator(AnnotateParams()), 1)
    annotated.ledger("annotate", source.id)
    curated = curate_stage({**captured.tables, **annotated.tables}, source.id, CurateParams())
    curated.ledger("curate", source.id)
    shots = curated.tables["screenshots"]
    rows = training_rows(curated.tables["grounding"], shots, "grounding", ExportParams())
    out = tmp / "export"
    export_screenspot(rows, shots, out)
    exported = [r for f in sorted(out.glob("*.json")) for r in json.loads(f.read_text())]
    books = {b["table"]: b for b in captured.books + annotated.books}
    return SimpleNamespace(
        capture=captured.tables, annotate=annotated.tables, curate=curated.tables, exported=exported, out=out,
        books=books,
    )  # fmt: skip


def source(folder: Path, box: str = "xyxy", **kw) -> Source:
    return Source(id="bench", kind="dataset", location=folder, box=box, **kw)


def test_same_bytes_under_two_names_give_one_screenshot_and_keep_every_record(tmp_path):
    same = png()
    records = [
        rec(0, "a.png", [10, 10, 60, 40]),
        rec(1, "a.png", [100, 20, 150, 60]),
        rec(2, "copy/b.png", [5, 5, 50, 50]),
    ]
    run = lifecycle(source(write(tmp_path / "ds", records, {"a.png": same, "copy/b.png": same})), tmp_path)
    assert run.capture["screenshots"].height == 1
    assert run.capture["captures"]["status"].to_list() == ["ok", "ok"]
    assert run.capture["captures"]["message"].to_list() == ["", "same image as a.png"]
    assert run.curate["grounding"].height == 3
    assert sorted(run.exported, key=lambda r: r["id"]) == records
    assert (run.out / "images/a.png").read_bytes() == (run.out / "images/copy/b.png").read_bytes() == same


def test_a_benchmark_comes_back_whole_even_where_it_repeats_itself(tmp_path):
    """Curate removes duplicate annotations, but never an imported record: a benchmark that repeats a
    record (ScreenSpot-v2 has web_v2_182 = web_v2_186) or has two near-identical screenshots is exported
    with every record."""
    records = [
        rec(0, "a.png", [10, 10, 60, 40]),
        rec(0, "a.png", [10, 10, 60, 40]) | {"id": "r0-again"},
        rec(1, "b.png", [10, 10, 60, 40]) | {"instruction": "press control number 0"},
    ]
    images = {"a.png": png(), "b.png": png(color=(201, 30, 30))}  # near-duplicate screenshots
    run = lifecycle(source(write(tmp_path / "ds", records, images)), tmp_path)
    assert run.curate["duplicates"].filter(pl.col("table") == "grounding").is_empty()
    assert run.curate["grounding"].height == 3
    assert sorted(run.exported, key=lambda r: r["id"]) == sorted(records, key=lambda r: r["id"])


SCREENSPOT_PRO = [
    {  # keys in the order the file has them, not sorted
        "img_filename": "vscode_macos/screenshot_2024-11-13.png",
        "bbox": [100.5, 20.25, 180.75, 60.0],
        "instruction": "open the extensions view",
        "instruction_cn": "",
        "id": 17,
        "application": "vscode",
        "platform": "macos",
        "img_size": [320, 200],
        "ui_type": "icon",
        "group": "Dev",
        "language": "en",
        "meta": {"source": "annotator 3", "tags": ["sidebar", 2]},
    },
    {
        "id": "pro-0018",
        "img_filename": "vscode_macos/screenshot_2024-11-13.png",
        "instruction": "close the terminal panel",
        "instruction_cn": "关闭终端",
        "bbox": [200, 150, 230, 180],
        "gt_type": "positive",
        "ui_type": "text",
        "platform": "macos",
        "application": "vscode",
        "img_size": [320, 200],
        "group": "Dev",
        "instruction_style": "intent",
    },
    {
        "img_filename": "excel_windows/sheet.png",
        "bbox": [0, 0, 0, 0],
        "instruction": "open the pivot table wizard",
        "instruction_cn": "",
        "id": 19,
        "gt_type": "negative",
        "platform": "windows",
        "application": "excel",
        "img_size": [320, 200],
        "ui_type": "text",
        "group": "Office",
    },
]


def test_screenspot_pro_records_come_back_field_for_field_with_their_folders(tmp_path):
    images = {
        "vscode_macos/screenshot_2024-11-13.png": png(),
        "excel_windows/sheet.png": png(color=(0, 90, 0)),
    }
    root = write(tmp_path / "pro", SCREENSPOT_PRO, images, "annotations/vscode_macos.json")  # as published
    run = lifecycle(source(root), tmp_path)
    by_id = {r["id"]: r for r in run.exported}
    assert [by_id[r["id"]] for r in SCREENSPOT_PRO] == SCREENSPOT_PRO  # every field, numeric ids kept
    assert [list(by_id[r["id"]]) for r in SCREENSPOT_PRO] == [list(r) for r in SCREENSPOT_PRO]  # key order
    for name, raw in images.items():
        assert (run.out / "images" / name).read_bytes() == raw
    assert set(run.capture["captures"]["platform"]) == {"desktop"}  # macos, windows
    boxes = run.capture["elements"].select("x1", "y1", "x2", "y2").rows()
    assert boxes == [(100.5, 20.25, 180.75, 60.0), (200.0, 150.0, 230.0, 180.0)]


# ScreenSpot v1/v2 as published: x, y, w, h pixels, data_type and data_source.
V1 = [
    {"img_filename": "mobile_1.png", "bbox": [20, 30, 40, 20], "instruction": "tap the menu",
     "data_type": "icon", "data_source": "ios"},
]  # fmt: skip
# SeeClick / OS-Atlas: an image with its elements, boxes x1, y1, x2, y2 in 0..1.
SEECLICK = [
    {"img_filename": "web_1.png", "url": "https://example.org/", "elements": [
        {"instruction": "the search field", "bbox": [0.0625, 0.15, 0.1875, 0.25], "data_type": "text"},
        {"instruction": "the sign in link", "bbox": [0.5, 0.5, 0.75, 0.6], "data_type": "icon"},
    ]},
]  # fmt: skip


@pytest.mark.parametrize(
    ("box", "records", "pixels", "flat"),
    [
        ("xywh", V1, [(20.0, 30.0, 60.0, 50.0)], V1),
        (
            "norm1",
            SEECLICK,
            [(20.0, 30.0, 60.0, 50.0), (160.0, 100.0, 240.0, 120.0)],
            [
                {"img_filename": "web_1.png", "url": "https://example.org/"} | e
                for e in SEECLICK[0]["elements"]
            ],
        ),
    ],
)
def test_screenspot_v1_and_seeclick_boxes_become_pixels(tmp_path, box, records, pixels, flat):
    name = records[0]["img_filename"]
    run = lifecycle(source(write(tmp_path / box, records, {name: png()}), box=box), tmp_path)
    assert run.capture["elements"].select("x1", "y1", "x2", "y2").rows() == pixels
    assert run.capture["records"]["is_icon"].to_list() == [r["data_type"] == "icon" for r in flat]
    assert sorted(run.exported, key=lambda r: r["instruction"]) == sorted(
        flat, key=lambda r: r["instruction"]
    )
    if box == "xywh":
        assert run.capture["captures"]["platform"].to_list() == ["mobile"]  # data_source ios


def test_broken_boxes_are_quarantined_or_refused_with_the_reason_and_the_rest_kept(tmp_path):
    records = [
        rec(0, "s.png", [10, 10, 60, 40]),
        rec(1, "s.png", [300, 150, 100, 100]),  # inverted
        rec(2, "s.png", [-5, 10, 40, 40]),  # negative
        rec(3, "s.png", [50, 50, 50, 90]),  # degenerate: no width
        rec(4, "s.png", [200, 100, 400, 260]),  # beyond the 320x200 image
        rec(5, "s.png", [10, 10, 60]),  # not four numbers
        rec(6, "s.png", ["a", 1, 2, 3]),
        rec(7, "s.png", None),  # a positive record without a box
        rec(8, "s.png", [150, 120, 200, 180]),
    ]
    run = lifecycle(source(write(tmp_path / "b", records, {"s.png": png()})), tmp_path)
    assert sorted(r["id"] for r in run.exported) == ["r0", "r8"]
    elements = run.capture["elements"].select("element_id", "css_path")
    q = (
        run.curate["quarantine"]
        .filter(pl.col("table") == "elements")
        .join(elements, left_on="row_id", right_on="element_id")
    )
    assert dict(q.select("css_path", "check").iter_rows()) == {
        "record:r1": "box_ordered",
        "record:r2": "greater_than_or_equal_to(0)",
        "record:r3": "box_ordered",
        "record:r4": "box_inside_screenshot",
    }
    refused = run.capture["records"].filter(pl.col("refused").is_not_null())
    assert refused["refused"].to_list() == ["box_malformed"] * 3
    assert run.books["records"] | {"table": None} == {
        "table": None,
        "rows_in": 9,
        "rows_out": 6,
        "skipped": 3,
    }
    skipped = run.annotate["skipped"]["reason"].to_list()
    assert skipped == [
        "box_malformed: data.json, record 5: bbox [10, 10, 60] is not four finite numbers",
        'box_malformed: data.json, record 6: bbox ["a", 1, 2, 3] is not four finite numbers',
        "box_malformed: data.json, record 7: bbox null is not four finite numbers",
    ]


def test_a_record_whose_image_is_missing_or_broken_is_a_row_with_the_reason(tmp_path):
    records = [rec(i, "ok.png", [10 * i, 10, 10 * i + 8, 30]) for i in range(4)]
    records += [rec(4, "gone.png", [10, 10, 30, 30]), rec(5, "broken.png", [10, 10, 30, 30])]
    run = lifecycle(
        source(write(tmp_path / "m", records, {"ok.png": png(), "broken.png": b"not a png"})), tmp_path
    )
    assert run.books["records"] == {"table": "records", "rows_in": 6, "rows_out": 4, "skipped": 2}
    refused = run.capture["records"].filter(pl.col("refused").is_not_null())
    assert [(r["refused"], json.loads(r["origin"])["id"]) for r in refused.iter_rows(named=True)] == [
        ("image_unreadable", "r4"),
        ("image_unreadable", "r5"),
    ]
    reasons = run.annotate["skipped"]["reason"].to_list()
    assert "gone.png" in reasons[0] and "No such file" in reasons[0] and "broken.png" in reasons[1]
    assert len(run.exported) == 4


def test_a_truncated_or_non_utf8_file_loses_only_itself(tmp_path):
    folder = write(tmp_path / "t", [rec(0, "s.png", [10, 10, 60, 40])], {"s.png": png()}, "a_good.json")
    text = json.dumps([rec(1, "s.png", [20, 20, 70, 50])])
    (folder / "b_truncated.json").write_text(text[: len(text) // 2])
    (folder / "c_latin1.json").write_bytes(json.dumps([rec(2, "s.png", [1, 1, 9, 9])]).encode() + b"\xe9")
    (folder / "d_object.json").write_text('{"img_filename": "s.png"}')
    (folder / "e_bom.json").write_bytes(
        b"\xef\xbb\xbf" + json.dumps([rec(3, "s.png", [30, 30, 90, 60])]).encode()
    )
    run = lifecycle(source(folder), tmp_path)
    assert sorted(r["id"] for r in run.exported) == ["r0", "r3"]
    errors = run.capture["captures"].filter(pl.col("status") == "error")
    assert errors["page_path"].to_list() == ["b_truncated.json", "c_latin1.json", "d_object.json"]
    messages = errors["message"].to_list()
    assert "not valid JSON" in messages[0] and "not UTF-8" in messages[1] and "not a list" in messages[2]


def test_image_paths_outside_the_image_folder_are_refused_and_never_read(tmp_path):
    secret = png(color=(1, 2, 3))
    (tmp_path / "outside.png").write_bytes(secret)
    folder = tmp_path / "deep" / "ds"
    records = [
        rec(0, "s.png", [10, 10, 60, 40]),
        rec(1, "../../outside.png", [10, 10, 60, 40]),
        rec(2, str(tmp_path / "outside.png"), [10, 10, 60, 40]),
        rec(3, "..\\..\\outside.png", [10, 10, 60, 40]),
        rec(4, "link.png", [10, 10, 60, 40]),  # a symbolic link to the file outside
        rec(5, "C:/outside.png", [10, 10, 60, 40]),
    ]
    write(folder, records, {"s.png": png()})
    (folder / "images" / "link.png").symlink_to(tmp_path / "outside.png")
    run = lifecycle(source(folder), tmp_path)
    refused = run.capture["records"].filter(pl.col("refused").is_not_null())
    assert refused["refused"].to_list() == ["image_path_unsafe"] * 5
    assert secret not in run.capture["screenshots"]["png"].to_list()
    assert [r["id"] for r in run.exported] == ["r0"]
    assert sorted(p.name for p in run.out.rglob("*.png")) == ["s.png"]


def hf_table(rows: list[dict]):
    import datasets

    keys = sorted({k for r in rows for k in r})
    table = datasets.Dataset.from_list([{k: r.get(k) for k in keys} for r in rows])
    return table.cast_column("image", datasets.Image())


@pytest.mark.parametrize("layout", ["parquet", "save_to_disk"])
def test_hf_folders_import_and_one_bad_shard_loses_only_itself(tmp_path, monkeypatch, layout):
    import datasets

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    a, b = png(), png(color=(0, 0, 200))
    rows = [
        {"image": {"bytes": a, "path": "a.png"}, "file_name": "shots/a.png", "bbox": [10, 10, 60, 40],
         "instruction": "the red block", "id": 1},
        {"image": {"bytes": b, "path": "b.png"}, "file_name": "shots/b.png", "bbox": [10, 10, 30, 30],
         "instruction": "the blue block", "id": 2},
    ]  # fmt: skip
    folder = tmp_path / "hfds"
    if layout == "parquet":  # to_parquet keeps a path as it is (save_to_disk would embed the file)
        (tmp_path / "outside.png").write_bytes(png(color=(1, 2, 3)))
        outside = {"bytes": None, "path": str(tmp_path / "outside.png")}
        rows.append(
            {"image": outside, "file_name": "c.png", "bbox": [1, 1, 9, 9], "instruction": "out", "id": 3}
        )
        (folder / "data").mkdir(parents=True)
        hf_table(rows).to_parquet(str(folder / "data" / "test-00000-of-00002.parquet"))
        good = (folder / "data" / "test-00000-of-00002.parquet").read_bytes()
        (folder / "data" / "test-00001-of-00002.parquet").write_bytes(good[: len(good) // 2])
    else:
        datasets.DatasetDict({"test": hf_table(rows)}).save_to_disk(str(folder))
    run = lifecycle(source(folder), tmp_path)
    assert sorted(r["id"] for r in run.exported) == [1, 2]
    assert {p.relative_to(run.out).as_posix() for p in run.out.rglob("*.png")} == {
        "images/shots/a.png",
        "images/shots/b.png",
    }
    if layout == "parquet":
        refused = run.capture["records"].filter(pl.col("refused").is_not_null())
        assert refused["refused"].to_list() == ["image_path_unsafe"]
        errors = run.capture["captures"].filter(pl.col("status") == "error")
        assert errors["page_path"].to_list() == ["data/test-00001-of-00002.parquet"]
