"""The docker work pool: the image built offline by scripts/docker-image, deployed from
docker/prefect.yaml on a real server, and a docker worker running the lifecycle in a container.
Skipped, with the reason, where no Docker engine can be used or started."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.flows.test_deploy import call, finished_run, run, server  # noqa: F401 (a fixture)


def engine_answers(env: dict) -> bool:
    return (
        shutil.which("docker") is not None
        and subprocess.run(["docker", "info"], env=env, capture_output=True, timeout=60).returncode == 0
    )


@pytest.fixture(scope="module")
def docker_env(tmp_path_factory):
    """An environment whose DOCKER_HOST answers: the one given, else a dockerd of the test's own (its
    own data root and socket, no bridge, no iptables rules)."""
    env = dict(os.environ)
    if os.environ.get("DOCKER_HOST") and engine_answers(env):
        yield env
        return
    if not shutil.which("dockerd") or os.geteuid() != 0:
        pytest.skip("no Docker engine: dockerd is not installed, or this user cannot start it (needs root)")
    if not shutil.which("debootstrap"):
        pytest.skip("debootstrap is not installed: the base image cannot be built without a registry")
    base = Path(tmp_path_factory.mktemp("docker"))
    sock = base / "docker.sock"
    log = (base / "dockerd.log").open("w")
    daemon = subprocess.Popen(
        [
            "dockerd",
            "--data-root",
            str(base / "root"),
            "--exec-root",
            str(base / "exec"),
            "--pidfile",
            str(base / "docker.pid"),
            "-H",
            f"unix://{sock}",
            "--bridge",
            "none",
            "--iptables=false",
            "--ip6tables=false",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    env["DOCKER_HOST"] = f"unix://{sock}"
    try:
        ready = (
            subprocess.run(
                [
                    "bash",
                    "-c",
                    "for i in $(seq 120); do docker info >/dev/null 2>&1 && exit 0; sleep 0.5; done; exit 1",
                ],
                env=env,
                timeout=90,
            ).returncode
            == 0
        )
        if not ready:
            pytest.skip(f"dockerd did not start: {(base / 'dockerd.log').read_text()[-500:]}")
        yield env
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        netns = base / "exec" / "netns" / "default"  # dockerd leaves its network namespace mounted
        if netns.exists():
            subprocess.run(["umount", "-l", str(netns)], capture_output=True)


def test_a_docker_worker_runs_the_lifecycle_in_the_image(docker_env, server, project):  # noqa: F811
    api, env = server
    build = subprocess.run(
        ["bash", "scripts/docker-image"],
        cwd=REPO,
        env=docker_env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    image = build.stdout.strip().splitlines()[-1]
    assert image.startswith("groundmill:") and not image.endswith(":latest")

    env = env | {
        "PREFECT_API_URL": api,
        "GROUNDMILL_ROOT": str(project),
        "GROUNDMILL_IMAGE": image,
        "DOCKER_HOST": docker_env["DOCKER_HOST"],
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    run(["prefect", "work-pool", "create", "groundmill-docker", "--type", "docker"], REPO, env)
    run(["prefect", "--no-prompt", "deploy", "--all", "--prefect-file", "docker/prefect.yaml"], REPO, env)
    deployment = call(api, "/deployments/name/lifecycle/lifecycle-docker")
    assert deployment["job_variables"]["image"] == image

    log = project.parent / "docker-worker.log"
    worker = subprocess.Popen(
        ["prefect", "worker", "start", "--pool", "groundmill-docker"],
        cwd=project,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        run(
            [
                "prefect",
                "deployment",
                "run",
                "lifecycle/lifecycle-docker",
                "--params",
                '{"sources": ["site"]}',
            ],
            project,
            env,
        )
        finished = finished_run(api, deployment["id"], ["site"], deadline_s=600)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    assert finished["state"]["type"] == "COMPLETED", log.read_text()[-3000:]
    # Written by the container through the mounted data folder.
    assert sorted((project / "data" / "processed" / "grounding").glob("source=site/*.parquet"))
    assert (project / "data" / "catalog.duckdb").exists()
