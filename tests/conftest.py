"""Shared fixtures: small real pages shipped with the tests, and a scratch project to run the CLI in."""

from __future__ import annotations

import os
import shutil
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
