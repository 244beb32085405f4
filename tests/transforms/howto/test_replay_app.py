"""How-to procedures replayed in their application (tests/fixtures/howto_replay: a GTK3 app and its help
page): a menu path into a dialog, a tab, a check box and a typed value replay to the end with the boxes
of the elements they act on; a procedure naming an item the application lacks ends with a skipped row
at that step; no process of the session is left."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from schemas.capture import Replays
from schemas.config import DesktopParams, HowtoParams, parse_source
from schemas.datasets import Trajectories
from schemas.registry import TABLES
from tests.conftest import FIXTURES
from tests.transforms.capture.desktop.test_follow import GTK
from tests.transforms.capture.desktop.test_session import session_processes
from transforms.capture.desktop.reader import SYSTEM_PYTHON
from transforms.howto.mine import mine_howto
from transforms.howto.replay import norm
from transforms.howto.replay_stage import replay_stage
from transforms.howto.replayed import mark_replayed, replayed_trajectories
from transforms.ids import row_id
from transforms.ledger import StageOutput

pytestmark = pytest.mark.skipif(not GTK, reason="the session's programs or the Gtk typelib are not installed")
HERE = FIXTURES / "howto_replay"
FAST = DesktopParams(start_timeout_s=20, walk_timeout_s=4, settle_s=0.5, dialog_timeout_s=3, app_budget_s=90)


@pytest.fixture(scope="module")
def replayed():
    page = {"capture_id": "0" * 32, "source_id": "help", "page_path": "help.html", "status": "ok"}
    page |= {"platform": "web", "html": (HERE / "help.html").read_text()}
    captures = TABLES["captures"].frame([page])
    none = {"screenshots": TABLES["screenshots"].empty(), "elements": TABLES["elements"].empty()}
    captured = StageOutput(
        {"captures": captures, **none}, [{"table": "captures", "rows_in": 1, "rows_out": 1}]
    )
    app = {"name": "notes", "command": [SYSTEM_PYTHON, str(HERE.resolve() / "replay_app.py")]}
    source = parse_source(
        {"id": "help", "kind": "html_dir", "location": str(HERE), "application": app}, Path(".")
    )
    before = session_processes()
    with_replay = replay_stage(source, captured, HowtoParams(), FAST)
    survivors = [line for pid, line in session_processes().items() if pid not in before]
    tables = with_replay.tables
    Replays.validate(tables["replays"])
    out = replayed_trajectories("help", tables["replays"], tables["screenshots"], tables["elements"])
    howto = mine_howto(tables["captures"], tables["screenshots"], tables["elements"], HowtoParams()).howto
    marked = mark_replayed(howto, tables["replays"], out.trajectories)
    return out, marked, survivors, with_replay


def test_procedures_replay_to_the_end_with_the_boxes_of_their_targets(replayed):
    out, _, survivors, with_replay = replayed
    assert survivors == [], "a process of the replay's session survived"
    Trajectories.validate(out.trajectories)
    by_goal = {r["goal"]: r for r in out.trajectories.iter_rows(named=True)}
    keep = by_goal["To keep a paragraph with the next one"]
    assert keep["kind"] == "replayed" and keep["trajectory_id"] == row_id("trajectories", keep)
    assert keep["path"] == [
        "menu:Format",
        "item:Paragraph…",
        "click:Text Flow",
        "click:Keep with next paragraph",
        "click:OK",
    ]
    assert [s["howto_step"] for s in keep["steps"]] == [1, 1, 2, 3, 4]
    assert keep["steps"][3]["words"] == "Select the Keep with next paragraph check box."
    spacing = by_goal["To set the spacing of a paragraph"]
    assert [(s["action"], s["value"]) for s in spacing["steps"]][3] == ("type", "12")
    elements = with_replay.tables["elements"]
    roles = {"Format": "menuitem", "Paragraph…": "menuitem", "Text Flow": "tab", "OK": "button"}
    roles |= {"Keep with next paragraph": "checkbox", "Indents & Spacing": "tab", "Spacing": "textbox"}
    for row in (keep, spacing):
        for step in row["steps"]:
            el = elements.filter(pl.col("element_id") == step["element_id"]).row(0, named=True)
            assert el["screenshot_id"] == step["screenshot_id"]  # the target on the screen before the move
            assert [el[c] for c in ("x1", "y1", "x2", "y2")] == [step[c] for c in ("x1", "y1", "x2", "y2")]
            assert el["role"] == roles[step["target"]], step["path_step"]
            if el["role"] != "textbox":  # a field is found by the label beside it
                assert norm(el["name"]) == norm(step["target"])
        # it ends on the main window: OK closed the dialog
        end = set(elements.filter(pl.col("screenshot_id") == row["screenshot_id"])["name"].drop_nulls())
        assert "Keep with next paragraph" not in end and "Spacing:" not in end
    # the check box was clicked on the Text Flow page, the tab reading selected there
    shown = elements.filter(pl.col("screenshot_id") == keep["steps"][3]["screenshot_id"])
    tab = shown.filter(pl.col("name") == "Text Flow").row(0, named=True)
    assert "selected" in tab["states"]
    # the field sits right of its label, inside the dialog
    label = elements.filter(
        (pl.col("screenshot_id") == spacing["steps"][3]["screenshot_id"]) & (pl.col("name") == "Spacing:")
    ).row(0, named=True)
    assert spacing["steps"][3]["x1"] >= label["x2"] and spacing["steps"][3]["y1"] < label["y2"]
    # every step's screen is one of the replay's screenshots
    shots = set(with_replay.tables["screenshots"]["screenshot_id"])
    assert {s["screenshot_id"] for r in (keep, spacing) for s in r["steps"]} <= shots


def test_a_missing_item_ends_the_replay_with_a_skipped_row_at_its_step(replayed):
    out, marked, _, with_replay = replayed
    assert out.trajectories.height == 2
    reasons = out.skipped["reason"].to_list()
    assert reasons == [
        "not_replayed: step 2 of 'To number the lines': click:Numbering: 'Numbering' is not on the screen"
    ]
    assert out.skipped["screenshot_id"][0] in set(with_replay.tables["screenshots"]["screenshot_id"])
    TABLES["skipped"].model.validate(out.skipped)
    assert dict(zip(marked["goal"], marked["replayed"])) == {
        "To keep a paragraph with the next one": True,
        "To set the spacing of a paragraph": True,
        "To number the lines": False,
    }
    assert out.books == [{"table": "trajectories.replayed", "rows_in": 3, "rows_out": 2, "skipped": 1}]
    # capture's books: the page and the replay's screens in captures, every procedure attempted recorded
    books = {b["table"]: b for b in with_replay.books}
    captures = with_replay.tables["captures"]
    assert books["captures"]["rows_in"] == captures.height > 1 + 5
    assert books["replays"] == {"table": "replays", "rows_in": 3, "rows_out": 3, "skipped": 0}
    with_replay.ledger("capture", "help")  # balances
