"""watch-sources: run the lifecycle for the sources that are new or whose content changed.

Every run records the fingerprint of each source's inputs when it captures it, and publish lists them
in data/inputs.json; a source whose fingerprint is the one published is skipped. Meant for an interval
schedule, for sources that cannot announce themselves (`groundmill sources add` emits an event instead)."""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows.lifecycle import lifecycle
from flows.locations import Locations, project_locations
from flows.register import changed_sources
from flows.runlock import run_lock


@flow(name="watch-sources")
def watch_sources() -> list[str]:
    """The ids of the sources it ran (none when nothing changed)."""
    where = project_locations()
    with run_lock(where, "watch"):
        return _run_changed(where)


def _run_changed(where: Locations) -> list[str]:
    todo = changed_sources(where)
    logger = get_run_logger()
    if not todo:
        logger.info("no source changed")
        return []
    logger.info("changed or new: %s", ", ".join(sorted(todo)))
    lifecycle(sorted(todo))  # a source that fails is not published, so it counts as changed next time
    return sorted(todo)
