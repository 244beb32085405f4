"""Release a published dataset version with DVC and git: `dvc commit` records every stage's outputs
in dvc.lock, one git commit holds what the version was made with and what it is (RELEASED: dvc.lock,
the version table, params.yaml, sources.yaml, the inputs manifest and the metrics; only those paths,
whatever else is staged), `dvc push` sends the new files to the default remote, and only then a tag
names the version: a tag always names data that was pushed. A release killed at any point is completed
by the next run's, whatever that run publishes: a release commit left without its tag has the data its
dvc.lock names pushed (from the cache) and then its tag, before anything else, so every commit that
records a version can be pulled and no version is committed twice. A version released before (the
same content published again, its tag exists) is not released again: no commit, tag or push.

DVC stores files by content, so a push after adding a source sends that source's new partitions and
the directory listings, never the other sources' data.
Outside a git + DVC checkout, inside `dvc repro` (which records dvc.lock itself), and where no DVC
remote is configured (a lock whose data is in no remote must never be committed), nothing is done.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from schemas.config import ReleaseParams
from transforms.crashpoints import crashpoint

RELEASED = (
    "dvc.yaml",
    "dvc.lock",
    "params.yaml",
    "sources.yaml",
    "data/versions.parquet",
    "data/inputs.json",
    "data/metrics",
)
NO_REMOTE = (
    "no DVC remote to push to: configure the team's, `dvc remote add -d team s3://BUCKET/PATH` "
    "(S3-compatible storage: also `dvc remote modify team endpointurl URL`) or "
    "`dvc remote add -d team /shared/folder`, then run again"
)


class ReleaseError(RuntimeError):
    """A git or DVC command of the release failed; the message ends with its output."""


def _dvc() -> str | None:
    """dvc on PATH, else the one installed beside this interpreter (`.venv/bin/groundmill` run without
    activating the environment)."""
    beside = Path(sys.executable).parent / "dvc"
    return shutil.which("dvc") or (str(beside) if beside.exists() else None)


def _run(root: Path, *cmd: str, env: dict | None = None, point: str = "") -> str:
    """Run a git or dvc command in `root`; its output, or ReleaseError. `point`: the crash point
    reached while it runs (tests kill the release there)."""
    cmd = (_dvc() or "dvc", *cmd[1:]) if cmd[0] == "dvc" else cmd
    with subprocess.Popen(
        list(cmd), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        if point:
            crashpoint(point)
        out, err = proc.communicate(timeout=3600)
    if proc.returncode != 0:
        tail = (out + err).strip()[-2000:]
        raise ReleaseError(f"`{' '.join(cmd)}` exited {proc.returncode}: {tail}")
    return out + err


def _git_env(root: Path) -> dict:
    """Who commits: the repository's configured identity, else `groundmill`."""
    env = dict(os.environ)
    named = subprocess.run(
        ["git", "config", "user.email"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    if not named:
        env |= {
            "GIT_AUTHOR_NAME": "groundmill",
            "GIT_AUTHOR_EMAIL": "groundmill@localhost",
            "GIT_COMMITTER_NAME": "groundmill",
            "GIT_COMMITTER_EMAIL": "groundmill@localhost",
        }
    return env


def why_not(root: Path, params: ReleaseParams) -> str | None:
    """Why a version cannot be released from `root`, or None when it can."""
    if not params.release:
        return "publish.release is off"
    if os.environ.get("DVC_ROOT"):
        return "running inside dvc repro, which records dvc.lock itself"
    if not (root / ".git").exists() or not (root / ".dvc").is_dir() or not (root / "dvc.yaml").exists():
        return f"{root} is not a git checkout with DVC"
    if not _dvc() or not shutil.which("git"):
        return "git or dvc is not on PATH"
    if params.push and not _succeeds(root, "dvc", "remote", "default"):
        return NO_REMOTE
    return None


def _succeeds(root: Path, *cmd: str) -> bool:
    cmd = (_dvc() or "dvc", *cmd[1:]) if cmd[0] == "dvc" else cmd
    return subprocess.run(list(cmd), cwd=root, capture_output=True, timeout=600).returncode == 0


def _readable_lock(root: Path) -> None:
    """A dvc.lock cut short by a kill during `dvc commit` is removed: `dvc commit --force` writes it
    again whole from the outputs."""
    lock = root / "dvc.lock"
    try:
        yaml.safe_load(lock.read_text()) if lock.exists() else None
    except yaml.YAMLError:
        lock.unlink()


def _commit(root: Path, version: str, left_out: dict[str, str], env: dict, paths: tuple[str, ...]) -> None:
    """dvc commit, then one git commit of `paths` (if anything changed)."""
    _readable_lock(root)
    _run(root, "dvc", "commit", "--force", "--quiet")
    tracked = [p for p in paths if (root / p).exists()]
    _run(root, "git", "add", "--", *tracked)
    if not _run(root, "git", "status", "--porcelain", "--", *tracked).strip():
        return
    message = f"dataset {version}"
    if left_out:
        message += "\n\nLeft out (published as before):\n" + "".join(
            f"- {sid}: {why}\n" for sid, why in sorted(left_out.items())
        )
    _run(root, "git", "commit", "--quiet", "--no-verify", "-m", message, "--", *tracked, env=env)


PUSH_REVISION = """
import sys
from dvc.repo import Repo
print(f"{Repo(sys.argv[1]).push(revs=[sys.argv[2]], workspace=False)} files pushed")
"""


def pending(root: Path, prefix: str) -> list[tuple[str, str]]:
    """(commit, version) of the release commits on the current branch that have no tag yet (a release
    killed before its tag), oldest first: those after the newest tagged one, first parents only."""
    if not _succeeds(root, "git", "rev-parse", "--quiet", "--verify", "HEAD"):
        return []  # no commit yet
    log = _run(root, "git", "log", "--first-parent", "-n", "200", "--format=%H %s")
    found = []
    for line in log.splitlines():
        commit, _, subject = line.partition(" ")
        named = re.fullmatch(r"dataset (\S+)", subject)
        if not named:
            continue
        tagged = _run(root, "git", "tag", "--list", f"{prefix}{named.group(1)}").strip()
        if tagged:
            break
        found.append((commit, named.group(1)))
    return found[::-1]


def _complete_pending(root: Path, params: ReleaseParams, env: dict) -> None:
    """Finish each release commit a killed release left without its tag, whatever this run publishes:
    push the data that commit's dvc.lock names (from the cache, where `dvc commit` put it), then tag it.
    So every commit that records a version can be pulled, and the version is not released twice."""
    for commit, version in pending(root, params.tag_prefix):
        if params.push:  # DVC's own Python API: the `dvc push` command pushes the workspace only
            _run(root, sys.executable, "-c", PUSH_REVISION, str(root), commit, point="release.push")
        _run(root, "git", "tag", f"{params.tag_prefix}{version}", commit, env=env)
        print(
            f"groundmill: completed the release of {version} ({commit[:12]}), killed before its tag",
            file=sys.stderr,
            flush=True,
        )


def release(
    root: Path,
    version: str,
    params: ReleaseParams,
    left_out: dict[str, str] | None = None,
    paths: tuple[str, ...] = RELEASED,
) -> dict:
    """Commit, push and tag `version`; returns the tag, the commit, the number of files pushed (None
    when not pushed) and whether it is a new release. `left_out`: sources this run could not publish,
    and why (the commit message lists them)."""
    env = _git_env(root)
    _complete_pending(root, params, env)
    tag = f"{params.tag_prefix}{version}"
    if _succeeds(root, "git", "rev-parse", "--quiet", "--verify", f"refs/tags/{tag}"):
        # the same content published again: released (and pushed) then, nothing to commit, push or tag
        commit = _run(root, "git", "rev-parse", f"{tag}^{{commit}}").strip()
        return {"tag": tag, "commit": commit, "pushed": None, "new": False}
    _commit(root, version, left_out or {}, env, paths)
    crashpoint("release.committed")
    pushed = None
    if params.push:
        out = _run(root, "dvc", "push", point="release.push")
        found = re.search(r"(\d+) files? pushed", out)
        pushed = int(found.group(1)) if found else 0
    _run(root, "git", "tag", tag, env=env)
    commit = _run(root, "git", "rev-parse", f"{tag}^{{commit}}").strip()
    return {"tag": tag, "commit": commit, "pushed": pushed, "new": True}
