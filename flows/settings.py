"""Where everything lives, derived once from the project root, and which sources a run selects."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from schemas.config import Source, SourceError, load_sources

STAGES = ("capture", "annotate", "curate")
PUBLISHED_TABLES = [
    "captures",
    "screenshots",
    "elements",
    "excluded_elements",
    "grounding",
    "instructions",
    "howto",
    "quarantine",
    "duplicates",
    "skipped",
    "rejected",
    "model_usage",
    "ledger",
]


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def sources_file(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def params_file(self) -> Path:
        return self.root / "params.yaml"

    def stage(self, stage: str, source_id: str) -> Path:
        """Interim output of one stage for one source: data/interim/<stage>/<source>/."""
        return self.root / "data" / "interim" / stage / source_id

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def catalog(self) -> Path:
        return self.root / "data" / "catalog.duckdb"

    @property
    def versions(self) -> Path:
        """Every published version (git-tracked; outside the DVC outputs, so `dvc repro` keeps it)."""
        return self.root / "data" / "versions.parquet"

    @property
    def reports(self) -> Path:
        return self.root / "data" / "reports"


def project_paths() -> Paths:
    """The project root: $GROUNDMILL_ROOT, else the current directory."""
    return Paths(Path(os.environ.get("GROUNDMILL_ROOT") or Path.cwd()).resolve())


def select_sources(paths: Paths, only: list[str] | None) -> list[Source]:
    """The sources in sources.yaml (`only` None), or just those named in `only` (unknown names are an
    error; an empty list selects none, never all)."""
    sources = load_sources(paths.sources_file)
    if only is None:
        return sources
    known = {s.id for s in sources}
    unknown = [s for s in only if s not in known]
    if unknown:
        raise SourceError(
            f"{paths.sources_file}: no source named {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    return [s for s in sources if s.id in only]
