"""Replayed procedures as tables: the screens the replay captured (captures, screenshots and elements of
the application, as desktop capture writes them), a `replayed` trajectory per procedure replayed to its
end, a `skipped` row per procedure that was not (its reason and the step it ended at), the `howto` rows
with `replayed` set, and the ledger's book (procedures attempted in, trajectories out).

A trajectory's goal is the procedure's; per move its screen (the state captured just before it), the
action (click, type, key) with its value, the target's element and box on that screen, the procedure's
step it comes from and that step's own words. It ends on the screen captured after its last move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from schemas.registry import TABLES, schema
from transforms.capture.desktop.explore import AppRun
from transforms.capture.desktop.records import desktop_tables
from transforms.ids import row_id

BOX = ("x1", "y1", "x2", "y2")
ACTION_OF_MOVE = {"menu": "click", "item": "click", "click": "click", "type": "type", "key": "key"}


@dataclass
class Replayed:
    tables: dict[str, pl.DataFrame]  # captures, screenshots, elements, excluded_elements, capture_timings
    trajectories: pl.DataFrame
    skipped: pl.DataFrame
    books: list[dict] = field(default_factory=list)


def _screens(run: AppRun, tables: dict[str, pl.DataFrame]) -> list[tuple[str, str] | None]:
    """Per state of the run, in order: (capture_id, screenshot_id), None where it has no screenshot."""
    shots = dict(zip(tables["screenshots"]["capture_id"], tables["screenshots"]["screenshot_id"]))
    ids = tables["captures"]["capture_id"].to_list()[: len(run.states)]
    return [(c, shots[c]) if c in shots else None for c in ids]


def _element(elements: pl.DataFrame, screenshot_id: str, css_path: str) -> dict | None:
    found = elements.filter((pl.col("screenshot_id") == screenshot_id) & (pl.col("css_path") == css_path))
    return found.row(0, named=True) if found.height else None


def _step(number: int, move: dict, screen: tuple[str, str], element: dict | None) -> dict:
    return {
        "step": number,
        "action": ACTION_OF_MOVE[move["kind"]],
        "path_step": move["path_step"],
        "target": move["target"],
        "value": move["value"],
        "howto_step": move["step"],
        "words": move["words"],
        "screenshot_id": screen[1],
        "element_id": element["element_id"] if element else None,
        **{c: (element[c] if element else None) for c in BOX},
    }


def _skip(source_id: str, screenshot_id: str | None, reason: str) -> dict:
    return {
        "source_id": source_id,
        "table": "trajectories",
        "perspective": "replayed",
        "element_id": None,
        "screenshot_id": screenshot_id,
        "reason": f"not_replayed: {reason}",
    }


def replayed_tables(source_id: str, run: AppRun, app_sha: str, procedures: list[dict]) -> Replayed:
    """The tables of one application's replay of `procedures` ({key, goal}; `run.extra`: the runner's
    results, in the same order). A procedure with no result (the application did not start, the worker
    failed) ends with the run's failure."""
    tables = desktop_tables(source_id, [(run, app_sha)])
    screens = _screens(run, tables)
    elements = tables["elements"]
    trajectories, skipped = [], []
    results = list(run.extra or [])
    failed = next((s for s in reversed(run.states) if s.status != "ok"), None)
    why = f"{failed.status}: {failed.message}" if failed else "the replay gave no result"
    results += [
        {"goal": p["goal"], "moves": [], "reason": why, "step": 1} for p in procedures[len(results) :]
    ]
    for result in results:
        goal, moves = result["goal"], result["moves"]
        at = result.get("at") if result.get("at") is not None else (moves[-1]["state"] if moves else None)
        where = screens[at] if at is not None else None
        if result["reason"] is not None:
            reason = f"step {result['step']} of {goal!r}: {result['reason']}"
            skipped.append(_skip(source_id, where[1] if where else None, reason))
            continue
        steps, missing = [], None
        for number, move in enumerate(moves, 1):
            screen = screens[move["state"]]
            element = _element(elements, screen[1], move["css_path"]) if move["css_path"] else None
            if screen is None or (move["css_path"] and element is None):
                missing = f"step {move['step']} of {goal!r}: its target is on no element of its screen"
                break
            steps.append(_step(number, move, screen, element))
        end = screens[result["end"]] if result.get("end") is not None else where
        if missing is not None or end is None:
            skipped.append(_skip(source_id, where[1] if where else None, missing or "no screen at its end"))
            continue
        row = {
            "source_id": source_id,
            "kind": "replayed",
            "howto_id": result["key"],
            "capture_id": end[0],
            "screenshot_id": end[1],
            "goal": goal,
            "path": [s["path_step"] for s in steps],
            "n_steps": len(steps),
            "steps": steps,
        }
        row["trajectory_id"] = row_id("trajectories", row)
        trajectories.append(row)
    book = {"table": "trajectories.replayed", "rows_in": len(procedures), "rows_out": len(trajectories)}
    book["skipped"] = book["rows_in"] - book["rows_out"]
    return Replayed(
        tables,
        pl.DataFrame(trajectories, schema=schema("trajectories")),
        TABLES["skipped"].frame(skipped),
        [book],
    )


def mark_replayed(howto: pl.DataFrame, attempted: list[str], trajectories: pl.DataFrame) -> pl.DataFrame:
    """`howto` with `replayed`: true for the procedures with a replayed trajectory, false for the others
    that were attempted, null for those never tried."""
    done = trajectories.filter(pl.col("kind") == "replayed")["howto_id"].to_list()
    return howto.with_columns(
        replayed=pl.when(pl.col("howto_id").is_in(done))
        .then(True)
        .when(pl.col("howto_id").is_in(attempted))
        .then(False)
        .otherwise(None)
    )
