"""Replayed procedures as tables, in two halves.

Capture (`replay_records`): the screens the replay captured (captures, screenshots and elements of the
application, as desktop capture writes them) and a `replays` row per procedure attempted: the moves made,
each with the state it was made from (its capture) and its target's tree path there, and the state it
ended on or why it stopped.

Annotate (`replayed_trajectories`): a `replayed` trajectory per procedure replayed to its end, a `skipped`
row per procedure that was not (its reason and the step it ended at), and the ledger's book (procedures
attempted in, trajectories out). A trajectory's goal is the procedure's; per move its screen (the state
captured just before it), the action (click, type, key) with its value, the target's element and box on
that screen, the procedure's step it comes from and that step's own words. It ends on the screen captured
after its last move. `mark_replayed` sets `howto.replayed`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.registry import TABLES, schema
from transforms.capture.desktop.explore import AppRun
from transforms.capture.desktop.records import desktop_tables
from transforms.ids import row_id

BOX = ("x1", "y1", "x2", "y2")
ACTION_OF_MOVE = {
    "menu": "click",
    "item": "click",
    "click": "click",
    "rclick": "right_click",
    "type": "type",
    "key": "key",
}
MOVE_FIELDS = ("step", "kind", "target", "value", "words", "path_step")


@dataclass
class Replayed:
    trajectories: pl.DataFrame
    skipped: pl.DataFrame
    books: list[dict]


def replay_records(
    source_id: str, run: AppRun, app_sha: str, procedures: list[dict]
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The capture tables of one application's replay of `procedures` ({key, goal}; `run.extra`: the
    runner's results, in the same order) and its `replays` rows. A procedure with no result (the
    application did not start, the worker failed) ends with the run's failure."""
    tables = desktop_tables(source_id, [(run, app_sha)])
    ids = tables["captures"]["capture_id"].to_list()[: len(run.states)]
    results = list(run.extra or [])
    failed = next((s for s in reversed(run.states) if s.status != "ok"), None)
    why = f"{failed.status}: {failed.message}" if failed else "the replay gave no result"
    results += [
        {"key": p["key"], "goal": p["goal"], "moves": [], "reason": why, "step": 1}
        for p in procedures[len(results) :]
    ]
    rows = []
    for result in results:
        moves = result["moves"]
        at = result.get("end") if result["reason"] is None else result.get("at")
        if at is None and moves:
            at = moves[-1]["state"]
        rows.append(
            {
                "howto_id": result["key"],
                "source_id": source_id,
                "goal": result["goal"],
                "moves": [
                    {
                        **{f: m[f] for f in MOVE_FIELDS},
                        "capture_id": ids[m["state"]],
                        "css_path": m["css_path"],
                    }
                    for m in moves
                ],
                "capture_id": ids[at] if at is not None else None,
                "reason": result["reason"],
                "step": result.get("step") if result["reason"] is not None else None,
            }
        )
    return tables, TABLES["replays"].frame(rows)


def _step(number: int, move: dict, screenshot_id: str, element: dict | None) -> dict:
    return {
        "step": number,
        "action": ACTION_OF_MOVE[move["kind"]],
        "path_step": move["path_step"],
        "target": move["target"],
        "value": move["value"],
        "howto_step": move["step"],
        "words": move["words"],
        "screenshot_id": screenshot_id,
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


def replayed_trajectories(
    source_id: str, replays: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame
) -> Replayed:
    """The trajectories of the procedures in `replays` replayed to their end, the others skipped."""
    shots = screenshots.filter(pl.col("part_index") == 0)
    screen_of = dict(zip(shots["capture_id"], shots["screenshot_id"]))
    wanted = {m["capture_id"] for ms in replays["moves"].to_list() for m in ms}
    boxes = {
        (r["screenshot_id"], r["css_path"]): r
        for r in elements.filter(pl.col("capture_id").is_in(list(wanted)))
        .select("element_id", "screenshot_id", "css_path", *BOX)
        .iter_rows(named=True)
    }
    trajectories, skipped = [], []
    for replay in replays.iter_rows(named=True):
        goal, where = replay["goal"], screen_of.get(replay["capture_id"])
        if replay["reason"] is not None:
            skipped.append(_skip(source_id, where, f"step {replay['step']} of {goal!r}: {replay['reason']}"))
            continue
        steps, missing = [], None
        for number, move in enumerate(replay["moves"], 1):
            shot = screen_of.get(move["capture_id"])
            element = boxes.get((shot, move["css_path"])) if move["css_path"] else None
            if shot is None or (move["css_path"] and element is None):
                missing = f"step {move['step']} of {goal!r}: its target is on no element of its screen"
                break
            steps.append(_step(number, move, shot, element))
        if missing is not None or where is None:
            skipped.append(_skip(source_id, where, missing or f"{goal!r}: no screen at its end"))
            continue
        row = {
            "source_id": source_id,
            "kind": "replayed",
            "howto_id": replay["howto_id"],
            "capture_id": replay["capture_id"],
            "screenshot_id": where,
            "goal": goal,
            "path": [s["path_step"] for s in steps],
            "n_steps": len(steps),
            "steps": steps,
        }
        row["trajectory_id"] = row_id("trajectories", row)
        trajectories.append(row)
    book = {"table": "trajectories.replayed", "rows_in": replays.height, "rows_out": len(trajectories)}
    book["skipped"] = book["rows_in"] - book["rows_out"]
    return Replayed(
        pl.DataFrame(trajectories, schema=schema("trajectories")), TABLES["skipped"].frame(skipped), [book]
    )


def mark_replayed(howto: pl.DataFrame, replays: pl.DataFrame, trajectories: pl.DataFrame) -> pl.DataFrame:
    """`howto` with `replayed`: true for the procedures with a replayed trajectory, false for the others
    that were attempted, null for those never tried."""
    done = trajectories.filter(pl.col("kind") == "replayed")["howto_id"].to_list()
    return howto.with_columns(
        replayed=pl.when(pl.col("howto_id").is_in(done))
        .then(True)
        .when(pl.col("howto_id").is_in(replays["howto_id"].to_list()))
        .then(False)
        .otherwise(None)
    )
