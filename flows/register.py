"""`groundmill sources add`: validate a source, add it to sources.yaml, and announce it as a Prefect
event (`groundmill.source.added`) that the lifecycle deployment's trigger answers by running the
lifecycle for that source alone."""

from __future__ import annotations

import yaml

from flows.locations import Locations
from transforms.fingerprint import fingerprint
from transforms.sources import SourceError, is_url, load_sources, parse_source
from transforms.storage import write_bytes_atomic

EVENT = "groundmill.source.added"


def add_source(paths: Locations, entry: dict) -> tuple[str, str]:
    """(the new source's id, its fingerprint); sources.yaml is rewritten atomically. Refuses a known id,
    an unknown kind, an unsafe id and a local location that does not exist."""
    doc = yaml.safe_load(paths.sources_file.read_text()) if paths.sources_file.exists() else None
    doc = doc or {"sources": []}
    known = {s.id for s in load_sources(paths.sources_file)} if paths.sources_file.exists() else set()
    source = parse_source(entry, paths.root)
    if source.id in known:
        raise SourceError(f"source {source.id!r} is already in {paths.sources_file}")
    if not is_url(str(source.location)) and not source.path.exists():
        raise SourceError(f"source {source.id!r}: {source.location} does not exist")
    doc["sources"] = [*(doc.get("sources") or []), entry]
    write_bytes_atomic(yaml.safe_dump(doc, sort_keys=False).encode(), paths.sources_file)
    return source.id, fingerprint(source)


def announce(source_id: str, kind: str) -> str:
    """Emit the event to the Prefect server that PREFECT_API_URL names; says how it went. Without one
    nothing is emitted: a temporary server would start (about 20 s) for an event nobody can answer."""
    from prefect.events import emit_event
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return f"event {EVENT} for {source_id}: not emitted (no Prefect server: PREFECT_API_URL is unset)"
    event = emit_event(
        event=EVENT,
        resource={"prefect.resource.id": f"groundmill.source.{source_id}"},
        payload={"source_id": source_id, "kind": kind, "sources": [source_id]},
    )
    return f"event {EVENT} for {source_id}: " + ("emitted" if event is not None else "not emitted")
