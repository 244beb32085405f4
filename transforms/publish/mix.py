"""The mix of an export: caps per source, screenshot, perspective and action type, then the element kinds
(icon, text, field) and languages rebalanced to target shares (params.yaml `mix`).

Which rows a control keeps is decided by a hash of the row's id (salted with `mix.seed`), never by
chance: the same rows and settings keep the same rows, and a row kept stays kept when rows are added
elsewhere. The caps come first; the rebalancing only drops rows, so every cap still holds after it, and
the shares asked for hold at the end (languages, rebalanced last, win where both are set and conflict).
Rebalancing never repeats a row: the kinds (or languages) that are over their share lose rows.
A control whose column the rows lack (`language` before rows carry it, `action_type` on grounding rows)
changes nothing; `unused_controls` says which."""

from __future__ import annotations

import hashlib

import polars as pl

from schemas.config import MixParams

ROW_IDS = ("grounding_id", "instruction_id", "howto_id", "id")  # the first one the rows have is hashed
FIELD_ROLES = ("textbox", "searchbox", "spinbutton", "combobox", "listbox")  # roles of an element one fills
FIELD_TAGS = ("input", "select", "textarea")
KINDS = ("icon", "text", "field")
CAPS = {  # control -> the column it caps
    "per_screenshot": "screenshot_id",
    "per_source": "source_id",
    "per_perspective": "perspective",
    "per_action_type": "action_type",
}
SHARES = {"kinds": "element_kind", "languages": "language"}  # control -> the column it rebalances


def element_kind(rows: pl.DataFrame) -> pl.Expr:
    """icon, text or field for a row naming an element (null for a refusal row, which names none): a
    field by its role or tag, an icon where the row's `is_icon` says it shows no text."""
    field = pl.col("role").is_in(FIELD_ROLES) if "role" in rows.columns else pl.lit(False)
    if "tag" in rows.columns:
        field = field | pl.col("tag").is_in(FIELD_TAGS)
    icon = pl.col("is_icon").fill_null(False) if "is_icon" in rows.columns else pl.lit(False)
    named = pl.col("element_id").is_not_null() if "element_id" in rows.columns else pl.lit(True)
    kind = pl.when(field).then(pl.lit("field")).when(icon).then(pl.lit("icon")).otherwise(pl.lit("text"))
    return pl.when(named).then(kind).otherwise(pl.lit(None, pl.String)).alias("element_kind")


def with_icons(rows: pl.DataFrame, grounding: pl.DataFrame) -> pl.DataFrame:
    """Rows without `is_icon` (instructions, how-to) get it from the grounding rows of the same element,
    so their element kind can be told; rows that have it come back as they are."""
    if "is_icon" in rows.columns or "element_id" not in rows.columns:
        return rows
    icons = grounding.select("element_id", "is_icon").drop_nulls("element_id").unique("element_id")
    return rows.join(icons, on="element_id", how="left")


def summary(dropped: pl.DataFrame) -> str:
    """'12 (per_source 10, kinds 2)': the rows mixed out, by the control that dropped them."""
    by = dict(dropped.group_by("mix_reason").len().iter_rows())
    order = [c for c in (*CAPS, *SHARES) if c in by]
    return f"{dropped.height}" + (f" ({', '.join(f'{c} {by[c]}' for c in order)})" if order else "")


def _rank(rows: pl.DataFrame, seed: int) -> pl.Series:
    id_column = next((c for c in ROW_IDS if c in rows.columns), None)
    if id_column is None:
        raise ValueError(f"mix: the rows have none of the id columns {', '.join(ROW_IDS)}")
    salt = f"{seed}:".encode()
    ranks = [int.from_bytes(hashlib.sha256(salt + i.encode()).digest()[:8]) for i in rows[id_column]]
    return pl.Series("_rank", ranks, dtype=pl.UInt64)


def _place(column: str) -> pl.Expr:
    """A row's place among the rows of its value of `column`, by rank: 0 for the lowest."""
    return pl.col("_rank").rank("ordinal").over(column).cast(pl.Int64) - 1


def _cap(rows: pl.DataFrame, column: str, cap: int | dict[str, int]) -> pl.Expr:
    """True for the rows within the cap of their value of `column` (lowest ranks first)."""
    limit = (
        pl.lit(cap, pl.Int64)
        if isinstance(cap, int)
        else pl.col(column).replace_strict(cap, default=None, return_dtype=pl.Int64)
    )
    return limit.is_null() | (_place(column) < limit)


def _quotas(counts: dict[str, int], shares: dict[str, float]) -> dict[str, int]:
    """Rows each value keeps so that the values listed (and present) stand in the shares asked for,
    as many as possible without repeating a row; values not listed keep all theirs."""
    present = {k: s for k, s in shares.items() if counts.get(k, 0) > 0}
    weight = sum(present.values())
    if weight <= 0:
        return {k: 0 for k in present}
    total = min(counts[k] * weight / s for k, s in present.items() if s > 0)
    return {k: min(counts[k], int(total * s / weight + 1e-9)) for k, s in present.items()}


def _rebalance(rows: pl.DataFrame, column: str, shares: dict[str, float]) -> pl.Expr:
    counts = dict(rows.group_by(column).len().iter_rows())
    quotas = _quotas({k: n for k, n in counts.items() if k is not None}, shares)
    limit = pl.col(column).replace_strict(quotas, default=None, return_dtype=pl.Int64)
    return limit.is_null() | (_place(column) < limit)


def _set(params: MixParams) -> list[str]:
    """The controls `params` sets (a cap of 0 is set: it keeps no row)."""
    caps = [c for c in CAPS if getattr(params, c) is not None]
    return caps + [c for c in SHARES if getattr(params, c)]


def unused_controls(rows: pl.DataFrame, params: MixParams) -> list[str]:
    """The controls set in `params` that change nothing on these rows, each with why."""
    notes = []
    for control in _set(params):
        column = {**CAPS, **SHARES}[control]
        if column not in rows.columns and column != "element_kind":
            notes.append(f"mix.{control} does nothing: the rows have no `{column}` column")
    return notes


def mix(rows: pl.DataFrame, params: MixParams) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows in; (the rows kept, in their order; the rows mixed out, with `mix_reason`, the control that
    dropped them). With no control set every row is kept."""
    reason = pl.DataFrame({"mix_reason": []}, schema={"mix_reason": pl.String})
    if rows.is_empty() or not _set(params):
        return rows, rows.clear().hstack(reason)
    work = rows.with_columns(
        _rank(rows, params.seed), element_kind(rows), pl.int_range(pl.len()).alias("_at")
    )
    dropped = []
    for control, column in CAPS.items():
        cap = getattr(params, control)
        if cap is not None and column in work.columns:
            keep = work.select(_cap(work, column, cap)).to_series()
            dropped.append(work.filter(~keep).with_columns(mix_reason=pl.lit(control)))
            work = work.filter(keep)
    for control, column in SHARES.items():
        shares = getattr(params, control)
        if shares and column in work.columns:
            keep = work.select(_rebalance(work, column, shares)).to_series()
            dropped.append(work.filter(~keep).with_columns(mix_reason=pl.lit(control)))
            work = work.filter(keep)
    helpers = ["_rank", "_at", *(["element_kind"] if "element_kind" not in rows.columns else [])]
    out = pl.concat(dropped).sort("_at") if dropped else work.clear().with_columns(mix_reason=pl.lit(""))
    return work.sort("_at").drop(helpers), out.drop(helpers)
