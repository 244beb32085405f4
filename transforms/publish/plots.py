"""The data card's plots as PNG bytes (matplotlib, Agg): tiers per source, the perspective and action
mix, target sizes, languages, contamination, the mix before and after, and the DVC image plots.

The same frames give the same bytes (no time or version stamped in the PNG): the DVC image plots are
committed with each release, and an unchanged version must change no file."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: files only (before pyplot is imported)

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from schemas.datasets import PERSPECTIVES, TIERS  # noqa: E402

TIER_COLOURS = {"easy": "#59a14f", "medium": "#edc948", "hard": "#e15759", "ungraded": "#bab0ac"}
BEFORE_AFTER = {"before": "#bab0ac", "after": "#4e79a7"}
WIDTH = 8.0  # inches at 100 dpi: 800 px wide
SCATTER_MAX = 20_000  # points a scatter plot draws at most (a million would take long and show no more)


def to_png(figure: plt.Figure) -> bytes:
    """The figure as PNG bytes, closed; no software or date metadata, so the bytes depend on the data."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, metadata={"Software": None}, bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def _barh_stacked(ax, labels: list[str], parts: dict[str, list[int]], colours: dict[str, str]) -> None:
    """Horizontal bars of `labels`, each split into `parts` (name -> a count per label), totals written."""
    left = np.zeros(len(labels))
    for name, counts in parts.items():
        ax.barh(labels, counts, left=left, color=colours.get(name), label=name)
        left += np.asarray(counts, dtype=float)
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total):,}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left.max(initial=0) * 1.15, 1))
    ax.spines[["top", "right"]].set_visible(False)


def _tier_column(grounding: pl.DataFrame) -> pl.Expr:
    return pl.col("tier").fill_null("ungraded") if "tier" in grounding.columns else pl.lit("ungraded")


def tiers_per_source(grounding: pl.DataFrame) -> bytes:
    """Positive grounding rows per source, split by difficulty tier, each tier's share written in it."""
    positive = grounding.filter(pl.col("gt_type") == "positive").with_columns(tier=_tier_column(grounding))
    sources = sorted(positive["source_id"].unique().to_list()) or ["(none)"]
    counted = {(s, t): n for s, t, n in positive.group_by("source_id", "tier").len().iter_rows()}
    tiers = [t for t in (*TIERS, "ungraded") if any(counted.get((s, t)) for s in sources)] or list(TIERS)
    parts = {t: [counted.get((s, t), 0) for s in sources] for t in tiers}
    figure, ax = plt.subplots(figsize=(WIDTH, 1.2 + 0.45 * len(sources)))
    _barh_stacked(ax, sources, parts, TIER_COLOURS)
    left = np.zeros(len(sources))
    for t in tiers:
        for y, (n, total) in enumerate(
            zip(parts[t], [sum(p[i] for p in parts.values()) for i in range(len(sources))])
        ):
            if total and n / total >= 0.08:
                ax.text(left[y] + n / 2, y, f"{n / total:.0%}", ha="center", va="center", fontsize=7)
        left += np.asarray(parts[t], dtype=float)
    ax.set_title("Positive grounding rows per source and difficulty tier")
    ax.set_xlabel("rows")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return to_png(figure)


def perspective_and_actions(grounding: pl.DataFrame, instructions: pl.DataFrame | None) -> bytes:
    """Left: grounding rows per perspective, split by tier; right: instruction rows per action type."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(WIDTH * 1.25, 3.6), width_ratios=(3, 2))
    rows = grounding.with_columns(tier=_tier_column(grounding))
    present = set(rows["perspective"].unique().to_list())
    perspectives = [p for p in PERSPECTIVES if p in present] + sorted(present - set(PERSPECTIVES))
    counted = {(p, t): n for p, t, n in rows.group_by("perspective", "tier").len().iter_rows()}
    tiers = [t for t in (*TIERS, "ungraded") if any(counted.get((p, t)) for p in perspectives)]
    _barh_stacked(
        left, perspectives, {t: [counted.get((p, t), 0) for p in perspectives] for t in tiers}, TIER_COLOURS
    )
    left.set_title("Grounding rows per perspective")
    left.legend(loc="lower right", fontsize=8, frameon=False)
    if instructions is None or instructions.is_empty() or "action_type" not in instructions.columns:
        right.text(0.5, 0.5, "no instruction rows", ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
    else:
        actions = (
            instructions.group_by("action_type").len().sort("len", "action_type", descending=[True, False])
        )
        _barh_stacked(
            right, actions["action_type"].to_list(), {"rows": actions["len"].to_list()}, {"rows": "#4e79a7"}
        )
        right.set_title("Instruction rows per action type")
    return to_png(figure)


def target_sizes(grounding: pl.DataFrame) -> bytes:
    """Left: how much of the screen the targets cover (log scale), stacked by tier; right: the targets'
    width and height in pixels."""
    boxed = (
        grounding.filter(pl.col("x1").is_not_null())
        .with_columns(
            tier=_tier_column(grounding),
            w=pl.col("x2") - pl.col("x1"),
            h=pl.col("y2") - pl.col("y1"),
        )
        .with_columns(
            share=(pl.col("w") * pl.col("h") / (pl.col("image_width") * pl.col("image_height"))).clip(1e-7, 1)
        )
    )
    figure, (left, right) = plt.subplots(1, 2, figsize=(WIDTH * 1.25, 3.6))
    if boxed.is_empty():
        for ax in (left, right):
            ax.text(0.5, 0.5, "no boxes", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        return to_png(figure)
    edges = np.logspace(-6, 0, 25)
    tiers = [t for t in (*TIERS, "ungraded") if t in set(boxed["tier"].to_list())]
    left.hist(
        [boxed.filter(pl.col("tier") == t)["share"].to_numpy() for t in tiers],
        bins=edges,
        stacked=True,
        color=[TIER_COLOURS[t] for t in tiers],
        label=tiers,
    )
    left.set_xscale("log")
    left.set_xlabel("target area / screen area")
    left.set_ylabel("rows")
    left.set_title("Target size (share of the screen)")
    left.legend(fontsize=8, frameon=False)
    dots = boxed.gather_every(max(1, boxed.height // SCATTER_MAX))  # every k-th row: the same picture
    for t in tiers:
        part = dots.filter(pl.col("tier") == t)
        right.scatter(
            part["w"].to_numpy(), part["h"].to_numpy(), s=6, alpha=0.6, color=TIER_COLOURS[t], label=t
        )
    right.set_xscale("log")
    right.set_yscale("log")
    for axis in (right.xaxis, right.yaxis):
        axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xlabel("width (px)")
    right.set_ylabel("height (px)")
    right.set_title("Target width and height")
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    return to_png(figure)


def languages(tables: dict[str, pl.DataFrame]) -> bytes | None:
    """Rows per language (null: not detected) of each table that has a `language` column; None where
    none has."""
    spoken = {t: f for t, f in tables.items() if f is not None and "language" in f.columns}
    if not spoken:
        return None
    counted = {
        t: dict(f.group_by(pl.col("language").fill_null("?")).len().iter_rows()) for t, f in spoken.items()
    }
    totals: dict[str, int] = {}
    for by_language in counted.values():
        for lang, n in by_language.items():
            totals[lang] = totals.get(lang, 0) + n
    order = sorted(totals, key=lambda k: (-totals[k], k))[:20]
    figure, ax = plt.subplots(figsize=(WIDTH, 1.2 + 0.35 * len(order)))
    palette = plt.get_cmap("tab10")
    colours = {t: palette(i) for i, t in enumerate(counted)}
    _barh_stacked(ax, order, {t: [c.get(k, 0) for k in order] for t, c in counted.items()}, colours)
    ax.set_title("Rows per language ('?': not detected)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return to_png(figure)


def contamination(contaminated: pl.DataFrame | None) -> bytes | None:
    """Rows withheld as matching a benchmark, per source and table, split by how they match; None where
    there is no `contaminated` table."""
    if contaminated is None:
        return None
    where = contaminated.select(pl.concat_str("source_id", "table")).n_unique() if contaminated.height else 1
    figure, ax = plt.subplots(figsize=(WIDTH, 1.4 + 0.45 * where))
    if contaminated.is_empty():
        ax.text(0.5, 0.5, "no row matches a benchmark", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return to_png(figure)
    keyed = contaminated.with_columns(where=pl.concat_str("source_id", "table", separator=" / "))
    labels = sorted(keyed["where"].unique().to_list())
    matches = sorted(keyed["match"].unique().to_list())
    counted = {(w, m): n for w, m, n in keyed.group_by("where", "match").len().iter_rows()}
    palette = plt.get_cmap("Set2")
    _barh_stacked(
        ax,
        labels,
        {m: [counted.get((w, m), 0) for w in labels] for m in matches},
        {m: palette(i) for i, m in enumerate(matches)},
    )
    ax.set_title("Rows withheld as matching a benchmark (source / table), by match")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return to_png(figure)


def mix_before_after(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> bytes:
    """One panel per mixed column (source, perspective, kind, ...): rows before and after the mix."""
    columns = [c for c in before if before[c]]
    across = min(3, max(1, len(columns)))
    down = -(-max(1, len(columns)) // across)
    figure, axes = plt.subplots(
        down, across, figsize=(WIDTH * 1.3, 3.0 * down), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[len(columns) :]:
        ax.set_axis_off()
    for ax, column in zip(axes.flat, columns):
        keys = sorted(before[column], key=lambda k: (-before[column][k], k))[:12]
        y = np.arange(len(keys))
        ax.barh(y - 0.2, [before[column][k] for k in keys], 0.4, color=BEFORE_AFTER["before"], label="before")
        ax.barh(
            y + 0.2, [after[column].get(k, 0) for k in keys], 0.4, color=BEFORE_AFTER["after"], label="after"
        )
        ax.set_yticks(y, keys, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(column, fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].legend(fontsize=8, frameon=False)
    figure.suptitle("The export mix (params.yaml mix): rows before and after")
    return to_png(figure)


def histogram_png(csv_text: str, title: str) -> bytes:
    """A DVC image plot from the metrics' difficulty CSV (`difficulty,rows`)."""
    lines = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    figure, ax = plt.subplots(figsize=(WIDTH * 0.75, 3.2))
    ax.bar([float(x) + 0.05 for x, _ in lines], [int(n) for _, n in lines], width=0.09, color="#4e79a7")
    ax.set_xlim(0, 1)
    ax.set_xlabel("difficulty (bins of 0.1)")
    ax.set_ylabel("rows")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return to_png(figure)


def sources_png(csv_text: str, title: str) -> bytes:
    """A DVC image plot from the metrics' per-source CSV (`source,<table>,...`)."""
    header, *lines = [line.split(",") for line in csv_text.strip().splitlines()]
    sources = [line[0] for line in lines] or ["(none)"]
    palette = plt.get_cmap("tab10")
    figure, axes = plt.subplots(
        1,
        len(header) - 1,
        figsize=(WIDTH * 1.25, 1.4 + 0.4 * len(sources)),
        squeeze=False,
        layout="constrained",
    )
    for i, (ax, table) in enumerate(zip(axes[0], header[1:])):
        counts = [int(line[i + 1]) for line in lines] or [0]
        _barh_stacked(ax, sources, {table: counts}, {table: palette(i)})
        ax.set_title(table, fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
        if i:
            ax.set_yticklabels([])
    figure.suptitle(title)
    return to_png(figure)
