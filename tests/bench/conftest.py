"""Run a bench/ script as a user would, at a size that takes seconds, and read its printed numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: runs the CLI end to end (minutes on a busy machine); -m 'not slow' leaves it out"
    )


def number(pattern: str, text: str) -> float:
    """The first number captured by `pattern` in `text` (thousands separators allowed)."""
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in the output:\n{text}"
    return float(found.group(1).replace(",", ""))


@pytest.fixture
def bench():
    def run(script: str, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(REPO / "bench" / script), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
