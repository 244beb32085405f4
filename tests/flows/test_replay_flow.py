"""How-to procedures replayed in their application by `groundmill run` (tests/fixtures/howto_replay: a help
page and the GTK3 app it describes, one html source naming it as its `application`): capture replays the
page's UI procedures in the app and keeps their screens and a `replays` row each; annotate makes the
`replayed` trajectories and marks howto.replayed; publish publishes them; the ledger accounts for every
procedure attempted. A menu path into a dialog, a tab, a check box and a typed value replay to the end
with the boxes of the elements they act on; a procedure naming an item the app lacks ends with a skipped
row at that step; no process of the session is left. (One run for the module: the replay and the
lifecycle take a while.)"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polars as pl
import pytest

from schemas.bookkeeping import BALANCES
from schemas.capture import Replays
from schemas.config import load_sources
from schemas.datasets import Trajectories
from tests.conftest import FIXTURES, REPO, groundmill
from tests.transforms.capture.desktop.test_follow import GTK
from tests.transforms.capture.desktop.test_session import session_processes
from transforms.capture.desktop.reader import SYSTEM_PYTHON
from transforms.capture.desktop.run import session_scope
from transforms.howto.replay import norm
from transforms.ids import row_id

pytestmark = pytest.mark.skipif(not GTK, reason="the session's programs or the Gtk typelib are not installed")
KEEP, SPACING, NUMBER = (
    "To keep a paragraph with the next one",
    "To set the spacing of a paragraph",
    "To number the lines",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("replay") / "project"
    shutil.copytree(FIXTURES / "howto_replay", root / "data/sources/help")
    params = (REPO / "params.yaml").read_text()
    for old, new in (("settle_s: 3 ", "settle_s: 0.5 "), ("dialog_timeout_s: 6 ", "dialog_timeout_s: 3 ")):
        assert old in params
        params = params.replace(old, new)
    (root / "params.yaml").write_text(params)
    # the app from the checkout: the session's /tmp is its own, the project's copy is not seen there
    app = (
        f"{{name: notes, command: [{SYSTEM_PYTHON}, {(FIXTURES / 'howto_replay/replay_app.py').resolve()}]}}"
    )
    (root / "sources.yaml").write_text(
        "sources:\n  - {id: help, kind: html_dir, location: data/sources/help, license: CC0-1.0,\n"
        f"     application: {app}}}\n"
    )
    (source,) = load_sources(root / "sources.yaml")
    groundmill(root, "run")
    return root, [line for pid, line in session_processes().items() if _ours(pid, session_scope(source))]


def _ours(pid: str, scope: str) -> bool:
    """A process of this project's session (its HOME under the source's scope), not another test's."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False
    return f"HOME={tempfile.gettempdir()}/groundmill-desktop/{scope}".encode() in environ


def _table(root: Path, where: str, table: str) -> pl.DataFrame:
    path = f"data/interim/{where}/help/{table}.parquet" if where != "processed" else None
    return pl.read_parquet(root / (path or f"data/processed/{table}/source=help/part-0.parquet"))


def test_procedures_replay_to_the_end_with_the_boxes_of_their_targets(project):
    root, survivors = project
    assert survivors == [], "a process of the replay's session survived"
    trajectories = _table(root, "annotate", "trajectories").filter(pl.col("kind") == "replayed")
    Trajectories.validate(trajectories)
    by_goal = {r["goal"]: r for r in trajectories.iter_rows(named=True)}
    assert sorted(by_goal) == [KEEP, SPACING]
    keep, spacing = by_goal[KEEP], by_goal[SPACING]
    assert keep["trajectory_id"] == row_id("trajectories", keep)
    assert keep["path"] == [
        "menu:Format",
        "item:Paragraph…",
        "click:Text Flow",
        "click:Keep with next paragraph",
        "click:OK",
    ]
    assert [s["howto_step"] for s in keep["steps"]] == [1, 1, 2, 3, 4]
    assert keep["steps"][3]["words"] == "Select the Keep with next paragraph check box."
    assert [(s["action"], s["value"]) for s in spacing["steps"]][3] == ("type", "12")
    elements = _table(root, "capture", "elements")
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
    assert "selected" in shown.filter(pl.col("name") == "Text Flow").row(0, named=True)["states"]
    # the field sits right of its label, inside the dialog
    label = elements.filter(
        (pl.col("screenshot_id") == spacing["steps"][3]["screenshot_id"]) & (pl.col("name") == "Spacing:")
    ).row(0, named=True)
    assert spacing["steps"][3]["x1"] >= label["x2"] and spacing["steps"][3]["y1"] < label["y2"]


def test_capture_keeps_the_replay_screens_and_a_row_per_procedure_attempted(project):
    root, _ = project
    replays = _table(root, "capture", "replays")
    Replays.validate(replays)
    assert sorted(replays["goal"]) == [KEEP, NUMBER, SPACING]
    captures = _table(root, "capture", "captures")
    states = captures.filter(pl.col("app") == "notes")
    assert states.height >= 6 and all(p[0].startswith("howto:") for p in states["action_path"])
    assert set(replays.explode("moves")["moves"].struct.field("capture_id")) <= set(states["capture_id"])


def test_a_missing_item_ends_the_replay_with_a_skipped_row_and_everything_is_published(project):
    root, _ = project
    published = _table(root, "processed", "trajectories").filter(pl.col("kind") == "replayed")
    assert sorted(published["goal"]) == [KEEP, SPACING]
    shots = set(_table(root, "processed", "screenshots")["screenshot_id"])
    elements = set(_table(root, "processed", "elements")["element_id"])
    steps = published.explode("steps")["steps"]
    assert set(steps.struct.field("screenshot_id")) <= shots  # each step's screen and target published
    assert set(steps.struct.field("element_id")) <= elements
    howto = _table(root, "processed", "howto")
    assert dict(zip(howto["goal"], howto["replayed"])) == {KEEP: True, SPACING: True, NUMBER: False}
    skipped = _table(root, "processed", "skipped").filter(pl.col("perspective") == "replayed")
    assert skipped["reason"].to_list() == [
        "not_replayed: step 2 of 'To number the lines': click:Numbering: 'Numbering' is not on the screen"
    ]
    assert skipped["screenshot_id"][0] in shots
    ledger = _table(root, "processed", "ledger")
    assert ledger.filter(~BALANCES).is_empty()
    books = {
        (r["stage"], r["table"]): (r["rows_in"], r["rows_out"])
        for r in ledger.filter(pl.col("table").is_in(["replays", "trajectories.replayed"])).iter_rows(
            named=True
        )
    }
    assert books == {("capture", "replays"): (3, 3), ("annotate", "trajectories.replayed"): (3, 2)}
    captured = ledger.filter((pl.col("stage") == "capture") & (pl.col("table") == "captures")).row(
        0, named=True
    )
    assert (
        captured["rows_in"] == _table(root, "capture", "captures").height
    )  # the page and the replay's screens
