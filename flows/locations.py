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

    @property
    def fingerprints(self) -> Path:
        """The fingerprints of the sources `watch` last ran (data/interim/fingerprints.json)."""
        return self.root / "data" / "interim" / "fingerprints.json"

    # published
    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    def partition(self, table: str, source_id: str, under: Path | None = None) -> Path:
        """One source's published file of a table: data/processed/<table>/source=<id>/part-0.parquet
        (or the same path under `under`, the folder a new version is staged in)."""
        return (under or self.processed) / table / f"source={source_id}" / PARTITION_FILE

    def partitions(self, table: str) -> list[Path]:
        """Every source's published file of a table, sorted."""
        return sorted((self.processed / table).glob(f"source=*/{PARTITION_FILE}"))

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

    # reports, exports, caches
    @property
    def reports(self) -> Path:
        """Data cards: data/reports/<version>/."""
        return self.root / "data" / "reports"

    @property
    def audit_reports(self) -> Path:
        return self.reports / "audit"

    def export(self, fmt: str, table: str = "grounding") -> Path:
        """data/exports/<format> for grounding rows, data/exports/<format>-<table> for another table."""
        return self.root / "data" / "exports" / (fmt if table == "grounding" else f"{fmt}-{table}")

    def cache(self, configured: str) -> Path:
        """A cache folder named in params.yaml (relative to the root unless absolute)."""
        return (self.root / configured).resolve()


def project_locations() -> Locations:
    """The project root: $GROUNDMILL_ROOT, else the current directory."""
    return Locations(Path(os.environ.get("GROUNDMILL_ROOT") or Path.cwd()).resolve())
