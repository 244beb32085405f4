"""The task runner the flows fan out on: threads (default) or Dask, chosen in params.yaml `run`; and the
Prefect API that Dask workers report to."""

from __future__ import annotations

import contextlib
import os
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
    # Loopback only. No dashboard: Dask's scheduler always serves HTTP (health, metrics), by default on
    # port 8787; here on a free loopback port, and without the dashboard.
    return {
        "n_workers": params.dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",
        "scheduler_kwargs": {"dashboard": False},
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


@contextlib.contextmanager
def workers_reach_api(params: RunParams) -> Iterator[None]:
    """On Dask, tasks run in worker processes and report to the Prefect API of the flow. Where no server
    is configured (PREFECT_API_URL unset), Prefect's temporary server is started here, once, before any
    flow, and named as the API for the whole run: the flows use it, and so do the workers (Prefect
    sends its settings with every task; local workers also inherit the environment), instead of each
    worker starting a temporary server of its own, which timed out. Threads need nothing."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if params.task_runner != "dask" or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()  # stopped when the process exits
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
