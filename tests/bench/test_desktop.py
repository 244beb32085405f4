from __future__ import annotations

import pytest

from tests.bench.conftest import number


# Two applications of two toolkits, two states each: about 40 s here.
@pytest.mark.slow
def test_two_applications_are_explored_grounded_and_judged(bench):
    done = bench("desktop.py", "--apps", "small", "--max-states", "2", timeout=300)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"mousepad +gtk 3[\d.]* +(\d+)", out) == 2  # states
    assert number(r"featherpad +Qt 5[\d.]* +(\d+)", out) == 2
    assert number(r"mousepad +gtk 3[\d.]* +\d+ +\d+ +[\d.]+ +([\d.]+)", out) > 0  # seconds per state
    assert number(r"featherpad +Qt 5[\d.]* +\d+ +\d+ +[\d.]+ +[\d.]+ +(\d+)", out) > 50  # peak MiB
    # Grounding rows quoting a name OCR does not find on the screen: featherpad's icon tool bar is unquoted.
    assert number(r"featherpad +Qt 5.* (\d+)/\d+=[\d.]+%", out) <= 1
    assert number(r"states (\d+) in", out) == 4
    assert number(r"baseline \(first window only\): 2 states -> ([\d.]+)x", out) == 2.0
    assert "every state has a grounding row (0 without): ok" in out
    assert "no session process left behind (0: []): ok" in out
    assert "not judged (stated for the 17 applications of --apps all)" in out
