"""Navigation tasks: a multi-step instruction and its trajectory, from explored desktop states and from web
pages that link to each other.

Desktop: a state reached by two or more actions (`captures.action_path`: `menu:File`, `item:Print…`,
`tab:Page Setup`; the first state's is `start`) gives the task "Open the Page Setup tab of the Print
dialog". Its steps are its actions in order; each step's screen is the state its earlier actions reached
(a capture of the same application whose path is that prefix; for the first, the main window: `start`,
or the last start-up window dismissed), and its target the one element there that the action names
(`menu:File`: the menu "File"). A state one of whose earlier screens was not captured, or whose target is
not on that screen or is there more than once, is set aside with the step and the reason.
Web: a link on captured page A whose address is captured page B gives "Open the Contact page from the home
page": one step, A's screenshot, the link's box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from schemas.registry import schema
from transforms.annotate.effects import address
from transforms.ids import row_id

# The element roles an action's kind may name (AT-SPI role names as desktop capture writes them).
ROLES = {
    "menu": {"menu", "menu item", "menu bar item"},
    "item": {"menu item", "check menu item", "radio menu item", "menu"},
    "tab": {"page tab"},
    "button": {"push button", "toggle button"},
}
# start-up windows closed, addresses asked for, screens of a how-to replay (replay_run.py): not a user's task
NOT_TASK_STEPS = ("dismiss:", "url:", "howto:")
BOX = ("x1", "y1", "x2", "y2")
HOME_PAGES = {"", "/", "index.html", "index.htm"}


@dataclass
class Tasks:
    trajectories: pl.DataFrame
    skipped: pl.DataFrame
    books: list[dict] = field(default_factory=list)


def _clean(label: str) -> str:
    return re.sub(r"\s*(?:…|\.\.\.)$", "", label).strip()


def desktop_goal(path: list[str]) -> str:
    """The instruction an action path stands for, in the words of its labels."""
    steps = [(a.split(":", 1)[0], _clean(a.split(":", 1)[1])) for a in path if ":" in a]
    kind, label = steps[-1]
    before = steps[-2] if len(steps) > 1 else (None, None)
    if kind == "tab" and before[0] == "item":
        return f"Open the {label} tab of the {before[1]} dialog"
    if kind == "tab":
        return f"Open the {label} tab"
    if kind == "item" and before[0] == "menu":
        dialog = re.search(r"(?:…|\.\.\.)$", path[-1]) is not None  # "Print…" opens a dialog
        return (
            f"Open the {label} dialog from the {before[1]} menu"
            if dialog
            else f"Choose {label} from the {before[1]} menu"
        )
    return "Choose " + " > ".join(lab for _, lab in steps)


def _screens(captures: pl.DataFrame, screenshots: pl.DataFrame) -> pl.DataFrame:
    first = screenshots.filter(pl.col("part_index") == 0).select("capture_id", "screenshot_id")
    return captures.filter(pl.col("status") == "ok").join(first, on="capture_id", how="inner")


def _target(elements: pl.DataFrame, screenshot_id: str, kind: str, label: str) -> tuple[str, dict | None]:
    """The one element of the screen that an action names: its name (or text) is the label, its role one
    the action's kind allows; ('grounded', row), else ('absent' | 'ambiguous', None)."""
    named = elements.filter(
        (pl.col("screenshot_id") == screenshot_id) & ((pl.col("name") == label) | (pl.col("text") == label))
    )
    roles = ROLES.get(kind)
    fitting = named.filter(pl.col("role").is_in(list(roles))) if roles else named
    if fitting.height == 1:
        return "grounded", fitting.row(0, named=True)
    if fitting.height == 0 and named.height == 1:
        return "grounded", named.row(0, named=True)
    return ("absent" if named.height == 0 else "ambiguous"), None


def _step(number: int, action: str, screenshot_id: str, element: dict) -> dict:
    kind, label = action.split(":", 1)
    return {
        "step": number,
        "action": "click",
        "path_step": action,
        "target": label,
        "screenshot_id": screenshot_id,
        "element_id": element["element_id"],
        **{c: element[c] for c in BOX},
    }


def _skip(row: dict, reason: str) -> dict:
    return {
        "source_id": row["source_id"],
        "table": "trajectories",
        "perspective": row["kind"],
        "element_id": None,
        "screenshot_id": row["screenshot_id"],
        "reason": reason,
    }


def _row(state: dict, kind: str, goal: str, steps: list[dict]) -> dict:
    row = {
        "source_id": state["source_id"],
        "kind": kind,
        "capture_id": state["capture_id"],
        "screenshot_id": state["screenshot_id"],
        "goal": goal,
        "path": [s["path_step"] for s in steps],
        "n_steps": len(steps),
        "steps": steps,
    }
    row["trajectory_id"] = row_id("trajectories", row)
    return row


def _actions(path: list[str]) -> tuple[str, ...]:
    return tuple(a for a in path if a != "start")


def desktop_tasks(screens: pl.DataFrame, elements: pl.DataFrame) -> tuple[list, list, int]:
    """(trajectories, skipped, candidates) of the explored states reached by two or more actions."""
    desktop = screens.filter((pl.col("platform") == "desktop") & pl.col("action_path").is_not_null())
    by_path: dict[tuple, dict] = {}
    for s in desktop.sort("capture_id").iter_rows(named=True):
        actions = _actions(s["action_path"])
        if all(a.startswith("dismiss:") for a in actions):  # the main window: after the start-up windows
            here = by_path.get((s["app"], ()))
            if here is None or len(_actions(here["action_path"])) < len(actions):
                by_path[(s["app"], ())] = s
        else:
            by_path.setdefault((s["app"], actions), s)
    found, skipped, candidates = [], [], 0
    for (app, path), state in sorted(by_path.items()):
        if len(path) < 2 or any(a.startswith(NOT_TASK_STEPS) for a in path):
            continue
        candidates += 1
        steps, reason = [], None
        for i, action in enumerate(path, 1):
            before = by_path.get((app, path[: i - 1]))
            if before is None:
                reason = f"no_screen: step {i} ({action}): the state before it was not captured"
                break
            kind, label = action.split(":", 1)
            grounding, element = _target(elements, before["screenshot_id"], kind, label)
            if element is None:
                reason = f"{grounding}: step {i} ({action}): {label!r} on its screen"
                break
            steps.append(_step(i, action, before["screenshot_id"], element))
        row = {**state, "kind": "desktop"}
        if reason is not None:
            skipped.append(_skip(row, reason))
        else:
            found.append(_row(row, "desktop", desktop_goal(list(path)), steps))
    return found, skipped, candidates


def _page_name(page: dict) -> str:
    tail = page["page_path"].rstrip("/").rsplit("/", 1)[-1] if "/" in page["page_path"] else page["page_path"]
    if tail in HOME_PAGES or re.match(r"^[a-z]+://[^/]+/?$", page["page_path"]):
        return "the home page"
    return f"the {page['title']} page" if page["title"] else f"the page {tail}"


def web_tasks(screens: pl.DataFrame, elements: pl.DataFrame) -> tuple[list, list, int]:
    """(trajectories, skipped, candidates) of the links between captured pages of a web source."""
    web = screens.filter(pl.col("platform") != "desktop")
    pages = {address(p["page_path"]): p for p in web.iter_rows(named=True)}
    links = elements.filter(
        pl.col("href").is_not_null() & pl.col("screenshot_id").is_in(web["screenshot_id"].to_list())
    )
    by_shot = {p["screenshot_id"]: p for p in pages.values()}
    found, seen = [], set()
    for link in links.sort("element_id").iter_rows(named=True):
        page = by_shot.get(link["screenshot_id"])
        target = pages.get(address(page["page_path"], link["href"])) if page else None
        label = (link["text"] or link["name"] or "").strip()
        if (
            target is None
            or target is page
            or not label
            or (page["capture_id"], target["capture_id"]) in seen
        ):
            continue
        seen.add((page["capture_id"], target["capture_id"]))
        step = _step(1, f"link:{label}", page["screenshot_id"], link)
        goal = f"Open the {label} page from {_page_name(page)}"
        found.append(_row({**target, "kind": "web"}, "web", goal, [step]))
    return found, [], len(found)


def navigation_tasks(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> Tasks:
    """The trajectories of a source's explored states and linked pages, what was set aside and why, and
    the ledger's book (candidates in, trajectories out)."""
    screens = _screens(captures, screenshots)
    trajectories, skipped, candidates = [], [], 0
    for tasks in (desktop_tasks, web_tasks):
        found, left, n = tasks(screens, elements)
        trajectories += found
        skipped += left
        candidates += n
    book = {"table": "trajectories", "rows_in": candidates, "rows_out": len(trajectories)}
    book["skipped"] = candidates - len(trajectories)
    return Tasks(
        pl.DataFrame(trajectories, schema=schema("trajectories")),
        pl.DataFrame(skipped, schema=schema("skipped")),
        [book],
    )
