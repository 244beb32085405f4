"""Atomic, durable Parquet and folder writes: a killed run (even `kill -9`, even a power cut after the
rename) leaves the previous version of every file and folder intact, or the new one whole.

Files are written to a temporary name beside their target, fsynced, renamed into place, and the folder
holding them is fsynced. Folders are filled under a staging name beside their target and swapped in with
one atomic exchange (Linux `renameat2(RENAME_EXCHANGE)`): the path always names a whole folder, the
old one or the new one, never none and never a mix. Leftovers of a killed write (`.<name>.*.tmp` files,
`.<name>.staging` folders) are removed by the next write of the same target, and DVC ignores them
(.dvcignore).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from schemas.errors import InputError
from transforms.crashpoints import crashpoint

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
_LIBC = ctypes.CDLL(None, use_errno=True)


class TableReadError(InputError, RuntimeError):
    """A stage input that cannot be read; the message names the file and what is wrong."""


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's contents (a folder: its entries) to disk."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """fsync every file and folder under `folder`, the folder itself last."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.is_symlink():
            fsync_path(path)
    fsync_path(folder)


def exchange(a: Path, b: Path) -> None:
    """Swap two existing paths in one atomic step (both stay present throughout)."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _write_atomic(path: Path, write: Callable[[str], None]) -> None:
    """Call `write` on a temp file beside `path`, fsync it, rename it into place, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        fsync_path(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write zstd Parquet to `path` atomically and durably."""
    _write_atomic(path, lambda tmp: frame.write_parquet(tmp, compression="zstd"))


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write `data` to `path` atomically and durably."""
    _write_atomic(path, lambda tmp: Path(tmp).write_bytes(data))


def staging_folder(folder: Path) -> Path:
    """Where the next version of `folder` is filled: `.<name>.staging` beside it."""
    return folder.with_name(f".{folder.name}.staging")


def replace_folder_atomic(folder: Path, fill: Callable[[Path], None]) -> None:
    """Replace `folder` with a new one that `fill` writes into a staging folder beside it: the staging
    folder is fsynced and exchanged with `folder` in one step, then the old one is removed. Readers see
    the old folder or the new one, never a mix and never none. Writers of one folder must not overlap
    (the run lock keeps runs apart)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(folder)
    shutil.rmtree(staging, ignore_errors=True)  # a killed replacement's leftovers
    staging.mkdir()
    try:
        fill(staging)
        fsync_tree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    crashpoint("replace.staged")
    _swap_in(staging, folder)
    crashpoint("replace.swapped")
    shutil.rmtree(staging, ignore_errors=True)  # now the old folder


def _swap_in(staging: Path, folder: Path) -> None:
    """Put `staging` at `folder`'s path (exchanging it with the folder there, if any) and make the
    change durable; the previous folder, if any, is left at `staging`'s path."""
    try:
        exchange(staging, folder)
    except FileNotFoundError:
        os.rename(staging, folder)  # nothing to exchange with: the first version
    except OSError as exc:  # a filesystem without RENAME_EXCHANGE: two renames, a short gap
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
        retired = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        os.rename(folder, retired)
        os.rename(staging, folder)
        os.rename(retired, staging)
    fsync_path(folder.parent)


def write_tables_atomic(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    """Replace `folder` with one holding `<name>.parquet` per table."""

    def fill(staging: Path) -> None:
        for name, frame in tables.items():
            frame.write_parquet(staging / f"{name}.parquet", compression="zstd")

    replace_folder_atomic(folder, fill)
    crashpoint(f"{folder.parent.name}.written")


def link_or_copy(source: Path, target: Path) -> None:
    """`target` becomes the same file as `source`: a hard link (no bytes copied), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


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
    """A published table from its sources' files (at least one). A column that a partition published by
    an older release lacks is null in its rows (a source not republished since columns were added)."""
    if not files:
        raise FileNotFoundError(f"{table}: nothing published; run `groundmill run` first")
    frames = []
    for f in files:
        present = set(pl.read_parquet_schema(f))
        frames.append(pl.read_parquet(f, columns=[c for c in columns if c in present] if columns else None))
    return pl.concat(frames, how="diagonal_relaxed")
