"""The DuckDB catalog: one view per published table over its partitioned Parquet files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from transforms.storage import fsync_path


def build_catalog(db_path: Path, views: dict[str, str], root: Path) -> None:
    """(Re)create `db_path` with one view per entry of `views` (name -> a Parquet file or glob, relative
    to `root`), so the catalog works from any clone: open it (or run `groundmill query`) from the
    project root. The new catalog replaces the old one in one rename (fsynced first)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB creates the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            con.execute(f"set file_search_path = '{root.as_posix()}'")
            for name, pattern in views.items():
                con.execute(
                    f"create or replace view {name} as "
                    f"select * from read_parquet('{pattern}', union_by_name = true)"
                )
        finally:
            con.close()
        fsync_path(Path(tmp))
        os.replace(tmp, db_path)
        fsync_path(db_path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + ".wal").unlink(missing_ok=True)
