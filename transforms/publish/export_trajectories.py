"""Trajectories for training: several screens per sample, one per step in order, and per step its action
and target box. `trajectory_rows` gives the rows an export writes (a split by the cluster of the screen
the trajectory ends on); `export_trajectories_chat` writes chat JSONL, one conversation per trajectory,
with `<image>` once per step in the user turn and the steps, each with its box, in the assistant turn, in
the coordinate conventions of `export_chat` (absolute pixels of each image as resized by the model's
rule, or thousandths of its width and height). The HF export is in `export_trajectories_hf`.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import polars as pl

from schemas.config import ExportParams
from schemas.errors import InputError
from transforms.publish.export import PROVENANCE, assign_splits, provenance_of, write_images
from transforms.publish.export_chat import UNITS, answer_box, coordinate_scale, resize_rule
from transforms.publish.resize import resized_png
from transforms.storage import replace_folder_atomic

PASSED = ("source_id", "kind", "howto_id", "capture_id", "screenshot_id", "path", "n_steps", "steps")


def trajectory_rows(
    trajectories: pl.DataFrame, screenshots: pl.DataFrame, _table: str, params: ExportParams
) -> pl.DataFrame:
    """Published trajectories in the shape exports take: id, text (the goal), the passed columns, the
    cluster of the screen reached and a split by it (`export_rows`' `shape`)."""
    clusters = screenshots.select(
        "screenshot_id", pl.col("cluster_id").fill_null(pl.col("screenshot_id"))
    ).unique("screenshot_id", keep="first", maintain_order=True)
    out = trajectories.join(clusters, on="screenshot_id", how="left").with_columns(
        pl.col("cluster_id").fill_null(pl.col("screenshot_id"))
    )
    splits = assign_splits(out["cluster_id"].unique().to_list(), params)
    extra = [c for c in PROVENANCE if c in out.columns]
    return out.select(
        pl.col("trajectory_id").alias("id"),
        pl.col("goal").alias("text"),
        *PASSED,
        *extra,
        "cluster_id",
        split=pl.col("cluster_id").replace_strict(splits, return_dtype=pl.String),
    ).sort("split", "id")


def step_images(rows: pl.DataFrame) -> pl.DataFrame:
    """(screenshot_id, source_id) of every step of the rows: the screens the exports write."""
    steps = rows.select("source_id", pl.col("steps").list.eval(pl.element().struct.field("screenshot_id")))
    return steps.explode("steps").select(pl.col("steps").alias("screenshot_id"), "source_id").unique()


def image_sizes(rows: pl.DataFrame, screenshots: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """{screenshot id: (width, height)} of every step's screen; a screen not published is refused, naming
    the trajectory, since its sample would miss an image."""
    sizes = {s: (w, h) for s, w, h in screenshots.select("screenshot_id", "width", "height").iter_rows()}
    for rid, steps in rows.select("id", "steps").iter_rows():
        missing = [s["screenshot_id"] for s in steps if s["screenshot_id"] not in sizes]
        if missing:
            raise InputError(
                f"export: trajectory {rid} has step screens not published ({', '.join(missing)}); "
                "publish its source again (groundmill run)"
            )
    return sizes


def step_line(step: dict, size: tuple[int, int], coords: str, params: ExportParams) -> str:
    """One step of the assistant turn: '2. click "Print…" [x1, y1, x2, y2]', 'type "12" into "Copies"
    [...]', 'key "ctrl+p"'."""
    n, action, target = step["step"], step["action"], step.get("target")
    if action == "key":
        return f"{n}. key {json.dumps(step.get('value') or target, ensure_ascii=False)}"
    scale = coordinate_scale({"image_width": size[0], "image_height": size[1]}, coords, params)
    box = "[{}, {}, {}, {}]".format(*answer_box(step, scale))
    named = json.dumps(target, ensure_ascii=False)
    if action == "type":
        return f"{n}. type {json.dumps(step.get('value') or '', ensure_ascii=False)} into {named} {box}"
    return f"{n}. {action} {named} {box}"


def trajectory_request(goal: str, n_steps: int, coords: str) -> str:
    """The user turn: the goal, then one `<image>` per step, in order."""
    screens = "\n".join(f"Step {k}: <image>" for k in range(1, n_steps + 1))
    return (
        f"{goal}. The screens below come one per step, in order. For each step, answer with its action, "
        f"the label it acts on and the box [x1, y1, x2, y2] of its target {UNITS[coords]}.\n{screens}"
    )


def trajectory_chat_record(
    row: dict, sizes: dict[str, tuple[int, int]], coords: str, params: ExportParams
) -> dict:
    """A conversation of one trajectory: its step screens as images, in order, and its steps."""
    steps = sorted(row["steps"], key=lambda s: s["step"])
    lines = [step_line(s, sizes[s["screenshot_id"]], coords, params) for s in steps]
    return {
        "id": row["id"],
        "images": [f"images/{s['screenshot_id']}.png" for s in steps],
        "messages": [
            {"role": "user", "content": trajectory_request(row["text"], len(steps), coords)},
            {"role": "assistant", "content": "\n".join(lines)},
        ],
        "kind": row["kind"],
        "howto_id": row["howto_id"],
        **provenance_of(row),
    }


def trajectories_chat_readme(coords: str, params: ExportParams, counts: dict[str, int]) -> str:
    """README.md of the export: its files, the sample's shape and the coordinate convention."""
    splits = ", ".join(f"`{s}.jsonl` ({n} trajectories)" for s, n in sorted(counts.items()))
    convention = (
        f"absolute pixels of each image as written (resized by the model's rule: {resize_rule(params)})"
        if coords == "absolute"
        else "thousandths (0-1000) of each image's width and height; the images are as captured"
    )
    return (
        f"# groundmill chat export: trajectories\n\n{splits}: one conversation per trajectory. The user "
        "turn gives the goal and one `<image>` per step, in the order of `images`; the assistant turn "
        'gives one line per step, `N. click "label" [x1, y1, x2, y2]` (`type "value" into "label" '
        f'[...]`, `key "keys"` without a box), each box on that step\'s image, {convention}.\n'
    )


def export_trajectories_chat(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    coords: str = "absolute",
    params: ExportParams = ExportParams(),
) -> dict[str, int]:
    """<folder>/<split>.jsonl (a conversation per trajectory of `trajectory_rows`), <folder>/images/ (each
    step's screen once; resized for `absolute` coordinates) and a README."""
    sizes = image_sizes(rows, screenshots)
    resize = partial(resized_png, params=params) if coords == "absolute" else None
    counts: dict[str, int] = {}

    def fill(staging: Path) -> None:
        write_images(step_images(rows), screenshots, staging, resize)
        for (split,), part in rows.group_by("split", maintain_order=True):
            lines = [trajectory_chat_record(r, sizes, coords, params) for r in part.iter_rows(named=True)]
            text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            (staging / f"{split}.jsonl").write_text(text)
            counts[split] = len(lines)
        (staging / "README.md").write_text(trajectories_chat_readme(coords, params, counts))

    replace_folder_atomic(folder, fill)
    return counts
