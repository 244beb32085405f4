"""Atomic, durable writes (transforms/storage.py): a folder is never missing or mixed, every rename
follows an fsync, and a write killed with SIGKILL at any of its points leaves the old or the new whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import REPO
from transforms import storage
from transforms.storage import read_published, replace_folder_atomic, write_parquet_atomic


def fill_with(version: str, files: int = 3):
    def fill(staging: Path) -> None:
        for n in range(files):
            (staging / f"part-{n}.txt").write_text(version)

    return fill


def test_replacing_a_folder_never_leaves_a_moment_without_one_nor_a_mix(tmp_path, monkeypatch):
    """After every step of the replacement that changes a name (rename, exchange, removal), the folder
    is there and holds one whole version."""
    folder = tmp_path / "table"
    replace_folder_atomic(folder, fill_with("v0"))
    seen: list[str] = []

    def probed(step):
        def run(*args, **kwargs):
            out = step(*args, **kwargs)
            texts = [p.read_text() for p in folder.iterdir()] if folder.is_dir() else []
            seen.append(texts[0] if len(texts) == 3 and len(set(texts)) == 1 else f"broken: {texts}")
            return out

        return run

    for module, name in [(os, "replace"), (os, "rename"), (storage, "exchange"), (storage.shutil, "rmtree")]:
        monkeypatch.setattr(module, name, probed(getattr(module, name)))
    for n in range(1, 4):
        replace_folder_atomic(folder, fill_with(f"v{n}"))
    assert seen and not [s for s in seen if s.startswith("broken")], seen
    assert seen[-1] == "v3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"], "staging or old folders left behind"


def test_every_rename_follows_an_fsync_of_the_file_and_is_followed_by_one_of_its_folder(
    tmp_path, monkeypatch
):
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace, real_exchange = storage.fsync_path, os.replace, storage.exchange
    monkeypatch.setattr(
        storage, "fsync_path", lambda p: calls.append(("fsync", Path(p).name)) or real_fsync(p)
    )
    monkeypatch.setattr(
        os, "replace", lambda a, b: calls.append(("rename", Path(b).name)) or real_replace(a, b)
    )
    monkeypatch.setattr(
        storage, "exchange", lambda a, b: calls.append(("exchange", Path(b).name)) or real_exchange(a, b)
    )
    write_parquet_atomic(pl.DataFrame({"a": [1]}), tmp_path / "t.parquet")
    rename = calls.index(("rename", "t.parquet"))
    assert calls[rename - 1][0] == "fsync" and calls[rename - 1][1].endswith(".tmp")
    assert calls[rename + 1] == ("fsync", tmp_path.name)
    calls.clear()
    folder = tmp_path / "f"
    folder.mkdir()
    replace_folder_atomic(folder, fill_with("v1", files=2))
    swap = calls.index(("exchange", "f"))
    assert {c[1] for c in calls[:swap]} >= {"part-0.txt", "part-1.txt", ".f.staging"}
    assert calls[swap + 1] == ("fsync", tmp_path.name)


KILLED_REPLACE = """
import sys
from pathlib import Path
from transforms.storage import replace_folder_atomic
def fill(staging):
    for n in range(3):
        (staging / f"part-{n}.txt").write_text("new")
replace_folder_atomic(Path(sys.argv[1]), fill)
"""


@pytest.mark.parametrize("point", ["replace.staged", "replace.swapped"])
def test_a_replacement_killed_at_any_point_leaves_the_old_or_the_new_folder_whole(tmp_path, point):
    folder = tmp_path / "table"
    replace_folder_atomic(folder, fill_with("old"))
    env = dict(os.environ, GROUNDMILL_CRASH_AT=point, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", KILLED_REPLACE, str(folder)], env=env, timeout=120)
    assert done.returncode == -9
    expected = "old" if point == "replace.staged" else "new"
    assert {p.name: p.read_text() for p in folder.iterdir()} == {f"part-{n}.txt": expected for n in range(3)}
    replace_folder_atomic(folder, fill_with("next"))  # the next write clears the leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"]


def test_read_published_fills_columns_an_older_partition_lacks(tmp_path):
    old, new = tmp_path / "old.parquet", tmp_path / "new.parquet"
    pl.DataFrame({"id": ["a"], "n": [1]}).write_parquet(old)
    pl.DataFrame({"id": ["b"], "n": [2], "license": ["MIT"]}).write_parquet(new)
    both = read_published([old, new], "t", ["id", "license"])
    assert both.sort("id").rows() == [("a", None), ("b", "MIT")]
