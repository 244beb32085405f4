"""The lifecycle flow: capture, annotate, curate and publish, in that order."""

from __future__ import annotations

from prefect import flow

from flows.annotate import annotate
from flows.capture import capture
from flows.curate import curate
from flows.publish import publish
from flows.runners import shared_cluster, task_runner
from flows.settings import project_paths
from schemas.config import load_params


@flow(name="lifecycle")
def lifecycle(sources: list[str] | None = None) -> dict[str, dict]:
    """Run every stage for the listed sources (all in sources.yaml by default), each stage's tasks on
    the task runner params.yaml names (threads, or a Dask cluster)."""
    with shared_cluster(load_params(project_paths().params_file).run) as run:
        return {
            stage.name: stage.with_options(task_runner=task_runner(run))(sources)
            for stage in (capture, annotate, curate, publish)
        }
