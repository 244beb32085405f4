"""Ctrl-C (SIGINT) and SIGTERM stop a run within moments, whatever it is doing.

A run's flows wait on tasks in worker threads (a browser rendering a page, a desktop session), and
Prefect swaps in its own SIGTERM handler while a flow runs, so an exception raised in the main thread
would wait for every running task to end, which on a large source took many minutes. Instead the signal
is noticed at once through Python's wakeup file descriptor (written by the interpreter's C-level handler,
whichever Python handler is installed), and a thread ends the process as `kill -9` would: everything a
run writes is atomic and resumable (the crash tests kill it at every step), so the previous version
stays whole and the next run picks up the work already written. The run's watchdog (flows/watchdog.py)
then ends every process the run started.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

STOPPING = (signal.SIGINT, signal.SIGTERM)


def _stop(signum: int) -> None:
    name = signal.Signals(signum).name
    print(
        f"\ngroundmill: stopped by {name}; the published version is the one before this run, and the "
        "next run resumes from the work already written",
        file=sys.stderr,
        flush=True,
    )
    os._exit(128 + signum)


def stop_on_signals() -> None:
    """From now on, SIGINT or SIGTERM end this process at once with exit status 128 + the signal."""
    if threading.current_thread() is not threading.main_thread():
        return
    read, write = os.pipe()
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    for signum in STOPPING:  # the wakeup byte is written only for signals with a Python handler
        signal.signal(signum, lambda signum, _frame: _stop(signum))

    def wait() -> None:
        while True:
            got = os.read(read, 1)
            if got and got[0] in STOPPING:
                _stop(got[0])

    threading.Thread(target=wait, name="groundmill-stop", daemon=True).start()
