"""One writer at a time: every run that writes a project (`groundmill run`, a stage command, `watch`, a
deployment run started by a schedule, the watcher or a trigger) holds the project's run lock
(data/.run.lock, an OS file lock) from start to end. A second run started meanwhile says so and waits;
two runs never write the same partitions, versions or releases at once. The OS drops the lock when
its holder dies (even by `kill -9`), so a crashed run never blocks the next one.

The lock is re-entrant within a process: the lifecycle flow holds it and so do the stage flows it calls.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from filelock import FileLock, Timeout

from flows.locations import Locations
from transforms.crashpoints import crashpoint


@contextlib.contextmanager
def run_lock(where: Locations, holder: str = "run") -> Iterator[None]:
    """Hold the project's run lock while the block runs, waiting for another run that holds it."""
    where.run_lock.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(where.run_lock, thread_local=False, is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(
            f"groundmill: another run is writing to this project (it holds {where.run_lock}); "
            "waiting for it to finish",
            file=sys.stderr,
            flush=True,
        )
        lock.acquire()
    try:
        crashpoint(f"{holder}.locked")
        yield
    finally:
        lock.release()
