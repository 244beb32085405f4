"""Failure messages as published: no Python object addresses, no local absolute paths (a path is
published as its last part), and, for a page a browser could not capture, the documented reason
instead of the browser library's raw text (docs/capture.md lists the reasons)."""

from __future__ import annotations

import polars as pl

# The text columns of published tables that carry failure messages (skipped's reason is `code: detail`).
MESSAGE_COLUMNS = {"captures": ("message",), "records": ("message",), "skipped": ("reason",)}
ADDRESS = r" at 0x[0-9a-fA-F]+"  # <_io.BytesIO object at 0x7ff1...> -> <_io.BytesIO object>
# an absolute path (at the start, or after a space, quote, bracket, '=', ':' or ','): kept as its last
# part; a URL's path follows a host name, never one of those, and is kept whole
ABSOLUTE_PATH = r"(^|[\s'\"(\[=:,])/(?:[^\s/'\"()\[\]]+/)+([^\s/'\"()\[\],]+)"
# Playwright's own words when a page replaced or closed itself while it was being captured
PAGE_WENT_AWAY = (
    r"Execution context was destroyed|Target page, context or browser has been closed|"
    r"frame (?:was|got) detached|Protocol error \(Page\.\w+\)|Target closed|Session closed"
)
WENT_AWAY = "page navigated away or reloaded itself during capture"


def public_text(column: str) -> pl.Expr:
    """The column's messages without object addresses or local absolute paths."""
    return pl.col(column).str.replace_all(ADDRESS, "").str.replace_all(ABSOLUTE_PATH, "${1}${2}")


def public_messages(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """A source's tables in; the same with their failure messages as published (see the docstring)."""
    out = dict(tables)
    for table, columns in MESSAGE_COLUMNS.items():
        if table not in out:
            continue
        frame = out[table].with_columns(public_text(c) for c in columns)
        if table == "captures":
            raw = pl.col("message").str.contains(PAGE_WENT_AWAY)
            frame = frame.with_columns(
                message=pl.when(raw).then(pl.lit(WENT_AWAY)).otherwise(pl.col("message"))
            )
        out[table] = frame
    return out
