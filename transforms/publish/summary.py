"""The run summary people read at the end of `groundmill run`, computed from the catalog."""

from __future__ import annotations

from pathlib import Path

import duckdb


def open_catalog(catalog: Path, root: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the catalog that resolves the views' paths (relative to `root`)."""
    if not catalog.exists():
        raise FileNotFoundError(
            f"{catalog} not found: run `groundmill run` (or `dvc repro`) first, from inside the project "
            "(or with GROUNDMILL_ROOT naming it)"
        )
    con = duckdb.connect(str(catalog), read_only=True)
    con.execute(f"set file_search_path = '{root.as_posix()}'")
    return con


def _capped(lines: list[str], most: int = 10) -> list[str]:
    """At most `most` lines, then one that says how many more the captures table holds."""
    if len(lines) <= most:
        return lines
    return lines[:most] + [f'    … and {len(lines) - most} more (groundmill query "select * from captures")']


COUNTED = (
    "screenshots",
    "grounding",
    "instructions",
    "howto",
    "trajectories",
    "skipped",
    "rejected",
    "contaminated",
    "duplicates",
    "quarantine",
)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def _rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Pages by status, elements, rows per table, tiers, the main quarantine reasons."""
    status = dict(con.execute("select status, count(*) from captures group by 1 order by 1").fetchall())
    lines = [
        f"  pages captured:   {sum(status.values())} ({', '.join(f'{k} {v}' for k, v in status.items())})",
        f"  elements:         {_scalar(con, 'select count(*) from elements')}",
        "  rows per table:",
        *(f"    {table:<13} {_scalar(con, f'select count(*) from {table}')}" for table in COUNTED),
    ]
    tiers = con.execute(
        "select tier, count(*) from grounding where tier is not null group by 1 "
        "order by array_position(['easy','medium','hard'], tier)"
    ).fetchall()
    lines.append("  difficulty tiers: " + (", ".join(f"{t} {n}" for t, n in tiers) or "none"))
    reasons = con.execute(
        "select reason, count(*) from quarantine group by 1 order by 2 desc limit 5"
    ).fetchall()
    lines.append(
        f"  quarantined:      {sum(n for _, n in reasons)}" + "".join(f"\n    {n} × {r}" for r, n in reasons)
    )
    return lines


def _problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Pages not captured, pages captured despite script errors, and whether the ledger balances."""
    lines = []
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
    unbalanced = _scalar(
        con,
        "select count(*) from ledger "
        "where rows_in <> rows_out + quarantined + deduplicated + skipped + rejected",
    )
    lines.append(
        f"  ledger:           {_scalar(con, 'select count(*) from ledger')} rows, "
        + ("all balanced" if unbalanced == 0 else f"{unbalanced} NOT balanced")
    )
    return lines


def licence_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The licences the published rows carry, with their sources; a warning naming the sources whose
    licence is unknown (no `license:` in sources.yaml)."""
    from schemas.config import UNKNOWN_LICENSE  # here: `groundmill query` opens the catalog without it

    columns = {r[0] for r in con.execute("select column_name from (describe captures)").fetchall()}
    if "license" not in columns:  # published before rows carried their licence
        return []
    by_licence = con.execute(
        "select coalesce(license, 'not recorded'), list(distinct source_id order by source_id) "
        "from captures group by 1 order by 1"
    ).fetchall()
    lines = ["  licences:         " + "; ".join(f"{lic} ({', '.join(s)})" for lic, s in by_licence)]
    unknown = next((s for lic, s in by_licence if lic == UNKNOWN_LICENSE), None)
    if unknown:
        lines.append(
            f"  WARNING: licence unknown for {', '.join(unknown)}: declare `license:` (an SPDX id) for "
            "each in sources.yaml before you share their rows"
        )
    return lines


ALIGNMENT_SQL = """
select source_id, coalesce(app, source_id) as app, sum(ocr_text_boxes)::int, sum(ocr_matched)::int,
       sum(ocr_icon_only)::int
from captures where ocr_text_boxes is not null group by 1, 2 order by 1, 2
"""


def alignment_lines(rows: list[tuple], align_min: float) -> list[str]:
    """The OCR alignment figure per application (desktop: elements whose crop OCR reads as the name
    they show, of all that show one, icon-only controls apart; web: DOM text boxes OCR found where they
    are, of those it read); under `align_min` the application is flagged."""
    if not rows:
        return []
    lines = [
        f"  OCR alignment (desktop: crops read as names; web: boxes found; flagged under {align_min:.2f}):"
    ]
    for source, app, checked, found, icons in rows:
        share = found / checked if checked else 0.0
        flag = "  FLAGGED: boxes may be offset, phantom or covered" if share < align_min else ""
        apart = f" ({icons} icon-only apart)" if icons else ""
        lines.append(f"    {source}/{app}: {found}/{checked} = {share:.2f}{apart}{flag}")
    return lines


MEMORY_SQL = """
select c.source_id, c.app, max(t.peak_rss_mb), count(*) filter (where c.status = 'ok')
from captures c join capture_timings t using (capture_id)
where c.app is not null and t.peak_rss_mb is not null group by 1, 2 order by 1, 2
"""


def memory_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each desktop application's peak memory: its session's processes together (the run log's
    largest sample), with its states."""
    try:
        rows = con.execute(MEMORY_SQL).fetchall()
    except duckdb.Error:  # no run log yet, or only ones written before memory was logged
        return []
    if not rows:
        return []
    lines = ["  desktop sessions' peak memory (every process of the session):"]
    lines += [f"    {source}/{app}: {mb:.0f} MiB over {states} states" for source, app, mb, states in rows]
    return lines


def summary_text(
    con: duckdb.DuckDBPyConnection, tables_at: str, catalog: Path, align_min: float = 0.9
) -> str:
    """Pages, elements, rows per table, quarantine, difficulty tiers, failed pages, the OCR alignment per
    application and where outputs are (`tables_at`: where the published files lie)."""
    alignment = alignment_lines(con.execute(ALIGNMENT_SQL).fetchall(), align_min)
    memory = memory_lines(con)
    lines = ["published dataset (every source, as published now):", *_rows(con), *licence_lines(con)]
    lines += [*alignment, *memory, *_problems(con)]
    lines += [
        "outputs:",
        f"  tables:  {tables_at}",
        f"  catalog: {catalog}",
        '  try:     groundmill query "select tier, count(*) from grounding group by 1"',
    ]
    return "\n".join(lines)
