"""Which parameters apply and which sources are chosen (locations: flows/locations.py)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from flows.locations import Locations
from flows.release import ReleaseParams
from flows.runners import RunParams
from transforms.annotate.settings import AnnotateParams
from transforms.capture.browser import CaptureParams
from transforms.capture.devices import devices_from_params
from transforms.curate.difficulty import DifficultyParams
from transforms.curate.near_dup import NearDupParams
from transforms.curate.stage import CurateParams
from transforms.publish.export import ExportParams
from transforms.sources import Source, SourceError, load_sources


@dataclass(frozen=True)
class Params:
    capture: CaptureParams
    annotate: AnnotateParams
    curate: CurateParams
    export: ExportParams
    run: RunParams
    publish: ReleaseParams
    shard_pages: int = 50


def load_params(paths: Locations) -> Params:
    doc = yaml.safe_load(paths.params_file.read_text()) if paths.params_file.exists() else {}
    doc = doc or {}
    capture = dict(doc.get("capture", {}))
    shard_pages = int(capture.pop("shard_pages", 50))
    capture["devices"] = devices_from_params(capture.pop("devices", ["standard"]), doc.get("devices"))
    curate = CurateParams(
        DifficultyParams(**doc.get("difficulty", {})), NearDupParams.from_dict(doc.get("near_dup"))
    )
    return Params(
        CaptureParams(**capture),
        AnnotateParams(**doc.get("annotate", {})),
        curate,
        ExportParams(**doc.get("export", {})),
        RunParams(**doc.get("run", {})),
        ReleaseParams(**doc.get("publish", {})),
        shard_pages,
    )


def select_sources(paths: Locations, only: list[str] | None) -> list[Source]:
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
