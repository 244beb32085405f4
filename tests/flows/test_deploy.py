"""On a real `prefect server start` (loopback): `prefect --no-prompt deploy --all` registers the
deployments, a process worker runs one, and `groundmill sources add` fires the lifecycle trigger."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = cli_env(tmp_path)
    log = (tmp_path / "server.log").open("w")
    # No scheduler: scheduled runs would race the runs the tests start (the trigger service stays on).
    proc = subprocess.Popen(
        ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env | {"PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 600  # as the session's server (tests/conftest.py)
    while True:  # poll the health endpoint: the server is ready when it answers
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.terminate()  # a server that never answered is not left running after the session
                proc.wait(timeout=30)
                raise AssertionError((tmp_path / "server.log").read_text()) from None
            time.sleep(0.5)
    yield api, env
    proc.terminate()
    proc.wait(timeout=30)


def call(api: str, path: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{api}{path}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def run(cmd: list[str], cwd: Path, env: dict) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_deploy_all_creates_the_scheduled_lifecycle_deployment(server):
    api, env = server
    env = env | {"PREFECT_API_URL": api, "GROUNDMILL_ROOT": str(REPO)}
    run(["prefect", "work-pool", "create", "groundmill", "--type", "process"], REPO, env)
    run(["prefect", "--no-prompt", "deploy", "--all"], REPO, env)
    deployment = call(api, "/deployments/name/lifecycle/lifecycle")
    assert deployment["entrypoint"] == "flows/lifecycle.py:lifecycle"
    assert deployment["work_pool_name"] == "groundmill"
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 3 * * *"]
    assert deployment["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]["directory"] == str(
        REPO
    )

    for name in (
        "watch-sources/watch-sources",
        "capture/capture",
        "annotate/annotate",
        "curate/curate",
        "publish/publish",
    ):
        assert call(api, f"/deployments/name/{name}")["work_pool_name"] == "groundmill"
    trigger = next(a["trigger"] for a in call(api, "/automations/filter", {}) if "lifecycle" in a["name"])
    assert trigger["expect"] == ["groundmill.source.added"]


def finished_run(api: str, deployment_id: str, sources: list[str], deadline_s: float = 240) -> dict:
    """The lifecycle run with these parameters once it has finished (polls the API while the worker works)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        runs = call(api, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment_id]}}})
        done = [
            r
            for r in runs
            if r["parameters"] == {"sources": sources}
            and r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
        ]
        if done:
            return done[0]
        time.sleep(1)
    raise AssertionError(f"no finished lifecycle run for {sources} in {deadline_s} s: {runs}")


def test_a_worker_runs_the_deployment_and_a_new_source_triggers_its_own_run(server, project):
    from tests.conftest import FIXTURES

    api, env = server
    # Deployed from the checkout (its code); the worker's runs write to the scratch project.
    run(
        ["prefect", "work-pool", "create", "groundmill", "--type", "process"],
        REPO,
        env | {"PREFECT_API_URL": api},
    )
    run(
        ["prefect", "--no-prompt", "deploy", "--name", "lifecycle"],
        REPO,
        env | {"PREFECT_API_URL": api, "GROUNDMILL_ROOT": str(REPO)},
    )
    deployment_id = call(api, "/deployments/name/lifecycle/lifecycle")["id"]
    env = env | {
        "PREFECT_API_URL": api,
        "GROUNDMILL_ROOT": str(project),
        "GROUNDMILL_PROGRESS": "off",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    worker_log = (project.parent / "worker.log").open("w")
    worker = subprocess.Popen(
        ["prefect", "worker", "start", "--pool", "groundmill"],
        cwd=project,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    try:
        run(
            ["prefect", "deployment", "run", "lifecycle/lifecycle", "--params", '{"sources": ["site"]}'],
            project,
            env,
        )
        first = finished_run(api, deployment_id, ["site"])
        assert first["state"]["type"] == "COMPLETED", (project.parent / "worker.log").read_text()[-3000:]
        site = sorted((project / "data" / "processed").rglob("source=site/*.parquet"))
        assert site and (project / "data" / "catalog.duckdb").exists()
        before = {p: p.read_bytes() for p in site}

        shutil.copytree(FIXTURES / "deep", project / "data" / "sources" / "deep")
        added = run(
            [
                *("groundmill", "sources", "add", "deep", "--kind", "html_dir"),
                *("--location", "data/sources/deep", "--license", "CC0-1.0"),
            ],
            project,
            env,
        )
        assert "groundmill.source.added for deep: emitted" in added
        second = finished_run(api, deployment_id, ["deep"])
        assert second["state"]["type"] == "COMPLETED", (project.parent / "worker.log").read_text()[-3000:]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert sorted((project / "data" / "processed").rglob("source=deep/*.parquet"))
    assert {p: p.read_bytes() for p in site} == before, "the trigger's run rewrote another source"
