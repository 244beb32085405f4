"""The repositories the DVC tests work in and what they read from them: git and dvc commands, the files a
remote holds, a release's tags, and a canary for DVC's usage reports."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, cli_env

GIT = ["git", "-c", "user.name=groundmill-tests", "-c", "user.email=tests@groundmill.invalid"]


def sh(root: Path, *cmd: str) -> str:
    done = subprocess.run(list(cmd), cwd=root, env=cli_env(root), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def ran_stages(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


def make_repo(root: Path) -> Path:
    """A git repository holding the pipeline definition, the code it depends on and the fixture site."""
    from tests.conftest import SITE

    root.mkdir(parents=True)
    for name in ["dvc.yaml", "params.yaml", ".dvcignore", ".gitignore"]:
        shutil.copy(REPO / name, root / name)
    for folder in ["transforms", "flows", "schemas", "bin", ".dvc"]:
        shutil.copytree(
            REPO / folder,
            root / folder,
            ignore=shutil.ignore_patterns("__pycache__", "tmp", "cache", "config.local"),
        )
    shutil.copytree(SITE, root / "data" / "sources" / "site")
    (root / "sources.yaml").write_text(
        "sources:\n  - {id: site, kind: html_dir, location: data/sources/site, license: CC0-1.0}\n"
    )
    sh(root, "git", "init", "-q")
    return root


def commit_all(root: Path, message: str) -> None:
    sh(root, *GIT, "add", "-A")
    sh(root, *GIT, "commit", "-qm", message)


def remote_objects(remote: Path) -> set[str]:
    return {p.relative_to(remote).as_posix() for p in remote.rglob("*") if p.is_file()}


def uncached(root: Path) -> set[str]:
    """The outputs dvc.yaml keeps in git (cache: false): the inputs manifest, metrics and plots."""
    import yaml

    stages = yaml.safe_load((root / "dvc.yaml").read_text())["stages"].values()
    entries = [o for s in stages for kind in ("outs", "metrics", "plots") for o in s.get(kind, [])]
    return {
        next(iter(o)) for o in entries if isinstance(o, dict) and next(iter(o.values())).get("cache") is False
    }


def files_by_md5(root: Path) -> dict[str, list[str]]:
    """md5 -> the workspace paths with that content, over every output recorded in dvc.lock."""
    import yaml

    found: dict[str, list[str]] = {}
    for stage in yaml.safe_load((root / "dvc.lock").read_text())["stages"].values():
        for out in stage.get("outs", []):
            if out["path"] in uncached(root):
                continue  # git-tracked
            md5 = out["md5"]
            found.setdefault(md5, []).append(out["path"])
            if md5.endswith(".dir"):
                listing = root / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
                for entry in json.loads(listing.read_text()):
                    found.setdefault(entry["md5"], []).append(f"{out['path']}/{entry['relpath']}")
    return found


def published(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "data" / "processed").rglob("*.parquet"))
    }


def tags(root: Path) -> list[str]:
    return sh(root, "git", "tag", "--list", "dataset/*", "--sort=creatordate").split()


@contextlib.contextmanager
def reporting_canary(root: Path):
    """DVC's analytics post a report from a daemon after each command. Inside this block they are turned
    on again in the clone's local config and pointed at a loopback canary that accepts and never
    answers, with a temp folder of its own: the CLI must still turn them off for every dvc call it makes.
    Yields a function giving (connections the canary accepted, report files left in the temp folder)."""
    import socket
    import tempfile
    import threading

    canary = socket.create_server(("127.0.0.2", 0))
    accepted: list[socket.socket] = []

    def listen() -> None:
        with contextlib.suppress(OSError):  # closed at the end of the block
            accepted.append(canary.accept()[0])

    threading.Thread(target=listen, daemon=True).start()
    quiet = cli_env(root) | {"DVC_NO_ANALYTICS": "1"}  # the test's own dvc calls report nothing either
    subprocess.run(["dvc", "config", "--local", "core.analytics", "true"], cwd=root, env=quiet, check=True)
    with tempfile.TemporaryDirectory() as temp:
        saved = {k: os.environ.get(k) for k in ("TMPDIR", "DVC_ANALYTICS_ENDPOINT")}
        os.environ |= {
            "TMPDIR": temp,
            "DVC_ANALYTICS_ENDPOINT": f"http://127.0.0.2:{canary.getsockname()[1]}",
        }
        try:
            yield lambda: (accepted, [p.name for p in Path(temp).iterdir() if p.name.startswith("tmp")])
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
            canary.close()
    subprocess.run(["dvc", "config", "--local", "--unset", "core.analytics"], cwd=root, env=quiet, check=True)
