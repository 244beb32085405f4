"""The lifecycle flow: capture, annotate, curate and publish, in that order."""

from __future__ import annotations

from prefect import flow

from flows.annotate import annotate
from flows.capture import capture
from flows.curate import curate
from flows.locations import project_locations
from flows.outcomes import SourcesFailed, failed_sources
from flows.publish import publish
from flows.runlock import run_lock
from flows.runners import shared_cluster, task_runner
from flows.settings import load_params, select_sources


@flow(name="lifecycle")
def lifecycle(sources: list[str] | None = None) -> dict[str, dict]:
    """Run every stage for the listed sources (all in sources.yaml by default), each stage's tasks on
    the task runner params.yaml names (threads, or a Dask cluster), holding the run lock throughout.
    A source that fails as a whole in one stage is left out of the later ones; the others go on to be
    published, and the run then ends with SourcesFailed naming it."""
    where = project_locations()
    chosen = [s.id for s in select_sources(where, sources)]
    results: dict[str, dict] = {}
    failed: dict[str, str] = {}
    with run_lock(where, "lifecycle"), shared_cluster(load_params(where).run) as run:
        for stage in (capture, annotate, curate, publish):
            todo = [sid for sid in chosen if sid not in failed]
            if not todo:
                break
            runner = stage.with_options(task_runner=task_runner(run))
            results[stage.name] = runner(todo, failed) if stage is publish else runner(todo)
            failed |= failed_sources(results[stage.name], stage.name)
    if failed:
        raise SourcesFailed(failed, [sid for sid in chosen if sid not in failed], results)
    return results
