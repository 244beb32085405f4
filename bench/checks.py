"""What every benchmark reports at its end, so that a run which measured nothing cannot pass.

Two kinds of verdict: `require` is the work itself (rows kept, duplicates found, pages captured); when
it fails, the numbers beside it measure something else and the run FAILs. `target` is a stated goal
(time, memory, speed-up) judged only at the size it is stated for; a missed one prints MISS. Either
makes the exit status non-zero, and the last line names every reason in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# Of planted duplicates (rows, pairs or texts), the share a benchmark must find for its numbers to count.
MIN_RECALL = 0.95


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []
        self.missed: list[str] = []

    def require(self, ok: bool, what: str) -> bool:
        print(f"  check  {what}: {'ok' if ok else 'FAIL'}", flush=True)
        if not ok:
            self.failed.append(what)
        return ok

    def target(self, ok: bool, what: str, applies: bool = True, size: str = "") -> None:
        """`applies` False: the run is smaller than the size the target is stated for, so a time
        measured on it would say nothing about the target either way."""
        if not applies:
            print(f"  target {what}: not judged (stated for {size})", flush=True)
            return
        print(f"  target {what}: {'PASS' if ok else 'MISS'}", flush=True)
        if not ok:
            self.missed.append(what)

    def exit_code(self) -> int:
        if self.failed:
            print("FAIL: " + "; ".join(self.failed + [f"MISS {m}" for m in self.missed]), file=sys.stderr)
            return 1
        if self.missed:
            print("MISS: " + "; ".join(self.missed), file=sys.stderr)
            return 1
        print("OK: every check passed and every judged target was met", flush=True)
        return 0


ROOT = Path(__file__).resolve().parents[1]


def groundmill(project: Path, *args: str) -> float:
    """`groundmill *args` in `project` (its own PREFECT_HOME, no progress bars), in seconds; a failed
    command FAILs the benchmark with its output's tail."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GROUNDMILL_"))}
    env |= {"PREFECT_HOME": str(project / ".prefect"), "GROUNDMILL_PROGRESS": "off"}
    started = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "groundmill"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
        sys.exit(f"FAIL: groundmill {' '.join(args)} exited {done.returncode} in {project}")
    return time.perf_counter() - started


class Peak:
    """The largest value `measure()` returned while the block ran, sampled every 50 ms in a thread."""

    def __init__(self, measure: Callable[[], int]) -> None:
        self.peak, self._measure, self._stop = 0, measure, threading.Event()

    def __enter__(self) -> Peak:
        def run() -> None:
            while not self._stop.wait(0.05):
                self.peak = max(self.peak, self._measure())

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def corpus_folder(root: Path) -> Path:
    """The default folder of pages for the capture benchmarks: the readability corpus beside the checkout,
    else the bundled sample."""
    corpus = root.parent / "shared" / "corpus" / "readability"
    return corpus if corpus.is_dir() else root / "data" / "sources" / "sample"
