"""The Hugging Face `datasets` export of trajectories: one row per trajectory, its step screens embedded as
a sequence of `datasets` Images in step order, and its steps with their boxes in pixels of those images.

Unlike the other tables' HF export (rows and an `images` config joined by id), a trajectory's images are
in its row: a sample is its screens in order, and a loader gets them without a join.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.config import ExportParams
from transforms.publish.export import licence_line, provenance_of, sources_table
from transforms.publish.export_hf import _shards, hf_readme
from transforms.publish.export_trajectories import image_sizes
from transforms.storage import replace_folder_atomic

STEP_FIELDS = ("step", "action", "path_step", "target", "value", "howto_step", "words", "screenshot_id")
# Provenance a published row may carry (`export.PROVENANCE`), as strings.
PROVENANCE_FIELDS = ("license", "page_path", "captured_at", "pipeline_version", "language")


def hf_features(rows: pl.DataFrame):
    """The `datasets` features of a trajectory row; provenance fields only where the rows have them."""
    from datasets import Features, Image, List, Value

    step = {f: Value("int32") if f in ("step", "howto_step") else Value("string") for f in STEP_FIELDS}
    step["bbox"] = List(Value("float64"))
    features = {
        "id": Value("string"),
        "goal": Value("string"),
        "source_id": Value("string"),
        "kind": Value("string"),
        "howto_id": Value("string"),
        "n_steps": Value("int32"),
        "path": List(Value("string")),
        "steps": List(step),
        "images": List(Image()),
        "image_sizes": List(List(Value("int32"))),
    }
    features |= {f: Value("string") for f in PROVENANCE_FIELDS if f in rows.columns}
    return Features(features)


def hf_record(row: dict, pngs: dict[str, bytes], sizes: dict[str, tuple[int, int]]) -> dict:
    """A trajectory as the export's row: steps in order, each with its `bbox` [x1, y1, x2, y2] in pixels
    (empty for a key pressed), and `images`/`image_sizes` one per step in the same order."""
    steps = sorted(row["steps"], key=lambda s: s["step"])
    boxed = [
        {
            **{f: s.get(f) for f in STEP_FIELDS},
            "bbox": [] if s["x1"] is None else [s["x1"], s["y1"], s["x2"], s["y2"]],
        }
        for s in steps
    ]
    record = {
        "id": row["id"],
        "goal": row["text"],
        "source_id": row["source_id"],
        "kind": row["kind"],
        "howto_id": row["howto_id"],
        "n_steps": row["n_steps"],
        "path": row["path"],
        "steps": boxed,
        "images": [{"bytes": pngs[s["screenshot_id"]], "path": f"{s['screenshot_id']}.png"} for s in steps],
        "image_sizes": [list(sizes[s["screenshot_id"]]) for s in steps],
    }
    provenance = provenance_of(row)
    return record | {f: provenance[f] for f in PROVENANCE_FIELDS if f in provenance}


def hf_body(counts: dict[str, int], size: int) -> str:
    rows = sum(counts.values())
    splits = ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items()))
    return (
        f"# groundmill export: trajectories\n\nOne row per trajectory ({splits}): `goal`, `kind` (desktop: "
        "an explored state; web: a link between pages; replayed: a how-to procedure replayed in its "
        "application, `howto_id`), `path`, `steps` (per step its `action`, `target`, `value`, the "
        "procedure step's `words`, its `screenshot_id` and `bbox` [x1, y1, x2, y2] in pixels of its "
        "image, empty for a key pressed) and `images`: one `datasets` Image per step, in step order "
        "(`image_sizes` their [width, height]). Splits are by the near-duplicate cluster of the screen "
        f"the trajectory reaches.\n\nSize (the Parquet files): {size:,} bytes for {rows:,} trajectories.\n\n"
        '```python\nfrom datasets import load_dataset\n\nrows = load_dataset("PATH", split="train")\n'
        'rows[0]["images"]  # PIL images, one per step\n```\n'
    )


def export_trajectories_hf(
    rows: pl.DataFrame,
    screenshots: pl.DataFrame,
    folder: Path,
    params: ExportParams,
    front_matter: dict | None = None,
) -> dict[str, int]:
    """<folder>/data/<split>-NNNNN-of-NNNNN.parquet (rows of `trajectory_rows` with their images, shards
    under params.shard_mb) and a README whose configs name them, so `datasets.load_dataset(folder)` loads
    it offline."""
    from datasets import Dataset

    sizes = image_sizes(rows, screenshots)
    pngs = dict(screenshots.select("screenshot_id", "png").unique("screenshot_id").iter_rows())
    features = hf_features(rows)
    limit = params.shard_mb * 1_000_000
    counts: dict[str, int] = {}

    def fill(staging: Path) -> None:
        (staging / "data").mkdir()
        for (split,), part in rows.group_by("split", maintain_order=True):
            records = [hf_record(r, pngs, sizes) for r in part.iter_rows(named=True)]
            weights = [sum(len(i["bytes"]) for i in r["images"]) for r in records]
            shards = _shards(weights, limit)
            for k, (a, b) in enumerate(shards):
                columns = {f: [r[f] for r in records[a:b]] for f in features}
                path = staging / "data" / f"{split}-{k:05d}-of-{len(shards):05d}.parquet"
                Dataset.from_dict(columns, features=features).to_parquet(str(path))
            counts[split] = len(records)
        size = sum(p.stat().st_size for p in staging.rglob("*.parquet"))
        body = hf_body(counts, size)
        if front_matter and front_matter.get("sources"):
            body += f"\n## Sources\n\n{licence_line(front_matter)}\n\n{sources_table(front_matter)}\n"
        configs = {"default": {s: f"data/{s}-*" for s in counts}}
        (staging / "README.md").write_text(hf_readme(configs, body, front_matter))

    replace_folder_atomic(folder, fill)
    return counts
