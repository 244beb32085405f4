"""Which parameters apply and which sources a run selects, read from the files at their locations
(the models: schemas/config.py)."""

from __future__ import annotations

from flows.locations import Locations
from schemas import config
from schemas.config import Params, Source, SourceError, load_sources


def load_params(where: Locations) -> Params:
    """params.yaml of the project (defaults where it is missing); a ConfigError names a bad key."""
    return config.load_params(where.params_file)


def select_sources(where: Locations, only: list[str] | None) -> list[Source]:
    """The sources in sources.yaml (`only` None), or just those named in `only` (unknown names are an
    error; an empty list selects none, never all)."""
    sources = load_sources(where.sources_file)
    if only is None:
        return sources
    known = {s.id for s in sources}
    unknown = [s for s in only if s not in known]
    if unknown:
        raise SourceError(
            f"{where.sources_file}: no source named {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    return [s for s in sources if s.id in only]
