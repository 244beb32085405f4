"""DVC: `dvc repro` runs the stages through the CLI, skips unchanged ones, and push/pull round-trips."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

GIT = ["git", "-c", "user.name=groundmill-tests", "-c", "user.email=tests@groundmill.invalid"]


def sh(root: Path, *cmd: str) -> str:
    done = subprocess.run(list(cmd), cwd=root, env=cli_env(root), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def ran_stages(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A git repository holding the pipeline definition, the code it depends on and the fixture site."""
    from tests.conftest import SITE
    root = tmp_path_factory.mktemp("dvc") / "repo"
    root.mkdir()
    for name in ["dvc.yaml", "params.yaml", ".dvcignore", ".gitignore"]:
        shutil.copy(REPO / name, root / name)
    for folder in ["transforms", "flows", "schemas", ".dvc"]:
        shutil.copytree(REPO / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "tmp", "cache", "config.local"))
    shutil.copytree(SITE, root / "data" / "sources" / "site")
    (root / "sources.yaml").write_text(
        "sources:\n  - {id: site, kind: html_dir, location: data/sources/site, license: CC0-1.0}\n")
    sh(root, "git", "init", "-q")
    sh(root, *GIT, "add", "-A")
    sh(root, *GIT, "commit", "-qm", "pipeline")
    return root


def test_repro_runs_every_stage_then_skips_them_all(repo):
    first = sh(repo, "dvc", "repro")
    assert ran_stages(first) == ["capture", "annotate", "curate", "publish"]
    assert (repo / "data" / "catalog.duckdb").exists()
    second = sh(repo, "dvc", "repro")
    assert ran_stages(second) == []
    assert second.count("didn't change, skipping") == 4


def test_a_changed_parameter_reruns_only_the_stages_that_use_it(repo):
    params = repo / "params.yaml"
    params.write_text(params.read_text().replace("tier_hard: 0.6", "tier_hard: 0.55"))
    assert ran_stages(sh(repo, "dvc", "repro")) == ["curate", "publish"]


def test_push_then_pull_into_a_fresh_clone_gives_identical_parquet(repo, tmp_path):
    remote = tmp_path / "remote"
    sh(repo, "dvc", "remote", "add", "--local", "-d", "scratch", str(remote))
    sh(repo, "dvc", "push")
    sh(repo, *GIT, "add", "-A")
    sh(repo, *GIT, "commit", "-qm", "dataset version")
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(repo), str(clone))
    sh(clone, "dvc", "remote", "add", "--local", "-d", "scratch", str(remote))
    sh(clone, "dvc", "pull")
    original = sorted(p.relative_to(repo) for p in (repo / "data" / "processed").rglob("*.parquet"))
    assert original, "nothing was published"
    for rel in original:
        assert (clone / rel).read_bytes() == (repo / rel).read_bytes(), rel
