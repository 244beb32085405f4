"""Replay a source's how-to procedures in the application its help pages describe (`application:` in
sources.yaml): the UI procedures of its `howto` rows, in one desktop session on the source's first
screen size, as tables (replayed.py). A source that names no application replays nothing."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from schemas.config import DesktopParams, Source
from transforms.capture.desktop.run import app_files, app_sha256, limits_for, run_app
from transforms.howto.replay_run import PLAN
from transforms.howto.replayed import Replayed, mark_replayed, replayed_tables


def procedures_of(howto: pl.DataFrame) -> list[dict]:
    """The UI procedures to replay ({key, goal, typed_steps}), in howto_id order."""
    rows = howto.filter(pl.col("ui_procedure")).sort("howto_id")
    return [
        {"key": r["howto_id"], "goal": r["goal"], "typed_steps": r["typed_steps"]}
        for r in rows.iter_rows(named=True)
    ]


def replay_stage(
    source: Source, howto: pl.DataFrame, params: DesktopParams, clock: datetime | None = None
) -> tuple[Replayed, pl.DataFrame]:
    """The replay's tables and `howto` with `replayed` set."""
    app = source.application
    if app is None:
        raise ValueError(f"source {source.id!r} names no application to replay its how-to procedures in")
    procedures = procedures_of(howto)
    files = app_files(source, app)
    limits = limits_for(source, app, params)
    run = run_app(app, files, tuple(source.screens[0]), limits, clock, plan=(PLAN, procedures))
    out = replayed_tables(source.id, run, app_sha256(app, files), procedures)
    return out, mark_replayed(howto, [p["key"] for p in procedures], out.trajectories)
