"""Progress for the CLI: one bar per stage, ticked by the tasks that run in this process.

Bars show on an interactive terminal (stderr is a TTY), or always with GROUNDMILL_PROGRESS=on; never
with GROUNDMILL_PROGRESS=off. While a bar shows, log lines are written above it, each on its own line
(never appended to the bar's). Without a terminal (a log file, a CI job) and with the setting left to
`auto`, a stage writes a progress line instead every GROUNDMILL_PROGRESS_EVERY_S seconds (30), and one
when it ends, so a long run is never silent. Tasks running in other processes (Dask workers) tick nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator

_BARS: dict[str, object] = {}
_LOCK = threading.Lock()
EVERY_S = 30.0


def enabled() -> bool:
    setting = os.environ.get("GROUNDMILL_PROGRESS", "auto")
    return setting == "on" or (setting != "off" and sys.stderr.isatty())


class _Lines:
    """A bar's stand-in without a terminal: `<stage>: n/total <unit>s, <s> s` on stderr every `every_s`
    seconds while the stage runs, and once when it ends."""

    def __init__(self, stage: str, total: int, unit: str, every_s: float):
        self.stage, self.total, self.unit, self.n = stage, total, unit, 0
        self.started, self.stopped = time.monotonic(), threading.Event()
        self.thread = threading.Thread(target=self._every, args=(every_s,), daemon=True)
        self.thread.start()

    def _say(self) -> None:
        elapsed = time.monotonic() - self.started
        print(
            f"{self.stage}: {self.n}/{self.total} {self.unit}s, {elapsed:.0f} s", file=sys.stderr, flush=True
        )

    def _every(self, every_s: float) -> None:
        while not self.stopped.wait(every_s):
            self._say()

    def update(self, n: int) -> None:
        self.n += n

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self._say()


@contextlib.contextmanager
def _logs_above_bars() -> Iterator[None]:
    """Log lines through tqdm.write while bars show, keeping the handlers' filters (flows/cli.py)."""
    from tqdm.contrib.logging import logging_redirect_tqdm

    root = logging.getLogger()  # where Prefect's console handler is
    filters = [f for handler in root.handlers for f in handler.filters]
    with logging_redirect_tqdm(loggers=[root]):
        for handler in root.handlers:
            for kept in filters:
                handler.addFilter(kept)
        yield


@contextlib.contextmanager
def stage_bar(stage: str, total: int, unit: str) -> Iterator[None]:
    """A bar for `stage` while the block runs (or progress lines, see the module's docstring)."""
    if enabled():
        from tqdm import tqdm

        bar = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=True, dynamic_ncols=True)
        shown = _logs_above_bars()
    elif os.environ.get("GROUNDMILL_PROGRESS", "auto") == "auto":
        bar = _Lines(stage, total, unit, float(os.environ.get("GROUNDMILL_PROGRESS_EVERY_S", EVERY_S)))
        shown = contextlib.nullcontext()
    else:
        yield
        return
    with _LOCK:
        _BARS[stage] = bar
    try:
        with shown:
            yield
    finally:
        with _LOCK:
            _BARS.pop(stage, None)
        bar.close()


def tick(stage: str, n: int = 1) -> None:
    with _LOCK:
        bar = _BARS.get(stage)
        if bar is not None:
            bar.update(n)


def done(stage: str, future):
    """The future's result, ticking the stage's bar once it is in. A task that failed (after its
    retries) gives `{"failed": why}` instead of stopping the flow (flows/outcomes.py)."""
    from flows.outcomes import failure

    try:
        result = future.result()
    except Exception as exc:  # noqa: BLE001 - any error of one source's task is that source's outcome
        result = failure(exc)
    tick(stage)
    return result
