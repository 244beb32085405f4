"""Replay an html source's how-to procedures in the application its help pages describe (`application:`
in sources.yaml), from the capture stage: the UI procedures mined from the source's captured pages, in one
desktop session on the source's first screen size. Their screens join the source's capture tables (states
named `howto:<procedure>/<moves before>`) and each procedure attempted is a `replays` row; annotate makes
the trajectories (replayed.py). A source that names no application replays nothing."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from schemas.config import DesktopParams, HowtoParams, Source
from transforms.capture.desktop.run import app_files, app_sha256, limits_for, run_app, session_scope
from transforms.howto.mine import mine_howto
from transforms.howto.replay_run import PLAN
from transforms.howto.replayed import replay_records
from transforms.ledger import StageOutput


def procedures_of(howto: pl.DataFrame) -> list[dict]:
    """The UI procedures to replay ({key, goal, typed_steps}), in howto_id order."""
    rows = howto.filter(pl.col("ui_procedure")).sort("howto_id")
    return [
        {"key": r["howto_id"], "goal": r["goal"], "typed_steps": r["typed_steps"]}
        for r in rows.iter_rows(named=True)
    ]


def replay_stage(
    source: Source,
    captured: StageOutput,
    howto: HowtoParams,
    params: DesktopParams,
    clock: datetime | None = None,
) -> StageOutput:
    """The source's capture output with its replay added: the replay's screens appended to its capture
    tables (the captures book counts them), `replays`, and a book of procedures attempted and recorded."""
    app = source.application
    if app is None:
        raise ValueError(f"source {source.id!r} names no application to replay its how-to procedures in")
    tables = captured.tables
    mined = mine_howto(tables["captures"], tables["screenshots"], tables["elements"], howto)
    procedures = procedures_of(mined.howto)
    files = app_files(source, app)
    limits = limits_for(source, app, params)
    size = tuple(source.screens[0])
    run = run_app(app, files, size, limits, clock, session_scope(source), plan=(PLAN, procedures))
    screens, replays = replay_records(source.id, run, app_sha256(app, files), procedures)
    joined = dict(tables)
    for name, frame in screens.items():
        joined[name] = pl.concat([tables[name], frame]) if name in tables else frame
    joined["replays"] = replays
    captures = joined["captures"]
    ok = captures.filter(pl.col("status") == "ok").height
    books = [b for b in captured.books if b["table"] != "captures"]
    books.append(
        {"table": "captures", "rows_in": captures.height, "rows_out": ok, "skipped": captures.height - ok}
    )
    books.append({"table": "replays", "rows_in": len(procedures), "rows_out": replays.height, "skipped": 0})
    return StageOutput(joined, books)
