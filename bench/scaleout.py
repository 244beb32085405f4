"""Scale-out: the capture flow on threads (the baseline) against a local Dask cluster, on the same pages,
in one run.

    .venv/bin/python bench/scaleout.py [FOLDER] [--workers 2] [--shard-pages 3] [--address tcp://...]

FOLDER: saved pages (default: the bundled sample source; ../shared/corpus/readability for real pages).
Both runs use a scratch project with one html_dir source, the same params.yaml (capture.shard_pages
small, so the pages fan out as tasks), and one Prefect temporary server, started before either is timed
and named to both, as `groundmill` does (flows/runners.py: workers_reach_api). The Dask cluster
(--workers processes, one thread each, loopback, no dashboard) is started before its run is timed and
its start is printed apart; --address times an existing cluster instead. Prints pages/s of each and the
ratio; FAILs when either captured no page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402


def project(pages: Path, shard_pages: int, workers: int) -> Path:
    """A scratch project holding the pages as one source."""
    root = Path(tempfile.mkdtemp(prefix="groundmill-scaleout-"))
    shutil.copytree(pages, root / "data" / "sources" / "bench")
    params = (ROOT / "params.yaml").read_text()
    params = params.replace("shard_pages: 50", f"shard_pages: {shard_pages}")
    params = params.replace("dask_workers: 2", f"dask_workers: {workers}")
    (root / "params.yaml").write_text(params)
    (root / "sources.yaml").write_text(
        "sources:\n  - {id: bench, kind: html_dir, location: data/sources/bench, license: unknown}\n"
    )
    return root


def timed(capture, runner) -> tuple[float, int]:
    started = time.perf_counter()
    summary = capture.with_options(task_runner=runner)()
    return time.perf_counter() - started, sum(s["ok"] for s in summary.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "data" / "sources" / "sample")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-pages", type=int, default=3)
    parser.add_argument("--address", help="an existing Dask scheduler (tcp://host:8786) to time instead")
    args = parser.parse_args()
    checks = Checks()
    if not checks.require(any(args.folder.rglob("*.htm*")), f"saved pages in {args.folder}"):
        return checks.exit_code()
    root = project(args.folder, args.shard_pages, args.workers)
    os.environ |= {"GROUNDMILL_ROOT": str(root), "PREFECT_HOME": str(root / ".prefect")}
    os.environ |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # a first start, busy
    from flows.capture import capture
    from flows.locations import project_locations
    from flows.runners import shared_cluster, task_runner, workers_reach_api
    from flows.settings import load_params

    run = load_params(project_locations()).run
    dask = run.model_copy(update={"task_runner": "dask", "dask_address": args.address})
    with workers_reach_api(dask):
        threads_s, threads_ok = timed(capture, task_runner(run))
        started = time.perf_counter()
        with shared_cluster(dask) as on_cluster:
            cluster_s = time.perf_counter() - started
            dask_s, dask_ok = timed(capture, task_runner(on_cluster))
    where = args.address or f"local cluster, {args.workers} workers (started in {cluster_s:.1f} s)"
    print(
        f"pages: {args.folder} ({threads_ok} captured), shards of {args.shard_pages}, cpus {os.cpu_count()}"
    )
    print(f"  threads   {threads_s:7.1f} s  {threads_ok / threads_s:6.2f} pages/s  (baseline)")
    print(
        f"  dask      {dask_s:7.1f} s  {dask_ok / dask_s:6.2f} pages/s  {threads_s / dask_s:5.2f}x  {where}"
    )
    checks.require(threads_ok > 0 and dask_ok > 0, "both captured pages")
    checks.require(threads_ok == dask_ok, f"the same pages captured ({threads_ok} and {dask_ok})")
    shutil.rmtree(root, ignore_errors=True)
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
