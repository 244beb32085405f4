"""Shared fixtures: small real pages shipped with the tests, and a scratch project to run the CLI in."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
BAD = FIXTURES / "bad"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with params.yaml, a sources.yaml naming the 3-page fixture site, and its own
    PREFECT_HOME, so a CLI run in it touches nothing of the checkout."""
    root = tmp_path / "project"
    shutil.copytree(SITE, root / "data" / "sources" / "site")
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    (root / "sources.yaml").write_text(
        "sources:\n  - id: site\n    kind: html_dir\n    location: data/sources/site\n    license: CC0-1.0\n"
    )
    return root


class SharedServer:
    """One real `prefect server start` on loopback for the whole session, which the CLI commands of the
    tests report to (PREFECT_API_URL), so each does not prepare a database and start a temporary server
    of its own (12-18 s a command). Started on first use; tests of the temporary server opt out."""

    process: subprocess.Popen | None = None
    url: str | None = None
    home: Path | None = None

    @classmethod
    def api(cls) -> str:
        if cls.url is None:
            cls.url = cls._start()
        return cls.url

    @classmethod
    def _start(cls) -> str:
        home = cls.home = Path(tempfile.mkdtemp(prefix="groundmill-prefect-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
            "PREFECT_HOME": str(home)
        }
        cmd = [Path(sys.executable).parent / "prefect", "server", "start", "--host", "127.0.0.1"]
        cmd += ["--port", str(port), "--no-services", "--no-ui", "--analytics-off"]
        log = open(home / "server.log", "wb")  # noqa: SIM115 (open while the server runs)
        cls.process = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 600  # a machine shared by several sessions can take minutes
        while time.monotonic() < deadline:  # poll the health endpoint: the server says when it is up
            if cls.process.poll() is not None:
                raise RuntimeError(f"prefect server exited: {(home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return url
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(
            f"prefect server did not answer in 600 s: {(home / 'server.log').read_text()[-2000:]}"
        )

    @classmethod
    def stop(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            os.killpg(cls.process.pid, signal.SIGTERM)
            try:
                cls.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(cls.process.pid, signal.SIGKILL)
                cls.process.wait()
        if cls.home is not None:
            shutil.rmtree(cls.home, ignore_errors=True)


def pytest_sessionfinish(session, exitstatus) -> None:
    SharedServer.stop()


def cli_env(root: Path, temporary_server: bool = False) -> dict[str, str]:
    """The environment of a CLI command in `root`: its own PREFECT_HOME; the session's Prefect server,
    unless the test is about the temporary server a command starts when none is configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GROUNDMILL_"))}
    env["PREFECT_HOME"] = str(root / ".prefect")
    if not temporary_server:
        env["PREFECT_API_URL"] = SharedServer.api()
    env["GROUNDMILL_PROGRESS"] = "on"  # the bars go to stderr, even without a terminal
    env["PATH"] = f"{Path(os.sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def groundmill(
    root: Path, *args: str, check: bool = True, temporary_server: bool = False
) -> subprocess.CompletedProcess:
    env = cli_env(root, temporary_server)
    done = subprocess.run(
        ["groundmill", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"groundmill {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done


@pytest.fixture(scope="session")
def ran(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One `groundmill run` on the 3-page site plus a source with bad pages and a missing one (shared by
    the CLI and crash tests: they copy it before they change it, but test_cli reruns `site` in place)."""
    root = tmp_path_factory.mktemp("cli") / "project"
    shutil.copytree(SITE, root / "data" / "sources" / "site")
    shutil.copytree(BAD, root / "data" / "sources" / "bad")
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    params = (root / "params.yaml").read_text().replace("page_timeout_s: 15", "page_timeout_s: 3")
    (root / "params.yaml").write_text(params)
    (root / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: site, kind: html_dir, location: data/sources/site, license: CC0-1.0}\n"
        "  - {id: bad, kind: html_dir, location: data/sources/bad, license: CC0-1.0}\n"
        "  - {id: gone, kind: html_dir, location: data/sources/gone, license: CC0-1.0}\n"
    )
    return root, groundmill(root, "run", check=False)  # exit 1: `gone` fails, the others are published


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def refused_in_one_line(project: Path, *args: str) -> str:
    before = files_under(project / "data")
    done = groundmill(project, *args, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("groundmill: "), done.stderr
    assert files_under(project / "data") == before, args
    return lines[0]
