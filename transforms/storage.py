"""Atomic Parquet I/O: a killed run leaves the previous version of every file intact."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from schemas.errors import InputError


class TableReadError(InputError, RuntimeError):
    """A stage input that cannot be read; the message names the file and what is wrong."""


def _write_atomic(path: Path, write: Callable[[str], None]) -> None:
    """Call `write` on a temp file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write zstd Parquet to `path` atomically."""
    _write_atomic(path, lambda tmp: frame.write_parquet(tmp, compression="zstd"))


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write `data` to `path` atomically."""
    _write_atomic(path, lambda tmp: Path(tmp).write_bytes(data))


def replace_folder_atomic(folder: Path, fill: Callable[[Path], None]) -> None:
    """Replace `folder` with a new one that `fill` writes into a staging folder beside it, swapping
    whole folders: readers see the old folder or the new one, never a mix."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        fill(staging)
        retired = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        if folder.exists():
            os.replace(folder, retired)
        os.replace(staging, folder)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_tables_atomic(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    """Replace `folder` with one holding `<name>.parquet` per table."""

    def fill(staging: Path) -> None:
        for name, frame in tables.items():
            frame.write_parquet(staging / f"{name}.parquet", compression="zstd")

    replace_folder_atomic(folder, fill)


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pl.DataFrame:
    """Read `<folder>/<name>.parquet`; a missing or unreadable file raises TableReadError saying which."""
    path = folder / f"{name}.parquet"
    if not path.exists():
        raise TableReadError(f"{path}: not found; run the stage that writes it first")
    try:
        return pl.read_parquet(path, columns=columns)
    except Exception as exc:  # polars raises several kinds for truncated or foreign files
        raise TableReadError(f"{path}: cannot be read as Parquet ({exc})") from exc


def read_published(files: list[Path], table: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A published table from its sources' files (at least one)."""
    if not files:
        raise FileNotFoundError(f"{table}: nothing published; run `groundmill run` first")
    return pl.concat([pl.read_parquet(f, columns=columns) for f in files], how="vertical_relaxed")
