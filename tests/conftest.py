"""Shared fixtures: small real pages shipped with the tests, and a scratch project to run the CLI in."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def cli_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GROUNDMILL_"))}
    env["PREFECT_HOME"] = str(root / ".prefect")
    env["GROUNDMILL_PROGRESS"] = "on"  # the bars go to stderr, even without a terminal
    env["PATH"] = f"{Path(os.sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def groundmill(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["groundmill", *args], cwd=root, env=cli_env(root), capture_output=True, text=True, timeout=300
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
