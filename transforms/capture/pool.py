"""The browsers one process runs at once: a fixed number of slots, sized from the machine's cores and
memory unless params.yaml `capture.browsers` names it. Every capture takes a slot before it starts its
browser and gives it back when the browser is gone, so a source of any size (any number of shards, each
a task the runner starts at once) has at most that many browsers alive; the other shards wait their turn."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import psutil

# What one browser with its tabs holds at most, roughly: two pages in flight each under the JavaScript heap
# cap usually stay well below it (peak RSS of a browser on the readability corpus: about 400 MiB).
BROWSER_MEMORY_BYTES = 2**30
_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def default_browsers(cores: int | None = None, memory_bytes: int | None = None) -> int:
    """Browsers at once for this machine: one per core, as many as its memory holds, at least one."""
    cores = cores or os.cpu_count() or 1
    memory = memory_bytes or psutil.virtual_memory().total
    return max(1, min(cores, memory // BROWSER_MEMORY_BYTES))


@contextlib.contextmanager
def browser_slot(size: int) -> Iterator[None]:
    """Hold one of the process's `size` browser slots (waiting for one) for the duration."""
    with _slots_lock:
        slots = _slots.setdefault(size, threading.BoundedSemaphore(size))
    with slots:
        yield


def browser_pids(pid: int | None = None) -> list[int]:
    """The browsers running under process `pid` (this one by default): Chromium's main processes, not its
    renderers, GPU or utility processes."""
    try:
        children = psutil.Process(pid or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    chromium, found = set(), []
    for child in children:
        try:
            line, parent = child.cmdline(), child.ppid()
        except psutil.Error:
            continue
        name = os.path.basename(line[0]) if line else ""
        if ("chrom" in name or "headless_shell" in name) and "crashpad" not in name:
            chromium.add(child.pid)
            if not any(arg.startswith("--type=") for arg in line):
                found.append((child.pid, parent))
    # A process Chromium has just forked still shows its parent's command line until it execs: only a
    # browser whose parent is not Chromium counts.
    return [pid for pid, parent in found if parent not in chromium]
