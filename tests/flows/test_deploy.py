"""`prefect --no-prompt deploy --all` registers the scheduled lifecycle deployment on a real server."""
from __future__ import annotations

import json
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
    proc = subprocess.Popen(["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while True:  # poll the health endpoint: the server is ready when it answers
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / "server.log").read_text()) from None
            time.sleep(0.5)
    yield api, env
    proc.terminate()
    proc.wait(timeout=30)


def test_deploy_all_creates_the_scheduled_lifecycle_deployment(server):
    api, env = server
    env = env | {"PREFECT_API_URL": api, "GROUNDMILL_ROOT": str(REPO)}

    def prefect(*args: str) -> str:
        done = subprocess.run(["prefect", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    prefect("work-pool", "create", "groundmill", "--type", "process")
    prefect("--no-prompt", "deploy", "--all")
    req = urllib.request.Request(f"{api}/deployments/name/lifecycle/lifecycle")
    with urllib.request.urlopen(req, timeout=10) as r:
        deployment = json.load(r)
    assert deployment["entrypoint"] == "flows/lifecycle.py:lifecycle"
    assert deployment["work_pool_name"] == "groundmill"
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 3 * * *"]
    assert deployment["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]["directory"] == str(REPO)

    for name in ("watch-sources/watch-sources", "capture/capture", "annotate/annotate", "curate/curate",
                 "publish/publish"):
        with urllib.request.urlopen(f"{api}/deployments/name/{name}", timeout=10) as r:
            assert json.load(r)["work_pool_name"] == "groundmill"
    with urllib.request.urlopen(urllib.request.Request(f"{api}/automations/filter", data=b"{}", method="POST",
                                                       headers={"Content-Type": "application/json"}), timeout=10) as r:
        automations = json.load(r)
    trigger = next(a["trigger"] for a in automations if "lifecycle" in a["name"])
    assert trigger["expect"] == ["groundmill.source.added"]
