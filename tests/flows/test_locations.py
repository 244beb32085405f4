"""The catalog of locations: every path under the project root, the partition layout in one place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flows.locations import Locations, project_locations


def test_partitions_are_found_where_they_are_written(tmp_path: Path):
    where = Locations(tmp_path)
    for table, source in [("grounding", "b"), ("grounding", "a"), ("elements", "a")]:
        path = where.partition(table, source)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
    assert where.partitions("grounding") == [where.partition("grounding", s) for s in ("a", "b")]
    assert [(t, s) for t, s, _ in where.published_files(("elements", "grounding"))] == [
        ("elements", "a"),
        ("grounding", "a"),
        ("grounding", "b"),
    ]
    assert sorted((tmp_path / where.partition_pattern("grounding")).parent.parent.glob("source=*"))


def test_everything_lies_under_the_root(tmp_path: Path):
    where = Locations(tmp_path)
    paths = [
        where.sources_file,
        where.params_file,
        where.prefect_home,
        where.stage("capture", "s"),
        where.run_log("capture_timings", "s"),
        where.catalog,
        where.versions,
        where.inputs_manifest,
        *where.metrics_files.values(),
        where.audit_reports,
        where.export("hf"),
        where.export("chat", "instructions"),
        where.cache("data/cache/model"),
    ]
    assert all(p.is_relative_to(tmp_path) for p in paths)
    assert where.export("chat", "instructions").name == "chat-instructions"


def test_root_comes_from_the_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GROUNDMILL_ROOT", str(tmp_path))
    assert project_locations().root == tmp_path.resolve()


def test_locations_import_nothing_heavy():
    """The CLI's quick commands import this module: it must not pull in Prefect, Polars or pandera."""
    heavy = "('prefect', 'polars', 'pandera')"
    code = f"import sys, flows.locations; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
