"""watch-sources: run the lifecycle for the sources that are new or whose content changed.

Fingerprints of the sources last processed are kept in data/interim/fingerprints.json; a source whose
fingerprint is unchanged is skipped. Meant for an interval schedule, for sources that cannot announce
themselves (`groundmill sources add` emits an event instead)."""

from __future__ import annotations

import json

from prefect import flow, get_run_logger

from flows.lifecycle import lifecycle
from flows.locations import Locations, project_locations
from flows.outcomes import SourcesFailed
from flows.runlock import run_lock
from flows.settings import select_sources
from transforms.fingerprint import changed
from transforms.storage import write_bytes_atomic


@flow(name="watch-sources")
def watch_sources() -> list[str]:
    """The ids of the sources it ran (none when nothing changed)."""
    where = project_locations()
    with run_lock(where, "watch"):
        return _run_changed(where)


def _run_changed(where: Locations) -> list[str]:
    store = where.fingerprints
    known = json.loads(store.read_text()) if store.exists() else {}
    todo = changed(select_sources(where, None), known)
    logger = get_run_logger()
    if not todo:
        logger.info("no source changed")
        return []
    logger.info("changed or new: %s", ", ".join(sorted(todo)))
    try:
        lifecycle(sorted(todo))
    except SourcesFailed as exc:  # the others are done: only the failed ones run again next time
        done = {sid: fp for sid, fp in todo.items() if sid not in exc.failed}
        write_bytes_atomic(json.dumps({**known, **done}, indent=1, sort_keys=True).encode(), store)
        raise
    write_bytes_atomic(json.dumps({**known, **todo}, indent=1, sort_keys=True).encode(), store)
    return sorted(todo)
