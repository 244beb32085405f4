"""The run summary people read at the end of `groundmill run`, computed from the catalog."""

from __future__ import annotations

import duckdb

from flows.settings import Paths


def open_catalog(paths: Paths) -> duckdb.DuckDBPyConnection:
    """A read-only connection to data/catalog.duckdb that resolves the views' relative paths."""
    if not paths.catalog.exists():
        raise FileNotFoundError(f"{paths.catalog} not found: run `groundmill run` (or `dvc repro`) first")
    con = duckdb.connect(str(paths.catalog), read_only=True)
    con.execute(f"set file_search_path = '{paths.root.as_posix()}'")
    return con


def _capped(lines: list[str], most: int = 10) -> list[str]:
    """At most `most` lines, then one that says how many more the captures table holds."""
    if len(lines) <= most:
        return lines
    return lines[:most] + [f'    … and {len(lines) - most} more (groundmill query "select * from captures")']


def summary_text(paths: Paths) -> str:
    """Pages, elements, rows per table, quarantine, difficulty tiers, failed pages and where outputs are."""
    con = open_catalog(paths)
    try:
        scalar = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        status = dict(con.execute("select status, count(*) from captures group by 1 order by 1").fetchall())
        lines = [
            "groundmill run summary",
            f"  pages captured:   {sum(status.values())} "
            f"({', '.join(f'{k} {v}' for k, v in status.items())})",
            f"  elements:         {scalar('select count(*) from elements')}",
            "  rows per table:",
        ]
        for table in (
            "screenshots",
            "grounding",
            "instructions",
            "howto",
            "skipped",
            "rejected",
            "duplicates",
            "quarantine",
        ):
            lines.append(f"    {table:<13} {scalar(f'select count(*) from {table}')}")
        tiers = con.execute(
            "select tier, count(*) from grounding where tier is not null group by 1 "
            "order by array_position(['easy','medium','hard'], tier)"
        ).fetchall()
        lines.append("  difficulty tiers: " + (", ".join(f"{t} {n}" for t, n in tiers) or "none"))
        reasons = con.execute(
            "select reason, count(*) from quarantine group by 1 order by 2 desc limit 5"
        ).fetchall()
        lines.append(
            f"  quarantined:      {sum(n for _, n in reasons)}"
            + "".join(f"\n    {n} × {r}" for r, n in reasons)
        )
        failed = con.execute(
            "select source_id, page_path, status, message from captures where status <> 'ok' order by 1, 2"
        ).fetchall()
        if failed:
            lines.append(f"  pages not captured: {len(failed)}")
            lines += _capped([f"    {s}/{p or '(source)'}: {st}: {m}" for s, p, st, m in failed])
        noisy = con.execute(
            "select source_id, page_path, message from captures "
            "where status = 'ok' and script_errors > 0 order by 1, 2"
        ).fetchall()
        if noisy:
            lines.append(f"  captured despite script errors: {len(noisy)}")
            lines += _capped([f"    {s}/{p}: {m}" for s, p, m in noisy])
        unbalanced = scalar(
            "select count(*) from ledger "
            "where rows_in <> rows_out + quarantined + deduplicated + skipped + rejected"
        )
        lines.append(
            f"  ledger:           {scalar('select count(*) from ledger')} rows, "
            + ("all balanced" if unbalanced == 0 else f"{unbalanced} NOT balanced")
        )
    finally:
        con.close()
    lines += [
        "outputs:",
        f"  tables:  {paths.processed}/<table>/source=<id>/part-0.parquet",
        f'  catalog: {paths.catalog}  (try: groundmill query "select tier, count(*) from '
        'grounding group by 1")',
    ]
    return "\n".join(lines)
