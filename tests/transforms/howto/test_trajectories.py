"""Navigation tasks from explored desktop states and linked web pages: the instruction, each step's screen
and target, what is set aside and why, the contract and the ledger's book."""

from __future__ import annotations

import pandera.errors
import polars as pl
import pytest

from schemas.datasets import Trajectories
from schemas.registry import schema
from tests.transforms.elements import el
from transforms.howto.trajectories import desktop_goal, navigation_tasks
from transforms.ids import row_id

PATHS = {
    "0": ["start"],
    "1": ["menu:File"],  # as desktop capture writes them: `start` for the first state only
    "2": ["menu:File", "item:Print…"],
    "3": ["menu:File", "item:Print…", "tab:Page Setup"],
    "4": ["menu:Edit", "item:Find…"],  # menu:Edit was not captured
    "5": ["menu:File", "item:Export…"],  # no Export… item in the File menu
    "6": ["url:https://example.org/", "menu:File"],  # an address the application asked for: not a task
}


def _capture(key: str, platform: str, path: list[str] | None, page: str, title: str | None = None) -> dict:
    row = {c: None for c in schema("captures")}
    row |= {
        "capture_id": key * 32,
        "source_id": "t",
        "page_path": page,
        "page_sha256": "x",
        "device": "screen",
        "platform": platform,
        "status": "ok",
        "viewport_width": 1280,
        "viewport_height": 800,
        "device_scale_factor": 1.0,
        "n_parts": 1,
        "title": title,
        "n_elements": 1,
        "script_errors": 0,
        "app": "editor" if platform == "desktop" else None,
        "action_path": path,
    }
    return row


def _shot(key: str) -> dict:
    row = {c: None for c in schema("screenshots")}
    return row | {"screenshot_id": key * 64, "source_id": "t", "capture_id": key * 32, "part_index": 0}


def _on(key: str) -> dict:
    return {"screenshot": key * 64, "capture_id": key * 32}


@pytest.fixture
def source() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    captures = [_capture(k, "desktop", p, "editor/" + "/".join(p)) for k, p in PATHS.items() if k != "4"]
    captures += [_capture("4", "desktop", PATHS["4"], "editor/x")]
    captures += [
        _capture("a", "web", None, "index.html", "Home"),
        _capture("b", "web", None, "about/contact.html", "Contact us"),
    ]
    elements = [
        el(1, "menu", "menu", text="File", box=(0, 0, 40, 20), **_on("0")),
        el(2, "menu", "menu", text="Edit", box=(40, 0, 80, 20), **_on("0")),
        el(3, "menu item", "menu item", text="Print…", box=(0, 100, 120, 120), **_on("1")),
        el(
            4, "label", "label", text="Print…", box=(500, 500, 560, 520), **_on("1")
        ),  # same words, not a menu
        el(5, "page tab", "page tab", text="Page Setup", box=(100, 50, 180, 70), **_on("2")),
        el(6, "a", "link", text="Contact", box=(10, 10, 60, 30), href="about/contact.html#form", **_on("a")),
        el(7, "a", "link", text="Blog", box=(70, 10, 110, 30), href="blog.html", **_on("a")),  # not captured
    ]
    frames = (
        pl.DataFrame(captures, schema=schema("captures")),
        pl.DataFrame([_shot(k) for k in [*PATHS, "a", "b"]], schema=schema("screenshots")),
        pl.DataFrame(elements, schema=schema("elements")),
    )
    return frames


def test_explored_states_and_linked_pages_become_tasks_with_their_screens_and_targets(source):
    tasks = navigation_tasks(*source)
    rows = {r["goal"]: r for r in tasks.trajectories.iter_rows(named=True)}
    assert sorted(rows) == [
        "Open the Contact page from the home page",
        "Open the Page Setup tab of the Print dialog",
        "Open the Print dialog from the File menu",
    ]
    tab = rows["Open the Page Setup tab of the Print dialog"]
    assert tab["path"] == ["menu:File", "item:Print…", "tab:Page Setup"] and tab["capture_id"] == "3" * 32
    steps = [(s["screenshot_id"][0], s["target"], s["element_id"][-1], s["x1"]) for s in tab["steps"]]
    assert steps == [("0", "File", "1", 0.0), ("1", "Print…", "3", 0.0), ("2", "Page Setup", "5", 100.0)]
    link = rows["Open the Contact page from the home page"]
    assert link["capture_id"] == "b" * 32 and [s["screenshot_id"][0] for s in link["steps"]] == ["a"]
    assert tab["trajectory_id"] == row_id("trajectories", tab)
    Trajectories.validate(tasks.trajectories)


def test_a_state_whose_screen_or_target_is_missing_is_set_aside_with_its_step_and_the_ledger_balances(source):
    tasks = navigation_tasks(*source)
    assert sorted(tasks.skipped["reason"]) == [
        "absent: step 2 (item:Export…): 'Export…' on its screen",
        "no_screen: step 2 (item:Find…): the state before it was not captured",
    ]
    (book,) = tasks.books
    assert book == {"table": "trajectories", "rows_in": 5, "rows_out": 3, "skipped": 2}
    assert book["rows_in"] == book["rows_out"] + tasks.skipped.height


def test_the_instruction_reads_the_path_and_the_contract_checks_the_steps(source):
    character = desktop_goal(["menu:Format", "item:Character..."])
    assert character == "Open the Character dialog from the Format menu"
    assert desktop_goal(["menu:View", "menu:Toolbars", "item:Hide"]) == "Choose Hide from the Toolbars menu"
    rows = navigation_tasks(*source).trajectories.to_dicts()
    rows[0]["steps"][0]["x2"] = -1.0
    with pytest.raises(pandera.errors.SchemaError):
        Trajectories.validate(pl.DataFrame(rows, schema=schema("trajectories")))


def test_curation_recomputes_the_ids_and_keeps_one_copy_of_a_task(source):
    from transforms.curate.dedup import dedup_exact
    from transforms.curate.integrity import check_ids
    from transforms.curate.stage import EXACT_KEYS

    trajectories = navigation_tasks(*source).trajectories
    kept, quarantined = check_ids(trajectories, "trajectories")
    assert kept.height == trajectories.height and quarantined.is_empty()
    forged = trajectories.with_columns(pl.lit("f" * 32).alias("trajectory_id"))
    assert check_ids(forged, "trajectories")[1].height == trajectories.height
    again = pl.concat([trajectories, trajectories.with_columns(pl.lit("0" * 32).alias("trajectory_id"))])
    key, order = EXACT_KEYS["trajectories"]
    kept, gone = dedup_exact(again, key, "trajectory_id", "trajectories", order)
    assert kept.height == trajectories.height and gone.height == trajectories.height
