"""DVC: `dvc repro` runs the stages through the CLI, skips unchanged ones; a run releases a version that a
fresh clone pulls and rebuilds with nothing changed; an identical rerun releases nothing; `dvc metrics
diff` compares versions."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import REPO, cli_env
from tests.flows.dvc_repo import (
    commit_all,
    files_by_md5,
    make_repo,
    published,
    ran_stages,
    remote_objects,
    reporting_canary,
    sh,
    tags,
)
from tests.traced import attempts, leaving, traced


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("dvc") / "repo")
    commit_all(root, "pipeline")
    return root


def test_repro_runs_every_stage_then_skips_them_all(repo):
    # As a user runs it without activating the environment: dvc by its path, no venv on PATH.
    (repo / ".venv").symlink_to(Path(sys.executable).parents[1])  # (ignored by git, as the real one)
    env = cli_env(repo)
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if p != str(Path(sys.executable).parent)
    )
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dvc"), "repro"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout + done.stderr
    assert ran_stages(first) == ["capture", "annotate", "curate", "publish"]
    assert (repo / "data" / "catalog.duckdb").exists()
    second = sh(repo, "dvc", "repro")
    assert ran_stages(second) == []
    assert second.count("didn't change, skipping") == 4


def test_a_changed_parameter_reruns_only_the_stages_that_use_it(repo):
    params = repo / "params.yaml"
    params.write_text(params.read_text().replace("tier_hard: 0.6", "tier_hard: 0.55"))
    assert ran_stages(sh(repo, "dvc", "repro")) == ["curate", "publish"]


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> tuple[Path, Path]:
    """A checkout whose `groundmill run` released a version: dvc.lock committed, tag, push to a remote."""
    base = tmp_path_factory.mktemp("release")
    root, remote = make_repo(base / "repo"), base / "remote"
    sh(root, "dvc", "remote", "add", "-d", "team", str(remote))  # the team's shared folder, committed
    commit_all(root, "pipeline")
    sh(root, *traced(base / "connect.log"), "groundmill", "run")  # every connection it tries, recorded
    return root, remote


def test_a_run_with_a_release_connects_to_loopback_only(released):
    """Capture in Chromium, annotate, curate, publish, dvc commit, push and tag, its Prefect server and
    DVC's calls: nothing tries an address off this machine, not even a DNS query."""
    log = released[0].parent / "connect.log"
    tried = attempts(log)
    assert any(a.loopback() and a.call == "connect" for a in tried), "the trace saw no connection at all"
    assert leaving(log) == []


def test_a_run_releases_its_version_as_a_commit_a_tag_and_pushed_files(released):
    root, remote = released
    import polars as pl

    version = pl.read_parquet(root / "data" / "versions.parquet")["version"][-1]
    tag = f"dataset/{version}"
    assert tags(root) == [tag]
    assert set(sh(root, "git", "show", "--name-only", "--format=", tag).split()) == {
        "dvc.lock",
        "data/versions.parquet",
        "data/inputs.json",
        "data/metrics/dataset.json",
        "data/metrics/difficulty.csv",
        "data/metrics/sources.csv",
        "data/metrics/difficulty.png",
        "data/metrics/sources.png",
    }
    assert sh(root, "git", "status", "--porcelain").strip() == ""
    pushed = remote_objects(remote)
    lock = files_by_md5(root)
    for rel in published(root):
        assert any(rel in paths for paths in lock.values()), f"{rel} is not in dvc.lock"
    assert {f"files/md5/{md5[:2]}/{md5[2:]}" for md5 in lock} <= pushed


def test_an_identical_rerun_makes_no_version_commit_tag_or_push_and_watch_then_does_nothing(released):
    root, remote = released
    head, objects, before = sh(root, "git", "rev-parse", "HEAD"), remote_objects(remote), published(root)
    committed = {
        p: (root / p).read_bytes() for p in ("dvc.lock", "data/versions.parquet", "data/inputs.json")
    }
    with reporting_canary(root) as seen:  # and its dvc calls report nothing
        sh(root, "groundmill", "run")
        assert seen() == ([], []), seen()
    assert published(root) == before, "the rerun published other bytes"
    assert sh(root, "git", "rev-parse", "HEAD") == head and len(tags(root)) == 1
    assert remote_objects(remote) == objects
    assert {p: (root / p).read_bytes() for p in committed} == committed
    assert sh(root, "git", "status", "--porcelain").strip() == ""
    assert sh(root, "groundmill", "watch").strip() == "no source changed"


def test_a_fresh_clone_pulls_byte_identical_parquet(released, tmp_path):
    root, _ = released
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(root), str(clone))
    sh(clone, "dvc", "pull")
    original = published(root)
    assert original, "nothing was published"
    assert published(clone) == original


def test_adding_a_source_pushes_only_its_new_partitions(released):
    from tests.conftest import FIXTURES

    root, remote = released
    before_bytes, before_objects = published(root), remote_objects(remote)
    shutil.copytree(FIXTURES / "deep", root / "data" / "sources" / "deep")
    add = ["sources", "add", "deep", "--kind", "html_dir", "--location", "data/sources/deep"]
    sh(root, "groundmill", *add, "--license", "CC0-1.0")
    with (root / "sources.yaml").open("a") as sources:  # and one whose folder is missing
        sources.write("  - {id: ghost, kind: html_dir, location: data/sources/ghost}\n")
    done = subprocess.run(
        ["groundmill", "run", "--source", "deep", "--source", "ghost"],
        cwd=root,
        env=cli_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1 and "1 source(s) failed: ghost (capture: " in done.stderr, done.stderr
    assert "done for deep" in done.stderr
    assert len(tags(root)) == 2  # sources.yaml was not committed: the release commits it
    assert "sources.yaml" in sh(root, "git", "show", "--name-only", "--format=", tags(root)[-1]).split()
    message = sh(root, "git", "log", "-1", "--format=%B")
    assert "Left out (published as before):\n- ghost: capture: source 'ghost': folder not found" in message
    assert not list((root / "data" / "processed").glob("*/source=ghost"))
    after = published(root)
    assert {k: v for k, v in after.items() if k in before_bytes} == before_bytes, (
        "another source was rewritten"
    )
    assert any("source=deep" in k for k in after)
    lock = files_by_md5(root)
    new = remote_objects(remote) - before_objects
    assert new
    for obj in new:
        md5 = obj.removeprefix("files/md5/").replace("/", "", 1)
        paths = lock[md5]
        assert (
            md5.endswith(".dir")
            or paths == ["data/catalog.duckdb"]
            or all("source=deep" in p or "/deep/" in p for p in paths)
        ), f"pushed again: {paths}"
    assert not (root / "data" / "interim" / "capture" / "ghost").exists()  # the failed source wrote nothing


def test_the_release_tag_rebuilds_with_nothing_changed_from_the_same_inputs(released, tmp_path):
    """A clone at the tag, its data pulled and the source folder the manifest lists put back (it is in
    no repository): DVC finds every stage up to date."""
    from tests.conftest import FIXTURES
    from transforms.fingerprint import file_sha256

    root, _ = released
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(root), str(clone))
    sh(clone, "git", "checkout", "-q", tags(root)[-1])
    sh(clone, "dvc", "pull")
    manifest = json.loads((clone / "data" / "inputs.json").read_text())
    assert sorted(manifest) == ["deep", "site"]
    deep = clone / "data" / "sources" / "deep"
    shutil.copytree(FIXTURES / "deep", deep)
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in manifest["deep"]["files"]}
    assert listed == {p.relative_to(deep).as_posix(): file_sha256(p) for p in deep.rglob("*") if p.is_file()}
    assert "Data and pipelines are up to date" in sh(clone, "dvc", "status")  # `dvc repro` would run none


def test_dvc_metrics_diff_between_two_versions_lists_the_changed_counts(released):
    root, _ = released
    first, second = tags(root)[:2]
    diff = json.loads(sh(root, "dvc", "metrics", "diff", first, second, "--json"))[
        "data/metrics/dataset.json"
    ]
    assert diff["rows.grounding"]["new"] > diff["rows.grounding"]["old"] > 0
    assert (
        diff["rows_by_source.deep.grounding"]["old"] is None and diff["rows_by_source.deep.grounding"]["new"]
    )
    assert "rows_by_source.site.grounding" not in diff  # unchanged
    plotted = (root / "data" / "metrics" / "sources.csv").read_text().splitlines()
    assert plotted[0] == "source,grounding,instructions,howto,screenshots"
    assert [line.split(",")[0] for line in plotted[1:]] == ["deep", "site"]


def test_dvc_plots_diff_between_two_versions_needs_no_network(released, tmp_path):
    """The declared plots are PNGs: the page shows each version's image from files beside it, with no
    script to load (Vega-Lite plots would load their library from a CDN and stay blank offline)."""
    root, _ = released
    first, second = tags(root)[:2]
    sh(root, "dvc", "plots", "diff", first, second, "-o", str(tmp_path / "plots"))
    page = (tmp_path / "plots" / "index.html").read_text()
    assert "<script" not in page and "http" not in page
    shown = re.findall(r'<img src="([^"]+)"', page)
    assert len(shown) == 4  # difficulty and sources, in each version
    assert all((tmp_path / "plots" / src).read_bytes().startswith(b"\x89PNG") for src in shown)


def test_removing_a_source_unpublishes_it_in_the_next_release(released):
    root, _ = released
    kept = {k: v for k, v in published(root).items() if "source=deep" not in k}
    sh(root, "groundmill", "sources", "remove", "deep")
    sh(root, "groundmill", "sources", "remove", "ghost")  # the source without a folder, added above
    sh(root, "groundmill", "publish")
    assert published(root) == kept
    assert len(tags(root)) == 3 and "deep" not in (root / "sources.yaml").read_text()
    assert sorted(json.loads((root / "data" / "inputs.json").read_text())) == ["site"]
    assert sh(root, "git", "status", "--porcelain", "--untracked-files=no").strip() == ""  # its folder stays


@pytest.fixture
def s3_server():
    """moto's S3-compatible server on loopback; the test's credentials are its own, not AWS's."""
    from moto.server import ThreadedMotoServer

    from tests.flows.test_deploy import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="groundmill",
        aws_secret_access_key="groundmill",
    ).create_bucket(Bucket="datasets")
    yield endpoint
    server.stop()


def test_an_s3_compatible_remote_round_trips_the_version(released, s3_server, tmp_path):
    root, _ = released
    empty = tmp_path / "aws-config"
    empty.write_text("")  # no profile of the machine's, and no instance metadata lookups
    s3 = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
    }

    def dvc(where: Path, *args: str) -> str:
        done = subprocess.run(
            ["dvc", *args], cwd=where, env=cli_env(where) | s3, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def configure(where: Path) -> None:
        dvc(where, "remote", "add", "--local", "s3", "s3://datasets/groundmill")
        for key, value in {
            "endpointurl": s3_server,
            "region": "us-east-1",
            "access_key_id": "groundmill",
            "secret_access_key": "groundmill",
        }.items():
            dvc(where, "remote", "modify", "--local", "s3", key, value)

    configure(root)
    assert "files pushed" in dvc(root, "push", "-r", "s3")
    # The documented flow: clone, check out the version, configure the remote, pull.
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(root), str(clone))
    sh(clone, "git", "checkout", "-q", tags(root)[-1])
    configure(clone)
    dvc(clone, "pull", "-r", "s3")
    assert published(clone) == published(root)
    summary = sh(clone, "groundmill", "summary")  # the catalog, no versioned file, is built on demand
    assert "all balanced" in summary and (clone / "data" / "catalog.duckdb").exists()


def test_without_a_remote_a_release_says_in_one_line_what_to_configure(repo):
    from flows.release import NO_REMOTE, why_not
    from schemas.config import ReleaseParams

    assert why_not(repo, ReleaseParams()) == NO_REMOTE and "\n" not in NO_REMOTE
    assert "dvc remote add -d" in NO_REMOTE and why_not(repo, ReleaseParams(push=False)) is None


RELEASE = """
from pathlib import Path
import polars as pl
from flows.release import release
from schemas.config import ReleaseParams
print(release(Path.cwd(), pl.read_parquet("data/versions.parquet")["version"][-1], ReleaseParams())["tag"])
"""


def release_killed_at(root: Path, point: str) -> int:
    """flows.release.release killed (kill -9) at `point`, with the git and dvc commands it started."""
    env = cli_env(root) | {"PYTHONPATH": str(REPO), "GROUNDMILL_CRASH_AT": point}
    with subprocess.Popen(
        [sys.executable, "-c", RELEASE], cwd=root, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    ) as proc:
        code = proc.wait(timeout=600)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # `dvc push` dies with it, mid-way
    return code


def test_a_release_killed_at_any_point_tags_only_pushed_data_and_never_a_temporary_file(released, tmp_path):
    root, _ = released
    copy, remote = tmp_path / "repo", tmp_path / "remote"
    shutil.copytree(root, copy, symlinks=True)
    sh(copy, "dvc", "remote", "modify", "--local", "team", "url", str(remote))  # empty: nothing pushed yet
    tags = sh(copy, "git", "tag", "--list", "dataset/*").split()
    sh(copy, "git", "tag", "-d", *tags)  # the state a kill at release.committed leaves: commits, no tag
    # What writes killed midway leave inside DVC outputs (the next write of the same target clears them).
    (copy / "data/processed/grounding/source=site/.part-0.parquet.k1.tmp").write_bytes(b"partial")
    (copy / "data/interim/capture/.site.staging").mkdir()
    (copy / "data/interim/capture/.site.staging/captures.parquet").write_bytes(b"partial")
    for point in ("release.push", "release.push"):  # while pushing the commits without their tag
        assert release_killed_at(copy, point) == -signal.SIGKILL
        assert sh(copy, "git", "tag", "--list", "dataset/*").split() == [], f"tagged, killed at {point}"
    # The next run publishes something else: one grounding row fewer, a new version.
    grounding = copy / "data/processed/grounding/source=site/part-0.parquet"
    pl.read_parquet(grounding).head(-1).write_parquet(grounding)
    versions = pl.read_parquet(copy / "data/versions.parquet")
    changed = versions.tail(1).with_columns(version=pl.lit("v20990101-000000-changed"))
    pl.concat([versions, changed]).write_parquet(copy / "data/versions.parquet")
    rerun = subprocess.run(
        [sys.executable, "-c", RELEASE],
        cwd=copy,
        env=cli_env(copy) | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "completed the release of" in rerun.stderr  # the killed one: pushed, then tagged
    assert rerun.stdout.strip() == "dataset/v20990101-000000-changed"
    assert sh(copy, "git", "tag", "--list", "dataset/*").split() == sorted([*tags, rerun.stdout.strip()])
    dataset_commits = sh(copy, "git", "log", "--format=%H", "--grep=^dataset ").split()
    assert len(dataset_commits) == len(tags) + 1  # each version committed once
    lock = files_by_md5(copy)
    assert {f"files/md5/{md5[:2]}/{md5[2:]}" for md5 in lock} <= remote_objects(remote)
    # Every version recorded can be pulled, from a fresh clone, the killed one included.
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(copy), str(clone))
    sh(clone, "dvc", "remote", "modify", "--local", "team", "url", str(remote))
    for tag in sh(copy, "git", "tag", "--list", "dataset/*").split():
        sh(clone, "git", "checkout", "-q", tag)
        sh(clone, "dvc", "pull", "--force")
    listed = [path for paths in lock.values() for path in paths]
    assert listed and not [p for p in listed if p.endswith(".tmp") or ".staging" in p]
