"""A run killed with SIGKILL (kill -9) halfway through publishing, on a fresh PREFECT_HOME with both
cores busy; two runs started together; a temporary Prefect server that cannot start. The runs stop at
named points (GROUNDMILL_CRASH_AT / GROUNDMILL_PAUSE_AT, transforms/crashpoints.py), never by timing."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import cli_env
from tests.processes import start_groundmill, still_running

SITE_GROUNDING = "grounding/source=site/part-0.parquet"
PUBLISHED = ("--source", "site", "--source", "bad")  # `gone` never got past capture
SURVIVORS: dict[str, list[str]] = {}  # what a killed run's fixture found still running after it


def published_bytes(root: Path) -> dict[str, bytes]:
    """Every file under data/processed (hidden ones included), by path relative to it."""
    processed = root / "data" / "processed"
    return {p.relative_to(processed).as_posix(): p.read_bytes() for p in processed.rglob("*") if p.is_file()}


def leftovers(root: Path) -> list[str]:
    data = root / "data"
    return sorted(
        p.relative_to(data).as_posix() for p in data.rglob("*") if p.name.endswith((".tmp", ".staging"))
    )


def _group_members(pgid: int, within_s: float) -> list[str]:
    """The command lines of the processes still in process group `pgid` once they have all ended or
    `within_s` has passed (each is waited for through a pidfd: no polling)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(stat.parent.name))
    return still_running(members, within_s)


class Runs:
    """`groundmill *args` started `count` times together, each in its own process group; their stderr
    lines arrive in one queue, in the order written."""

    def __init__(self, root: Path, count: int, env: dict, args: tuple[str, ...] = ("publish", *PUBLISHED)):
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[tuple[int, str]] = []
        self.ended: set[int] = set()
        self.procs = [start_groundmill(root, env, *args) for _ in range(count)]
        self.pumps = [threading.Thread(target=self._pump, args=(n, p)) for n, p in enumerate(self.procs)]
        for pump in self.pumps:
            pump.start()

    def _pump(self, n: int, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self.lines.put((n, line))
        self.lines.put((n, None))

    def _next(self) -> None:
        n, line = self.lines.get(timeout=600)
        if line is None:
            self.ended.add(n)
        else:
            self.seen.append((n, line))

    def expect(self, text: str, run: int | None = None) -> int:
        """The run that wrote a line containing `text` (waiting for it to be written)."""
        while True:
            for n, line in self.seen:
                if text in line and run in (None, n):
                    self.seen.remove((n, line))
                    return n
            if self.ended >= ({run} if run is not None else set(range(len(self.procs)))):
                raise AssertionError(f"no line with {text!r}:\n{self.log()}")
            self._next()

    def resume(self, n: int) -> int:
        self.procs[n].stdin.write("\n")
        self.procs[n].stdin.close()
        return self.procs[n].wait(timeout=600)

    def finish(self) -> list[int]:
        """Their exit statuses, once each has ended. What each left running in its process group is
        given ten seconds to end (the watchdog of a temporary Prefect server ends it once the run is
        gone), recorded in `survivors`, then killed with the group, as a supervisor would."""
        codes = [proc.wait(timeout=600) for proc in self.procs]
        self.survivors = [p for proc in self.procs for p in _group_members(proc.pid, within_s=10)]
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for pump in self.pumps:
            pump.join(timeout=60)
        return codes

    def log(self) -> str:
        while not self.lines.empty():
            self._next()
        return "".join(line for _, line in self.seen)


@pytest.fixture(scope="module")
def killed(ran, tmp_path_factory) -> tuple[Path, int, str, dict[str, bytes]]:
    """A copy of the `ran` project whose curated `site` grounding lost a row (so the next version
    differs), with a fresh PREFECT_HOME: `groundmill publish`, started while two processes keep both
    cores busy (until its first flow begins), killed with half the new version's partitions written."""
    root = tmp_path_factory.mktemp("crash") / "project"
    shutil.copytree(ran[0], root, ignore=shutil.ignore_patterns(".prefect"))
    curated = root / "data" / "interim" / "curate" / "site" / "grounding.parquet"
    pl.read_parquet(curated).head(-1).write_parquet(curated)
    before = published_bytes(root)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        run = Runs(root, 1, cli_env(root, temporary_server=True) | {"GROUNDMILL_CRASH_AT": "publish.staged"})
        with contextlib.suppress(AssertionError):  # a start that fails is the first test's to report
            run.expect("Beginning flow run")  # the temporary server answered: the start is over
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    (code,) = run.finish()
    SURVIVORS["killed"] = run.survivors
    return root, code, run.log(), before


def test_the_first_start_on_a_fresh_home_with_both_cores_busy_gets_to_work(killed):
    root, code, stderr, _ = killed
    assert "Timed out" not in stderr and "did not start" not in stderr, stderr[-3000:]
    assert code == -signal.SIGKILL, stderr[-3000:]  # it reached the crash point inside publish
    assert (root / ".prefect" / "prefect.db").exists()


def test_a_run_killed_with_sigkill_leaves_no_process_behind(killed):
    """Only the main process was killed (kill -9): its temporary Prefect server, started in its own
    process group, must not outlive it."""
    assert SURVIVORS["killed"] == [], SURVIVORS["killed"]


def test_a_publish_killed_midway_leaves_the_previous_version_whole(killed):
    root, _, _, before = killed
    assert published_bytes(root) == before  # no table of the new version, no temporary file
    staged = root / "data" / ".processed.staging"
    assert list(staged.rglob("*.parquet")), "the kill came before any partition was written"


def server_settings(pid: int) -> dict[str, str]:
    """The environment of the temporary Prefect server (uvicorn) among the descendants of `pid`."""
    found = [pid]
    for p in found:
        with contextlib.suppress(OSError):  # a short-lived child may be gone already
            for children in Path(f"/proc/{p}/task").glob("*/children"):
                found += [int(c) for c in children.read_text().split()]
            if p != pid and b"uvicorn" in Path(f"/proc/{p}/cmdline").read_bytes():
                pairs = Path(f"/proc/{p}/environ").read_bytes().decode(errors="replace").split("\0")
                return dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    raise AssertionError(f"no temporary Prefect server under process {pid}")


def test_two_runs_started_together_take_turns_and_publish_the_new_version_whole(killed):
    root, _, _, before = killed
    # (a user's environment that turns Prefect's analytics on: the temporary servers report nothing anyway)
    env = {"GROUNDMILL_PAUSE_AT": "publish.locked", "PREFECT_SERVER_ANALYTICS_ENABLED": "true"}
    runs = Runs(root, 2, cli_env(root, temporary_server=True) | env)
    try:
        first = runs.expect("paused at publish.locked")  # holds the run lock, waits for the test
        assert server_settings(runs.procs[first].pid)["PREFECT_SERVER_ANALYTICS_ENABLED"].lower() == "false"
        second = 1 - first
        runs.expect("another run is writing to this project", second)  # waits for the lock meanwhile
        assert runs.resume(first) == 0, runs.log()
        runs.expect("paused at publish.locked", second)  # only now
        assert runs.resume(second) == 0, runs.log()
    finally:
        for proc in runs.procs:
            proc.kill()
        runs.finish()
    after = published_bytes(root)
    # The rerun is what an uninterrupted publish writes: `site` grounding (and its ledger) as curated
    # now, every other file byte for byte as the uninterrupted first run wrote it.
    assert {k for k in after.keys() | before.keys() if after.get(k) != before.get(k)} == {
        SITE_GROUNDING,
        "ledger/source=site/part-0.parquet",
    }
    expected = pl.read_parquet(root / "data/interim/curate/site/grounding.parquet")
    # (with the licence, provenance and language publish adds)
    assert pl.read_parquet(root / "data/processed" / SITE_GROUNDING).select(expected.columns).equals(expected)
    assert leftovers(root) == []
    versions = pl.read_parquet(root / "data" / "versions.parquet")
    assert versions["content_sha256"].n_unique() == versions.height  # the second publish added none


def test_a_temporary_server_that_cannot_start_is_one_line_and_exit_1(killed, project):
    root = killed[0]
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("server_start_timeout_s: 120", "server_start_timeout_s: 1"))
    env = cli_env(project, temporary_server=True) | {
        "PREFECT_HOME": str(root / ".prefect")
    }  # prepared: only the start is timed
    done = subprocess.run(
        ["groundmill", "publish"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    ours = [line for line in done.stderr.splitlines() if line.startswith("groundmill: ")]
    assert done.returncode == 1 and len(ours) == 1, done.stderr
    assert ours[0].startswith("groundmill: the temporary Prefect server did not start in 1 s, twice")
    assert "raise run.server_start_timeout_s in params.yaml" in ours[0] and "Traceback" not in done.stderr
    assert not (project / "data" / "processed").exists()
