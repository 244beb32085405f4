"""The task runner the flows fan out on: threads (default) or Dask, chosen in params.yaml `run`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prefect.task_runners import ThreadPoolTaskRunner

from schemas.config import RunParams


def task_runner(params: RunParams):
    """A fresh task runner: each flow run enters (and for a local Dask cluster, starts and stops) its own."""
    if params.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=params.max_workers)
    if params.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if params.dask_address:
            return DaskTaskRunner(address=params.dask_address)
        return DaskTaskRunner(cluster_kwargs=_local(params))
    raise ValueError(f"run.task_runner: {params.task_runner!r} is not one of 'threads', 'dask'")


def _local(params: RunParams) -> dict:
    # Loopback only, and no dashboard (it would listen on every interface).
    return {
        "n_workers": params.dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
    }


@contextlib.contextmanager
def shared_cluster(params: RunParams) -> Iterator[RunParams]:
    """For a run of several flows: one local Dask cluster for all of them (the params then name its
    address); other settings pass through unchanged."""
    if params.task_runner != "dask" or params.dask_address:
        yield params
        return
    from distributed import LocalCluster

    with LocalCluster(**_local(params)) as cluster:
        yield params.model_copy(update={"dask_address": cluster.scheduler_address})
