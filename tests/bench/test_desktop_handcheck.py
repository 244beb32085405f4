"""The desktop hand check's bookkeeping (bench/desktop_overlays.py, bench/desktop_handcheck.py): which
states are picked, and how judgements add up. Pure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from desktop_handcheck import totals  # noqa: E402
from desktop_overlays import pick  # noqa: E402


def _state(path: list[str], title: str = "notes - Mousepad") -> dict:
    return {"action_path": path, "title": title}


def test_the_start_a_dialog_and_a_menu_are_picked_and_the_rest_spread_over_the_run():
    states = [_state([])] + [_state([f"menu:M{i}"]) for i in range(3)]
    states += [_state(["menu:File", f"item:I{i}"], "Open") for i in range(8)]
    picked = pick(states, 5)
    assert picked[0] is states[0]
    assert any(s["title"] == "Open" for s in picked) and any(s["action_path"] == ["menu:M0"] for s in picked)
    assert len(picked) == 5 and len({id(s) for s in picked}) == 5
    assert picked == sorted(picked, key=states.index)  # in capture order
    assert pick(states, 5) == picked  # the same every time
    assert pick(states[:3], 5) == states[:3]  # all an application has


def test_totals_count_only_states_whose_three_judgements_are_made(tmp_path):
    states = [
        {"app": "a", "action_path": [], "phantom": 0, "covered": 2, "mislabelled": False},
        {"app": "a", "action_path": ["menu:File"], "phantom": 1, "covered": 0, "mislabelled": True},
        {"app": "b", "action_path": [], "phantom": None, "covered": None, "mislabelled": None},
    ]
    assert totals(states) == {
        "a": {"states": 2, "judged": 2, "phantom": 1, "covered": 2, "mislabelled": 1},
        "b": {"states": 1, "judged": 0, "phantom": 0, "covered": 0, "mislabelled": 0},
    }
    unjudged = tmp_path / "none.json"
    unjudged.write_text(json.dumps({"states": states[2:]}))
    done = subprocess.run(
        [sys.executable, BENCH / "desktop_handcheck.py", unjudged], capture_output=True, text=True
    )
    assert done.returncode == 1 and "FAIL" in done.stderr and "states judged by hand" in done.stderr


def test_a_table_of_runs_made_in_batches_takes_each_application_from_the_last_run_that_has_it():
    from desktop_table import combined

    first = [{"app": "calc", "states": 12}, {"app": "poedit", "states": 3}]
    rerun = [{"app": "poedit", "states": 11}, {"app": "jedit", "states": 4}]
    assert combined([first, rerun]) == [
        {"app": "calc", "states": 12},
        {"app": "jedit", "states": 4},
        {"app": "poedit", "states": 11},
    ]
