"""The data card of a dataset version: counts, plots as PNG, and sample screenshots with their boxes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
from PIL import Image, ImageDraw

from transforms.audit import draw_overlay, sample_rows
from transforms.storage import replace_folder_atomic


def bar_chart(title: str, counts: list[tuple[str, int]], width: int = 640, bar: int = 26) -> bytes:
    """A horizontal bar chart as PNG bytes (Pillow only)."""
    height = 40 + bar * max(1, len(counts))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), title, fill=(20, 20, 20))
    top = max([n for _, n in counts] or [1]) or 1
    for i, (label, n) in enumerate(counts):
        y = 34 + i * bar
        draw.text((10, y + 6), str(label), fill=(40, 40, 40))
        length = int((width - 240) * n / top)
        draw.rectangle((140, y + 4, 140 + max(length, 1), y + bar - 4), fill=(37, 99, 235))
        draw.text((146 + length, y + 6), f"{n:,}", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _counts(frame: pl.DataFrame, column: str, order: list[str] | None = None) -> list[tuple[str, int]]:
    counted = dict(frame.group_by(column).len().iter_rows())
    keys = order or sorted(k for k in counted if k is not None)
    return [(k, counted.get(k, 0)) for k in keys]


def alignment_table(alignment: pl.DataFrame | None) -> list[str]:
    """The card's OCR alignment section: one row per application (transforms/capture/alignment.per_app)."""
    if alignment is None or alignment.is_empty():
        return []
    rows = [
        f"| {r['source_id']} | {r['app']} | {r['found']}/{r['checked']} | {r['share']:.2f} |"
        f" {r.get('icon_only') or 0} | {'flagged' if r['flagged'] else ''} |"
        for r in alignment.iter_rows(named=True)
    ]
    return [
        "## OCR alignment",
        "",
        "Desktop: of the elements that show their name as text (3+ letters, 12+ px high), those whose own",
        "crop OCR reads as the name (icon-only controls apart); phantom, covered or offset boxes count",
        "against it. Web: DOM text boxes that OCR found where they are (IoU >= 0.5), of those it read. An",
        "application under the threshold is flagged.",
        "",
        "| source | application | found | share | icon-only apart | |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]


def write_card(
    folder: Path,
    version: dict,
    grounding: pl.DataFrame,
    screenshots: pl.DataFrame,
    samples: int = 3,
    alignment: pl.DataFrame | None = None,
) -> Path:
    """data/reports/<version>/: card.md, tiers.png, perspectives.png and sample overlays."""
    counts = json.loads(version["row_counts"])

    def fill(staging: Path) -> None:
        (staging / "tiers.png").write_bytes(
            bar_chart(
                "grounding rows per difficulty tier", _counts(grounding, "tier", ["easy", "medium", "hard"])
            )
        )
        (staging / "perspectives.png").write_bytes(
            bar_chart("grounding rows per perspective", _counts(grounding, "perspective"))
        )
        pngs = dict(screenshots.select("screenshot_id", "png").iter_rows())
        picked = sample_rows(grounding.filter(pl.col("gt_type") == "positive"), 1, seed=0).head(samples)
        names = []
        for k, row in enumerate(picked.iter_rows(named=True)):
            names.append(f"sample-{k}.png")
            (staging / names[-1]).write_bytes(draw_overlay(pngs[row["screenshot_id"]], row))
        lines = [
            f"# Dataset version {version['version']}",
            "",
            f"- published: {version['published_at']:%Y-%m-%d %H:%M:%S} UTC",
            f"- content sha256: `{version['content_sha256']}`",
            f"- sources: {', '.join(version['sources'])}",
            "",
            "| table | rows |",
            "| --- | --- |",
            *[f"| {t} | {n:,} |" for t, n in sorted(counts.items())],
            "",
            "![tiers](tiers.png)",
            "",
            "![perspectives](perspectives.png)",
            "",
            *alignment_table(alignment),
            "## Samples",
            "",
            *[f"![sample]({n})" for n in names],
            "",
        ]
        (staging / "card.md").write_text("\n".join(lines))

    target = folder / version["version"]
    replace_folder_atomic(target, fill)
    return target / "card.md"
