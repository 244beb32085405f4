"""The data card of a dataset version: what is in it, in numbers and plots a person reads (PNG), the
export mix before and after, and sample screenshots with their boxes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from schemas.config import MixParams
from transforms.audit import draw_overlay, sample_rows
from transforms.publish import plots
from transforms.publish.mix import element_kind, mix, summary, with_icons
from transforms.storage import replace_folder_atomic

MIXED = {"source": "source_id", "perspective": "perspective", "kind": "element_kind", "language": "language"}


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


def mix_counts(grounding: pl.DataFrame, instructions: pl.DataFrame | None) -> dict[str, dict[str, int]]:
    """column -> value -> rows: the grounding rows per source, perspective, element kind and language
    (where rows have one), and the instruction rows per action type."""
    rows = grounding.with_columns(element_kind(grounding).fill_null("none (refusal)"))
    counts = {
        name: dict(rows.group_by(pl.col(column).cast(pl.String).fill_null("?")).len().iter_rows())
        for name, column in MIXED.items()
        if column in rows.columns
    }
    if instructions is not None and "action_type" in instructions.columns:
        counts["action type (instructions)"] = dict(instructions.group_by("action_type").len().iter_rows())
    return counts


def _mix_section(
    grounding: pl.DataFrame, instructions: pl.DataFrame | None, params: MixParams
) -> tuple[list[str], bytes | None]:
    """The card's lines on the mix, and its before/after plot (None where the mix is not set)."""
    mixed_g, out_g = mix(grounding, params)
    shown = instructions if instructions is None else with_icons(instructions, grounding)
    mixed_i, out_i = (None, None) if shown is None else mix(shown, params)
    lines = ["## Export mix", ""]
    if out_g.is_empty() and (out_i is None or out_i.is_empty()) and mixed_g.height == grounding.height:
        setting = "not set" if params == MixParams(seed=params.seed) else "set, and it leaves out no row"
        return [
            *lines,
            f"The mix (`params.yaml` `mix`) is {setting}: exports keep every published row.",
            "",
        ], None
    lines += [
        "What the exports keep under `params.yaml` `mix` (docs/publishing.md#mixing).",
        "",
        "| table | published | exported | mixed out (by control) |",
        "| --- | --- | --- | --- |",
        f"| grounding | {grounding.height:,} | {mixed_g.height:,} | {summary(out_g)} |",
    ]
    if shown is not None:
        lines.append(f"| instructions | {shown.height:,} | {mixed_i.height:,} | {summary(out_i)} |")
    before, after = mix_counts(grounding, shown), mix_counts(mixed_g, mixed_i)
    lines += ["", "| column | value | before | after |", "| --- | --- | --- | --- |"]
    for column, counted in before.items():
        for value in sorted(counted, key=lambda k: (-counted[k], k)):
            lines.append(f"| {column} | {value} | {counted[value]:,} | {after[column].get(value, 0):,} |")
    return [*lines, "", "![the mix before and after](mix.png)", ""], plots.mix_before_after(before, after)


def write_card(
    folder: Path,
    version: dict,
    grounding: pl.DataFrame,
    screenshots: pl.DataFrame,
    samples: int = 3,
    alignment: pl.DataFrame | None = None,
    instructions: pl.DataFrame | None = None,
    contaminated: pl.DataFrame | None = None,
    mix_params: MixParams | None = None,
) -> Path:
    """data/reports/<version>/: card.md, its plots (PNG) and sample overlays. `contaminated`: the table of
    rows matching a benchmark, None where the version has no such table (its plot is left out)."""
    counts = json.loads(version["row_counts"])
    graded = (
        grounding.filter(pl.col("tier").is_not_null()) if "tier" in grounding.columns else grounding.clear()
    )
    tiers = dict(graded.group_by("tier").len().iter_rows())

    def fill(staging: Path) -> None:
        figures = {
            "tiers.png": plots.tiers_per_source(grounding),
            "perspectives.png": plots.perspective_and_actions(grounding, instructions),
            "target-sizes.png": plots.target_sizes(grounding),
            "languages.png": plots.languages({"grounding": grounding, "instructions": instructions}),
            "contamination.png": plots.contamination(contaminated),
        }
        mix_lines, mix_png = _mix_section(grounding, instructions, mix_params or MixParams())
        figures["mix.png"] = mix_png
        for name, png in figures.items():
            if png is not None:
                (staging / name).write_bytes(png)
        pngs = dict(screenshots.select("screenshot_id", "png").iter_rows())
        picked = sample_rows(grounding.filter(pl.col("gt_type") == "positive"), 1, seed=0).head(samples)
        names = []
        for k, row in enumerate(picked.iter_rows(named=True)):
            names.append(f"sample-{k}.png")
            (staging / names[-1]).write_bytes(draw_overlay(pngs[row["screenshot_id"]], row))
        shares = ", ".join(
            f"{t} {tiers.get(t, 0) / max(1, graded.height):.0%}" for t in ("easy", "medium", "hard")
        )
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
            "## Difficulty",
            "",
            f"Graded grounding rows: {graded.height:,} ({shares}). Per source, the positive rows by tier",
            "(the share of the source's rows written in each part):",
            "",
            "![tiers per source](tiers.png)",
            "",
            "## Perspectives and actions",
            "",
            "Grounding rows per perspective (coloured by tier) and instruction rows per action type:",
            "",
            "![perspectives and actions](perspectives.png)",
            "",
            "## Target sizes",
            "",
            "How much of the screen each target box covers (log scale; small targets are harder), and the",
            "boxes' width and height in pixels:",
            "",
            "![target sizes](target-sizes.png)",
            "",
        ]
        if figures["languages.png"] is not None:
            lines += ["## Languages", "", "![languages](languages.png)", ""]
        else:
            lines += [
                "## Languages",
                "",
                "The rows carry no `language` column yet: no languages to show.",
                "",
            ]
        if figures["contamination.png"] is not None:
            lines += [
                "## Contamination",
                "",
                f"{contaminated.height:,} rows match a benchmark source and are withheld from every export:",
                "",
                "![contamination](contamination.png)",
                "",
            ]
        lines += [
            *mix_lines,
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
