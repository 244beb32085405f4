"""Progress as a user sees it: log lines never on a bar's line; progress lines without a terminal."""

from __future__ import annotations

import logging
import re
import threading

from flows import progress


def test_log_lines_written_while_a_bar_shows_are_lines_of_their_own(monkeypatch, capsys):
    monkeypatch.setenv("GROUNDMILL_PROGRESS", "on")
    handler = logging.StreamHandler(progress.sys.stderr)  # a console handler, as Prefect's
    logging.getLogger().addHandler(handler)
    try:
        with progress.stage_bar("capture", 3, "page"):
            progress.tick("capture")
            logging.getLogger("groundmill.test").warning("a log line")
            progress.tick("capture", 2)
    finally:
        logging.getLogger().removeHandler(handler)
    shown = re.split(r"[\r\n]", capsys.readouterr().err)  # what a terminal shows, line by line
    assert [line.strip() for line in shown if "a log line" in line] == ["a log line"], shown
    assert any("capture: 100%" in line for line in shown)


def test_without_a_terminal_a_stage_writes_a_progress_line_every_few_seconds(monkeypatch, capsys):
    monkeypatch.setenv("GROUNDMILL_PROGRESS", "auto")  # stderr is captured: no terminal
    monkeypatch.setenv("GROUNDMILL_PROGRESS_EVERY_S", "0.01")
    said, original = threading.Event(), progress._Lines._say

    def say(self) -> None:
        original(self)
        said.set()

    monkeypatch.setattr(progress._Lines, "_say", say)
    with progress.stage_bar("capture", 3, "page"):
        progress.tick("capture")
        assert said.wait(30)  # a line while the stage runs, not only at its end
        progress.tick("capture", 2)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("capture: 1/3 pages, ") and lines[-1].startswith("capture: 3/3 pages, ")
