"""Synthetic curate inputs at any scale, with duplicates and near duplicates planted at known rates.

Rows look like the template annotator's: one to a few perspectives per element, labels from a web-like
vocabulary, boxes of realistic sizes on 1280x800 screenshots; every id is the content hash it claims.
Planted: `near_screen_rate` of screenshots are near copies (pHash 1-3 bits away) of another one, with
its elements shifted by 2 px and its rows repeated (near duplicates); `exact_rate` of rows repeat
another row's expression on the same screenshot in other case and punctuation (exact duplicates).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from transforms.ids import content_ids

WORDS = (
    "sign in account search settings profile orders pricing help docs blog home cart checkout "
    "billing invoices team members projects reports export import share download upload save cancel "
    "delete edit next previous filter sort notifications messages inbox archive calendar events "
    "products features contact about careers privacy terms security status api guides"
).split()
NOUNS = np.asarray(["button", "link", "field", "tab", "checkbox"])
ROLES = {"button": "button", "link": "link", "field": "textbox", "tab": "tab", "checkbox": "checkbox"}
PERSPECTIVES = np.asarray(["text", "appearance", "function", "spatial", "intent"])


def _labels(rng: np.random.Generator, n: int) -> list[str]:
    k = rng.integers(1, 4, size=n)
    words = np.asarray(WORDS)[rng.integers(0, len(WORDS), size=(n, 3))]
    return [" ".join(w[:j]).capitalize() for w, j in zip(words, k)]


def generate(
    n_rows: int,
    seed: int = 0,
    exact_rate: float = 0.05,
    near_screen_rate: float = 0.1,
    rows_per_screen: int = 50,
) -> dict[str, pl.DataFrame]:
    """screenshots (screenshot_id, source_id, width, height, phash, n_elements, parent_id), elements and
    grounding frames (about n_rows grounding rows), and `plan`: how many duplicates were planted."""
    rng = np.random.default_rng(seed)
    n_screens = max(4, n_rows // rows_per_screen)
    n_near = int(n_screens * near_screen_rate)
    n_orig = n_screens - n_near
    ids = np.asarray([f"{v:016x}" * 4 for v in rng.integers(0, 2**63, size=n_screens, dtype=np.uint64)])
    hashes = rng.integers(0, 2**63, size=n_orig, dtype=np.uint64)
    parents = rng.integers(0, n_orig, size=n_near)
    flips = np.zeros(n_near, dtype=np.uint64)
    for _ in range(3):
        bit = np.uint64(1) << rng.integers(0, 64, size=n_near).astype(np.uint64)
        flips ^= np.where(rng.random(n_near) < 0.6, bit, np.uint64(0))
    flips |= np.where(flips == 0, np.uint64(1), np.uint64(0))
    phash = np.concatenate([hashes, hashes[parents] ^ flips])
    parent_id = np.concatenate([ids[:n_orig], ids[:n_orig][parents]])

    # Elements of the original screenshots; near copies get them shifted by 2 px.
    rows_orig = int(n_rows / (1 + near_screen_rate + exact_rate))
    n_el = max(1, rows_orig // 2)
    w = rng.lognormal(4.3, 0.7, size=n_el).clip(8, 900)
    h = rng.lognormal(3.2, 0.4, size=n_el).clip(8, 300)
    x1, y1 = (rng.random(n_el) * (1280 - w)).round(2), (rng.random(n_el) * (800 - h)).round(2)
    nouns = NOUNS[rng.integers(0, len(NOUNS), size=n_el)]
    labels = _labels(rng, n_el)
    original = pl.DataFrame(
        {
            "screenshot_id": ids[:n_orig][rng.integers(0, n_orig, size=n_el)],
            "source_id": "bench",
            "tag": "a",
            "role": [ROLES[v] for v in nouns],
            "text": labels,
            "name": labels,
            "css_path": [f"body>div:nth-of-type({i})" for i in range(n_el)],
            "x1": x1,
            "y1": y1,
            "x2": (x1 + w).round(2),
            "y2": (y1 + h).round(2),
            "noun": nouns,
        }
    )
    copies = pl.DataFrame({"screenshot_id": ids[n_orig:], "parent": ids[:n_orig][parents]})
    shifted = (
        original.join(copies.rename({"screenshot_id": "child"}), left_on="screenshot_id", right_on="parent")
        .with_columns(
            screenshot_id=pl.col("child"), x1=pl.col("x1") + 2, x2=(pl.col("x2") + 2).clip(upper_bound=1280)
        )
        .drop("child")
    )
    elements = pl.concat([original, shifted]).with_columns(pl.col("x1", "y1", "x2", "y2").cast(pl.Float64))
    elements = elements.with_columns(content_ids(elements, "elements"))

    # Grounding rows for original elements, repeated on the near copies, then exact repeats.
    slot = rng.choice(n_el * len(PERSPECTIVES), size=min(rows_orig, n_el * len(PERSPECTIVES)), replace=False)
    g = original.with_columns(
        content_ids(original.with_columns(pl.col("x1", "y1", "x2", "y2").cast(pl.Float64)), "elements")
    )[slot // len(PERSPECTIVES)]
    g = g.with_columns(perspective=pl.Series(PERSPECTIVES[slot % len(PERSPECTIVES)]), css=pl.col("css_path"))
    echo = (
        g.join(copies.rename({"screenshot_id": "child"}), left_on="screenshot_id", right_on="parent")
        .join(
            elements.select("screenshot_id", "css_path", pl.col("element_id").alias("copy_id"), "x1", "x2"),
            left_on=["child", "css"],
            right_on=["screenshot_id", "css_path"],
            suffix="_c",
        )
        .with_columns(
            screenshot_id=pl.col("child"), element_id=pl.col("copy_id"), x1=pl.col("x1_c"), x2=pl.col("x2_c")
        )
        .select(g.columns)
    )
    g = pl.concat([g, echo])
    dup = g.sample(n=int(g.height * exact_rate), seed=seed)
    g = pl.concat([g, dup.with_columns(_shout=pl.lit(True))], how="diagonal").with_columns(
        pl.col("_shout").fill_null(False)
    )
    g = (
        g.with_columns(
            source_id=pl.lit("bench"),
            gt_type=pl.lit("positive"),
            label=pl.col("text"),
            tag=pl.lit("a"),
            is_icon=pl.lit(False),
            annotator=pl.lit("template"),
            n_matches=pl.lit(1, pl.Int32),
            quality_flags=pl.lit([], dtype=pl.List(pl.String)),
            image_width=pl.lit(1280, pl.Int32),
            image_height=pl.lit(800, pl.Int32),
            expression=pl.format('the "{}" {} ({} view)', "text", "noun", "perspective"),
        )
        .with_columns(
            expression=pl.when(pl.col("_shout"))
            .then(pl.col("expression").str.to_uppercase() + ".")
            .otherwise(pl.col("expression")),
            click_x=((pl.col("x1") + pl.col("x2")) / 2).round(2),
            click_y=((pl.col("y1") + pl.col("y2")) / 2).round(2),
        )
        .select(
            "source_id",
            "screenshot_id",
            "element_id",
            "perspective",
            "gt_type",
            "label",
            "role",
            "annotator",
            "n_matches",
            "quality_flags",
            "expression",
            "tag",
            "is_icon",
            "x1",
            "y1",
            "x2",
            "y2",
            "click_x",
            "click_y",
            "image_width",
            "image_height",
        )
    )
    g = g.with_columns(content_ids(g, "grounding"))
    counts = elements.group_by("screenshot_id").agg(n_elements=pl.len())
    screenshots = (
        pl.DataFrame(
            {
                "screenshot_id": ids,
                "source_id": "bench",
                "width": np.full(n_screens, 1280, np.int32),
                "height": np.full(n_screens, 800, np.int32),
                "phash": phash,
                "parent_id": parent_id,
            }
        )
        .join(counts, on="screenshot_id", how="left")
        .with_columns(pl.col("n_elements").fill_null(0))
    )
    plan = pl.DataFrame({"exact": [dup.height], "near_rows": [echo.height], "near_screens": [n_near]})
    return {"screenshots": screenshots, "elements": elements.drop("noun"), "grounding": g, "plan": plan}
