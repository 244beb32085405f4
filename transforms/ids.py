"""Content-hash ids: the same content always gets the same id, so reruns and dedup line up.

The registry (`schemas.registry`) says which columns each table's id is the hash of, so an id can be
checked against its row:
`row_id` computes one id in Python, `content_ids` recomputes a whole column vectorised (the JSON text
built by Polars, hashed by DuckDB), byte for byte what `content_id` gives.
"""

from __future__ import annotations

import hashlib
import json

import duckdb
import polars as pl

from schemas import registry

_CONTROL = r"[\x00-\x07\x0b\x0e-\x1f]"  # escaped as \u00XX by json.dumps: left to Python


def content_id(*parts: object) -> str:
    """A 32-hex-digit id from the JSON form of `parts` (order matters)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def sha256_hex(data: bytes) -> str:
    """The full sha256 of raw bytes, as screenshots and pages are identified."""
    return hashlib.sha256(data).hexdigest()


def row_id(table: str, row: dict) -> str:
    """The id a row of `table` must carry."""
    prefix, parts = _parts(table)
    return content_id(prefix, *[[row[c] for c in p] if isinstance(p, list) else row[p] for p in parts])


def _json(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """JSON text of a column's values as json.dumps writes them (', ' between list items)."""
    if dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
    elif dtype.is_float():
        text = col.cast(pl.String)
    elif isinstance(dtype, pl.List):
        text = pl.lit("[") + col.list.eval(_json(pl.element(), dtype.inner)).list.join(", ") + pl.lit("]")
    else:
        escaped = col.cast(pl.String)
        for raw, esc in (
            ("\\", "\\\\"),
            ('"', '\\"'),
            ("\n", "\\n"),
            ("\r", "\\r"),
            ("\t", "\\t"),
            ("\b", "\\b"),
            ("\f", "\\f"),
        ):
            escaped = escaped.str.replace_all(raw, esc, literal=True)
        text = pl.lit('"') + escaped + pl.lit('"')
    return pl.when(col.is_null()).then(pl.lit("null")).otherwise(text)


def content_ids(frame: pl.DataFrame, table: str) -> pl.Series:
    """The id each row of `frame` (a `table`) must carry, computed for the whole frame at once."""
    prefix, parts = _parts(table)
    pieces = [pl.lit(f'["{prefix}"')]
    for p in parts:
        if isinstance(p, list):
            inner = pl.concat_str([_json(pl.col(c), frame.schema[c]) for c in p], separator=", ")
            pieces.append(pl.lit(", [") + inner + pl.lit("]"))
        else:
            pieces.append(pl.lit(", ") + _json(pl.col(p), frame.schema[p]))
    text = frame.select(j=pl.concat_str([*pieces, pl.lit("]")]))  # noqa: F841 - DuckDB reads it by name
    with duckdb.connect() as con:  # one connection per call: flows hash in several threads at once
        hashed = con.sql("select left(sha256(j), 32) as id from text").pl()["id"]
    odd = frame.select(
        pl.any_horizontal(
            [
                pl.col(c).cast(pl.String).str.contains(_CONTROL)
                for c in _flat(parts)
                if frame.schema[c] == pl.String
            ]
            or [pl.lit(False)]
        )
    ).to_series()
    if odd.any():  # rare control characters: let json.dumps escape them
        fixed = [row_id(table, r) for r in frame.filter(odd).iter_rows(named=True)]
        hashed = hashed.scatter(odd.arg_true(), fixed)
    return hashed.alias(registry.table(table).row_id)


def _flat(parts: list) -> list[str]:
    return [c for p in parts for c in (p if isinstance(p, list) else [p])]


def _parts(table: str) -> tuple[str, tuple]:
    """(prefix, columns) a table's content id is the hash of."""
    found = registry.table(table)
    if not found.id_from:
        raise ValueError(f"table {table!r} has no content id")
    return found.id_prefix, found.id_from
