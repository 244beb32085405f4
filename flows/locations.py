"""Where everything lives: the one catalog of file locations, derived from the project root.

Flows build a `Locations` once and pass the paths their tasks need; transforms never decide a path.
Cheap to import (standard library only): the CLI's quick commands use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The lifecycle's stages that write interim tables, in order; publish writes data/processed.
STAGES = ("capture", "annotate", "curate")
PARTITION_FILE = "part-0.parquet"


@dataclass(frozen=True)
class Locations:
    """Every path groundmill reads or writes, under one project root."""

    root: Path

    # configuration
    @property
    def sources_file(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def params_file(self) -> Path:
        return self.root / "params.yaml"

    @property
    def prefect_home(self) -> Path:
        """Prefect's settings and temporary server database stay inside the project."""
        return self.root / ".prefect"

    # stage outputs
    def stage(self, stage: str, source_id: str) -> Path:
        """Interim output of one stage for one source: data/interim/<stage>/<source>/<table>.parquet."""
        return self.root / "data" / "interim" / stage / source_id

    def run_log(self, table: str, source_id: str) -> Path:
        """A run log of one source (capture timings): data/logs/<table>/source=<id>/part-0.parquet, beside
        the dataset, never part of a version."""
        return self.root / "data" / "logs" / table / f"source={source_id}" / PARTITION_FILE

    def run_logs(self, table: str) -> list[Path]:
        return sorted((self.root / "data" / "logs" / table).glob(f"source=*/{PARTITION_FILE}"))

    # published
    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    def partition(self, table: str, source_id: str, under: Path | None = None) -> Path:
        """One source's published file of a table: data/processed/<table>/source=<id>/part-0.parquet
        (or the same path under `under`, the folder a new version is staged in)."""
        return (under or self.processed) / table / f"source={source_id}" / PARTITION_FILE

    def partitions(self, table: str, under: Path | None = None) -> list[Path]:
        """Every source's published file of a table, sorted (or its files under `under`, a version
        being staged)."""
        return sorted(((under or self.processed) / table).glob(f"source=*/{PARTITION_FILE}"))

    def published_files(self, tables: tuple[str, ...]) -> list[tuple[str, str, Path]]:
        """(table, source id, path) of every published file of `tables`."""
        return [
            (table, path.parent.name.removeprefix("source="), path)
            for table in tables
            for path in self.partitions(table)
        ]

    def partition_pattern(self, table: str) -> str:
        """The glob of a table's published files, relative to the root (the catalog's views use it)."""
        return f"{self.processed.relative_to(self.root).as_posix()}/{table}/source=*/{PARTITION_FILE}"

    def published_sources(self) -> list[str]:
        """The ids of the sources with published files, sorted."""
        found = {p.name.removeprefix("source=") for p in self.processed.glob("*/source=*")}
        return sorted(found)

    def catalog_views(self, tables: tuple[str, ...], logs: tuple[str, ...] = ()) -> dict[str, str]:
        """View name -> the files it reads (relative to the root): the published tables, the run logs
        that exist, and the version table."""
        views = {t: self.partition_pattern(t) for t in tables}
        for table in logs:
            if self.run_logs(table):
                views[table] = f"data/logs/{table}/source=*/{PARTITION_FILE}"
        views["dataset_versions"] = self.versions.relative_to(self.root).as_posix()
        return views

    @property
    def run_lock(self) -> Path:
        """The lock a run holds while it writes the project (flows/runlock.py)."""
        return self.root / "data" / ".run.lock"

    @property
    def catalog(self) -> Path:
        return self.root / "data" / "catalog.duckdb"

    @property
    def versions(self) -> Path:
        """Every published version (git-tracked; outside the DVC outputs, so `dvc repro` keeps it)."""
        return self.root / "data" / "versions.parquet"

    @property
    def inputs_manifest(self) -> Path:
        """What every published source was made from: its entry, fingerprint, files and pages with their
        content hashes (git-tracked, committed with each release)."""
        return self.root / "data" / "inputs.json"

    @property
    def metrics(self) -> Path:
        """DVC metrics and plots of the published version: data/metrics/ (git-tracked)."""
        return self.root / "data" / "metrics"

    @property
    def metrics_files(self) -> dict[str, Path]:
        """The metrics (dataset.json), the plots' data (difficulty.csv, sources.csv) and the image plots
        drawn from it (difficulty.png, sources.png) by name."""
        names = {
            "dataset": "dataset.json",
            "difficulty": "difficulty.csv",
            "sources": "sources.csv",
            "difficulty_png": "difficulty.png",
            "sources_png": "sources.png",
        }
        return {key: self.metrics / name for key, name in names.items()}

    def source_folders(self, source_id: str) -> list[Path]:
        """Everything written for one source: its published partitions, stage outputs and run logs."""
        published = [*self.processed.glob(f"*/source={source_id}")]
        logs = [*(self.root / "data" / "logs").glob(f"*/source={source_id}")]
        stages = [self.stage(stage, source_id) for stage in STAGES]
        return sorted(p for p in [*published, *stages, *logs] if p.exists())

    # reports, exports, caches
    @property
    def reports(self) -> Path:
        """Data cards: data/reports/<version>/."""
        return self.root / "data" / "reports"

    @property
    def gallery(self) -> Path:
        """The offline gallery of screenshots and their boxes (`groundmill gallery`): data/reports/gallery."""
        return self.reports / "gallery"

    @property
    def audit_reports(self) -> Path:
        return self.reports / "audit"

    def export(self, fmt: str, table: str = "grounding") -> Path:
        """data/exports/<format> for grounding rows, data/exports/<format>-<table> for another table."""
        return self.root / "data" / "exports" / (fmt if table == "grounding" else f"{fmt}-{table}")

    def cache(self, configured: str) -> Path:
        """A cache folder named in params.yaml (relative to the root unless absolute)."""
        return (self.root / configured).resolve()


PROJECT_FILES = ("params.yaml", "sources.yaml")  # a folder with either is a project's root


def project_locations() -> Locations:
    """The project root: $GROUNDMILL_ROOT, else the nearest folder from the current one upwards that
    holds params.yaml or sources.yaml (as git finds its repository), else the current folder."""
    named = os.environ.get("GROUNDMILL_ROOT")
    if named:
        return Locations(Path(named).resolve())
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in PROJECT_FILES):
            return Locations(folder)
    return Locations(here)
