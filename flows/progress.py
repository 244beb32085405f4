"""Progress bars for the CLI: one per stage, ticked by the tasks that run in this process.

Bars show on an interactive terminal (stderr is a TTY), or always with GROUNDMILL_PROGRESS=on; never
with GROUNDMILL_PROGRESS=off. Tasks running in other processes (Dask workers) tick nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_BARS: dict[str, object] = {}
_LOCK = threading.Lock()


def enabled() -> bool:
    setting = os.environ.get("GROUNDMILL_PROGRESS", "auto")
    return setting == "on" or (setting != "off" and sys.stderr.isatty())


@contextlib.contextmanager
def stage_bar(stage: str, total: int, unit: str) -> Iterator[None]:
    """A bar for `stage` while the block runs."""
    if not enabled():
        yield
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=True, dynamic_ncols=True)
    with _LOCK:
        _BARS[stage] = bar
    try:
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
