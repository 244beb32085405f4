"""Synthetic curate inputs at any scale, with duplicates and near duplicates planted at known rates.

Rows look like the template annotator's: one to a few perspectives per element, labels from a web-like
vocabulary, boxes of realistic sizes on 1280x800 screenshots; every id is the content hash it claims.
Planted: `near_screen_rate` of screenshots are near copies (pHash 1-3 bits away) of another one, with
its elements shifted by 2 px and its rows repeated (near duplicates); `exact_rate` of rows repeat
another row's expression on the same screenshot in other case and punctuation (exact duplicates).

Columns and dtypes come from the pandera models in schemas/, so a column added to a contract either
appears here as null (nullable) or stops generation with its name (required); it can no longer make
every synthetic row fail validation while the benchmark times the quarantine.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schemas import registry
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


def contract_dtypes(table: str) -> dict[str, tuple[pl.DataType, bool]]:
    """column -> (Polars dtype, nullable) of a registered table, in the registry's order."""
    columns = registry.table(table).model.to_schema().columns
    return {name: (dtype, columns[name].nullable) for name, dtype in registry.schema(table).items()}


def conform(frame: pl.DataFrame, table: str, leave_out: tuple[str, ...] = ()) -> pl.DataFrame:
    """`frame` as the contract of `table` lays it out: its columns in order and cast to their dtypes, the
    nullable ones `frame` lacks as nulls. A required column it lacks is an error here, with its name."""
    columns = []
    for name, (dtype, nullable) in contract_dtypes(table).items():
        if name in leave_out:
            continue
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        elif nullable:
            columns.append(pl.lit(None, dtype).alias(name))
        else:
            raise ValueError(
                f"the {table} contract requires column {name!r}, which bench/synthetic.py does not make: "
                "give it a realistic value there"
            )
    return frame.select(columns)


def _screens(rng: np.random.Generator, n_screens: int, n_near: int) -> tuple[np.ndarray, pl.DataFrame]:
    """Screenshot ids and their pHash; the last n_near are near copies (1-3 bits flipped) of others."""
    n_orig = n_screens - n_near
    ids = np.asarray([f"{v:016x}" * 4 for v in rng.integers(0, 2**63, size=n_screens, dtype=np.uint64)])
    hashes = rng.integers(0, 2**63, size=n_orig, dtype=np.uint64)
    parents = rng.integers(0, n_orig, size=n_near)
    flips = np.zeros(n_near, dtype=np.uint64)
    for _ in range(3):
        bit = np.uint64(1) << rng.integers(0, 64, size=n_near).astype(np.uint64)
        flips ^= np.where(rng.random(n_near) < 0.6, bit, np.uint64(0))
    flips |= np.where(flips == 0, np.uint64(1), np.uint64(0))
    shots = pl.DataFrame(
        {
            "screenshot_id": ids,
            "phash": np.concatenate([hashes, hashes[parents] ^ flips]),
            "parent_id": np.concatenate([ids[:n_orig], ids[:n_orig][parents]]),
        }
    )
    return ids, shots


def _elements(rng: np.random.Generator, shot_ids: np.ndarray, n_el: int) -> pl.DataFrame:
    """Elements of the original screenshots, with the noun their label names (dropped later)."""
    w = rng.lognormal(4.3, 0.7, size=n_el).clip(8, 900)
    h = rng.lognormal(3.2, 0.4, size=n_el).clip(8, 300)
    x1, y1 = (rng.random(n_el) * (1280 - w)).round(2), (rng.random(n_el) * (800 - h)).round(2)
    nouns = NOUNS[rng.integers(0, len(NOUNS), size=n_el)]
    labels = _labels(rng, n_el)
    return pl.DataFrame(
        {
            "screenshot_id": shot_ids[rng.integers(0, len(shot_ids), size=n_el)],
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
    ).with_columns(pl.col("x1", "y1", "x2", "y2").cast(pl.Float64))


def _element_table(elements: pl.DataFrame) -> pl.DataFrame:
    """The elements contract's columns a captured element would have; ids are content hashes."""
    filled = elements.with_columns(
        source_id=pl.lit("bench"),
        capture_id=pl.col("screenshot_id").str.slice(0, 32),
        part_index=pl.lit(0),
        element_index=pl.int_range(pl.len()).over("screenshot_id"),
        interactive=pl.lit(True),
        center_hit=pl.lit(True),
        visible_ratio=pl.lit(1.0),
        in_viewport=pl.lit(True),
        scope=pl.lit("document"),
    )
    return conform(filled.with_columns(content_ids(filled, "elements")), "elements")


def _grounding_rows(g: pl.DataFrame) -> pl.DataFrame:
    """Grounding rows as the template annotator writes them; `_shout` rows repeat another's expression
    in capitals with a full stop (an exact duplicate once case and punctuation are normalised)."""
    g = g.with_columns(
        source_id=pl.lit("bench"),
        gt_type=pl.lit("positive"),
        label=pl.col("text"),
        tag=pl.lit("a"),
        is_icon=pl.lit(False),
        annotator=pl.lit("template"),
        n_matches=pl.lit(1),
        quality_flags=pl.lit([], dtype=pl.List(pl.String)),
        image_width=pl.lit(1280),
        image_height=pl.lit(800),
        expression=pl.format('the "{}" {} ({} view)', "text", "noun", "perspective"),
    ).with_columns(
        expression=pl.when(pl.col("_shout"))
        .then(pl.col("expression").str.to_uppercase() + ".")
        .otherwise(pl.col("expression")),
        click_x=((pl.col("x1") + pl.col("x2")) / 2).round(2),
        click_y=((pl.col("y1") + pl.col("y2")) / 2).round(2),
    )
    return g.with_columns(content_ids(g, "grounding"))


def _echo(g: pl.DataFrame, copies: pl.DataFrame, elements: pl.DataFrame) -> pl.DataFrame:
    """The rows `g` has on an original screenshot, again on its near copies (the element there, 2 px
    away); `_of` is the row each repeats."""
    return (
        g.join(copies, left_on="screenshot_id", right_on="parent_id")
        .join(
            elements.select("screenshot_id", "css_path", pl.col("element_id").alias("copy_id"), "x1", "x2"),
            left_on=["child", "css_path"],
            right_on=["screenshot_id", "css_path"],
            suffix="_c",
        )
        .with_columns(
            screenshot_id=pl.col("child"), element_id=pl.col("copy_id"), x1=pl.col("x1_c"), x2=pl.col("x2_c")
        )
        .select(g.columns)
        .with_columns(_of=pl.col("_n"), _kind=pl.lit("near"))
    )


def _planted(g: pl.DataFrame) -> pl.DataFrame:
    """kind, copy_id and original_id of every planted copy in the finished grounding rows."""
    return (
        g.filter(pl.col("_of").is_not_null())
        .select(pl.col("_kind").alias("kind"), pl.col("grounding_id").alias("copy_id"), "_of")
        .join(g.select("_n", pl.col("grounding_id").alias("original_id")), left_on="_of", right_on="_n")
        .drop("_of")
    )


def _screenshot_table(shots: pl.DataFrame, elements: pl.DataFrame) -> pl.DataFrame:
    counts = elements.group_by("screenshot_id").agg(n_elements=pl.len())
    table = conform(
        shots.with_columns(
            source_id=pl.lit("bench"),
            capture_id=pl.col("screenshot_id").str.slice(0, 32),
            device=pl.lit("desktop"),
            platform=pl.lit("web"),
            part_index=0,
            scroll_y=0.0,
            width=1280,
            height=800,
        ),
        "screenshots",
        leave_out=("png", "phash"),  # the benchmark hashes no image: its pHashes are planted (below)
    ).with_columns(shots["phash"], shots["parent_id"])
    return table.join(counts, on="screenshot_id", how="left").with_columns(pl.col("n_elements").fill_null(0))


def generate(
    n_rows: int,
    seed: int = 0,
    exact_rate: float = 0.05,
    near_screen_rate: float = 0.1,
    rows_per_screen: int = 50,
) -> dict[str, pl.DataFrame]:
    """screenshots (the screenshots contract without png, plus phash, n_elements and parent_id), elements
    and grounding frames (about n_rows grounding rows) as their contracts lay them out, `plan`: how many
    duplicates were planted, and `planted`: each planted copy (kind exact or near, copy_id) and the
    grounding_id of the row it copies (original_id)."""
    rng = np.random.default_rng(seed)
    n_screens = max(4, n_rows // rows_per_screen)
    n_near = int(n_screens * near_screen_rate)
    n_orig = n_screens - n_near
    ids, shots = _screens(rng, n_screens, n_near)
    rows_orig = int(n_rows / (1 + near_screen_rate + exact_rate))
    n_el = max(1, rows_orig // 2)
    original = _elements(rng, ids[:n_orig], n_el)
    # Near copies show the same elements shifted by 2 px.
    copies = shots.slice(n_orig).select(pl.col("screenshot_id").alias("child"), pl.col("parent_id"))
    shifted = (
        original.join(copies, left_on="screenshot_id", right_on="parent_id")
        .with_columns(
            screenshot_id=pl.col("child"), x1=pl.col("x1") + 2, x2=(pl.col("x2") + 2).clip(upper_bound=1280)
        )
        .drop("child")
    )
    elements = pl.concat([original, shifted])
    elements = elements.with_columns(content_ids(elements, "elements"))

    # Grounding rows for original elements, repeated on the near copies, then exact repeats.
    slot = rng.choice(n_el * len(PERSPECTIVES), size=min(rows_orig, n_el * len(PERSPECTIVES)), replace=False)
    g = original.with_columns(content_ids(original, "elements"))[slot // len(PERSPECTIVES)]
    g = g.with_columns(perspective=pl.Series(PERSPECTIVES[slot % len(PERSPECTIVES)])).with_row_index("_n")
    echo = _echo(g, copies, elements)
    g = pl.concat([g, echo], how="diagonal").drop("_n").with_row_index("_n")
    dup = g.sample(n=int(g.height * exact_rate), seed=seed).with_columns(
        _of=pl.col("_n"), _kind=pl.lit("exact"), _shout=pl.lit(True)
    )
    g = pl.concat([g.with_columns(_shout=pl.lit(False)), dup.drop("_n")], how="diagonal")
    g = _grounding_rows(g.drop("_n").with_row_index("_n"))
    return {
        "screenshots": _screenshot_table(shots, elements),
        "elements": _element_table(elements.drop("noun")),
        "grounding": conform(g, "grounding"),
        "plan": pl.DataFrame({"exact": [dup.height], "near_rows": [echo.height], "near_screens": [n_near]}),
        "planted": _planted(g),
    }
