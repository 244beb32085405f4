"""The CLI end to end on 3 fixture pages: real Chromium, a local Prefect API, Parquet and DuckDB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from schemas import registry
from schemas.bookkeeping import BALANCES
from schemas.registry import PUBLISHED as PUBLISHED_TABLES
from tests.conftest import cli_env, groundmill


def test_run_publishes_every_table_partitioned_by_source(ran):
    root, _ = ran
    for table in PUBLISHED_TABLES:
        parts = sorted(p.parent.name for p in (root / "data" / "processed" / table).glob("*/part-0.parquet"))
        assert parts == ["source=bad", "source=site"], table  # `gone` failed as a whole: left out
    meta = pl.read_parquet_schema(root / "data/processed/grounding/source=site/part-0.parquet")
    assert {"tier", "difficulty", "expression", "click_x"} <= set(meta)
    import pyarrow.parquet as pq

    compression = (
        pq.ParquetFile(root / "data/processed/elements/source=site/part-0.parquet")
        .metadata.row_group(0)
        .column(0)
        .compression
    )
    assert compression == "ZSTD"


def test_every_table_a_stage_writes_has_its_registered_schema(ran):
    """Interim tables have the schema of their registered table; curated ones that of their curated
    form, published ones that of their published form."""
    root, _ = ran
    checked = 0
    for path in sorted((root / "data" / "interim").glob("*/*/*.parquet")):
        stage, table = path.parent.parent.name, path.stem
        expected = registry.curated_schema(table) if stage == "curate" else registry.schema(table)
        assert pl.read_parquet_schema(path) == dict(expected), path
        checked += 1
    for path in sorted((root / "data" / "processed").glob("*/source=*/part-0.parquet")):
        assert pl.read_parquet_schema(path) == dict(registry.published_schema(path.parent.parent.name)), path
        checked += 1
    # capture: every source (`gone` with the row that says it failed); the rest: `site` and `bad` only
    assert checked >= 3 * 5 + 2 * (6 + 13) + 2 * 13


def test_summary_reports_pages_rows_tiers_and_failures(ran):
    _, done = ran
    out = done.stdout
    assert "pages captured:   10 (empty 1, error 2, ok 6, timeout 1)" in out
    assert "bad/spins.html: timeout" in out and "bad/throws.html: 1 script error(s)" in out
    # The source that failed as a whole: named in one line, the run completed for the others, exit 1.
    assert done.returncode == 1
    failed = [line for line in done.stderr.splitlines() if line.startswith("groundmill: ")]
    assert failed == [
        f"groundmill: 1 source(s) failed: gone (capture: source 'gone': folder not found: "
        f"{ran[0] / 'data' / 'sources' / 'gone'}); done for site, bad"
    ]
    assert "difficulty tiers: easy" in out and "ledger:" in out and "all balanced" in out
    assert "  licences:         CC0-1.0 (bad, site)" in out and "WARNING: licence unknown" not in out
    assert "catalog.duckdb" in out
    # This run's own counts first, the left-out source named with its reason; no traceback; the failed
    # source's interim output untouched (there was none: no error row stands in for it).
    assert "this run:\n  capture:   bad 7 pages, 3 ok, 6 elements; site 3 pages, 3 ok" in out, out
    assert "  left out (their published data stays as it was):\n    gone: capture: source 'gone'" in out
    assert "published dataset (every source, as published now):" in out
    assert "Traceback" not in done.stderr, done.stderr
    assert not (ran[0] / "data" / "interim" / "capture" / "gone").exists()
    # Progress bars, one per stage, on stderr: pages captured, then sources annotated, curated, published.
    for bar in ("capture: 100%", "annotate: 100%", "curate: 100%", "publish: 100%"):
        assert bar in done.stderr, bar


def test_duckdb_catalog_has_a_view_per_table(ran):
    root, _ = ran
    con = duckdb.connect(str(root / "data" / "catalog.duckdb"), read_only=True)
    con.execute(f"set file_search_path = '{root}'")
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert set(PUBLISHED_TABLES) <= views
    n = con.execute("select count(*) from grounding g join screenshots s using (screenshot_id)").fetchone()[0]
    assert n == con.execute("select count(*) from grounding").fetchone()[0] > 0
    con.close()


def test_query_answers_the_tier_question_in_three_formats(ran):
    root, _ = ran
    table = groundmill(
        root, "query", "select tier, count(*) as n from grounding group by 1 order by 1"
    ).stdout
    assert "tier" in table and "easy" in table
    rows = json.loads(
        groundmill(
            root, "query", "select tier, count(*) as n from grounding group by 1", "--format", "json"
        ).stdout
    )
    assert sum(r["n"] for r in rows) == groundmill_count(root, "grounding")
    csv = groundmill(root, "query", "select 1 as a", "--format", "csv").stdout
    assert csv.splitlines() == ["a", "1"]
    bad = groundmill(root, "query", "select * from no_such_table", check=False)
    assert bad.returncode == 2 and "no_such_table" in bad.stderr


def groundmill_count(root: Path, table: str) -> int:
    return json.loads(
        groundmill(root, "query", f"select count(*) as n from {table}", "--format", "json").stdout
    )[0]["n"]


def test_a_command_finds_the_project_root_from_a_folder_inside_it(ran):
    root = ran[0]
    done = subprocess.run(
        ["groundmill", "query", "select count(*) as n from grounding", "--format", "csv"],
        cwd=root / "data" / "sources" / "site",  # as git finds its repository; no GROUNDMILL_ROOT set
        env=cli_env(root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and int(done.stdout.splitlines()[1]) > 0, done.stderr


def test_every_element_is_accounted_for_in_the_ledger(ran):
    root, _ = ran
    ledger = pl.read_parquet(root / "data/processed/ledger/*/*.parquet")
    assert ledger.height and ledger.filter(~BALANCES).is_empty()
    elements = pl.read_parquet(root / "data/processed/elements/source=site/part-0.parquet").height
    skipped = pl.read_parquet(root / "data/processed/skipped/source=site/part-0.parquet")
    grounding = pl.read_parquet(root / "data/processed/grounding/source=site/part-0.parquet")
    rejected = pl.read_parquet(root / "data/processed/rejected/source=site/part-0.parquet")
    for perspective in ("text", "appearance", "function", "spatial", "intent"):
        book = ledger.filter(
            (pl.col("source_id") == "site")
            & (pl.col("stage") == "annotate")
            & (pl.col("table") == f"grounding.{perspective}")
        ).row(0, named=True)
        published = grounding.filter(pl.col("perspective") == perspective).height
        set_aside = rejected.filter(
            (pl.col("table") == "grounding") & (pl.col("perspective") == perspective)
        ).height
        dropped = skipped.filter(
            (pl.col("table") == "grounding") & (pl.col("perspective") == perspective)
        ).height
        assert book["rows_in"] == elements == published + set_aside + dropped, perspective
    # The twin "Details" paragraphs: never 'the text "Details"' (it fits both), told apart by their order.
    assert grounding.filter(pl.col("expression") == 'the text "Details"').height == 0
    twins = grounding.filter(pl.col("expression").str.contains('"Details"'))["expression"].sort().to_list()
    assert twins == ['the first text "Details" from the left', 'the second text "Details" from the left']


def test_rerun_is_idempotent(ran):
    root, _ = ran
    before = pl.read_parquet(root / "data/processed/grounding/source=site/part-0.parquet")
    captured = pl.read_parquet(root / "data/processed/captures/source=site/part-0.parquet")
    groundmill(root, "run", "--source", "site")
    after = pl.read_parquet(root / "data/processed/grounding/source=site/part-0.parquet")
    assert sorted(before.get_column("grounding_id")) == sorted(after.get_column("grounding_id"))
    # the rerun captured the pages again, later; the rows keep the time they were first captured
    log = pl.read_parquet(root / "data/logs/capture_timings/source=site/part-0.parquet")
    again = pl.read_parquet(root / "data/processed/captures/source=site/part-0.parquet")
    assert (
        again.select("capture_id", "captured_at")
        .sort("capture_id")
        .equals(captured.select("capture_id", "captured_at").sort("capture_id"))
    )
    assert (again.join(log, on="capture_id")["captured_at"] < log["started_at"].min()).all()
    assert (
        before.select("captured_at", "page_path")
        .sort(pl.all())
        .equals(after.select("captured_at", "page_path").sort(pl.all()))
    )


def test_published_rows_carry_their_licence_page_capture_time_and_pipeline_version(ran):
    """Every published row of the data tables says its source's licence, the page it comes from, when
    that page was captured (the run log's start time on a first run), which groundmill published it,
    and (rows with words) its language."""
    root, _ = ran
    from transforms.publish.provenance import pipeline_version

    def part(table: str) -> pl.DataFrame:
        return pl.read_parquet(root / f"data/processed/{table}/source=bad/part-0.parquet")

    log = pl.read_parquet(root / "data/logs/capture_timings/source=bad/part-0.parquet")
    captures = part("captures")
    started = captures.join(log, on="capture_id", how="left")
    assert started.height == captures.height and (started["captured_at"] == started["started_at"]).all()
    pages = dict(captures.select("capture_id", "page_path").iter_rows())
    for table in registry.PUBLISHED_FORM:
        frame = part(table)
        registry.table(registry.PUBLISHED_FORM[table]).model.validate(frame, lazy=True)
        assert frame.filter(pl.col("captured_at").is_null()).is_empty(), table
        assert set(frame["license"]) <= {"CC0-1.0"} and set(frame["source_id"]) <= {"bad"}, table
        assert set(frame["pipeline_version"]) <= {pipeline_version()}, table
    shots = part("screenshots")
    assert shots.height and all(pages[c] == p for c, p in shots.select("capture_id", "page_path").iter_rows())
    grounding = part("grounding").join(shots.select("screenshot_id", shot="page_path"), on="screenshot_id")
    assert grounding.height and (grounding["page_path"] == grounding["shot"]).all()
    languages = grounding["language"].value_counts(sort=True).drop_nulls()
    assert languages["language"][0] == "en"


def test_unsafe_source_id_is_refused_before_anything_is_written(project):
    (project / "sources.yaml").write_text("sources:\n  - {id: ../evil, kind: html_dir, location: x}\n")
    done = groundmill(project, "run", check=False)
    assert done.returncode == 2 and "not a safe name" in done.stderr
    assert not (project / "data" / "interim").exists() and not (project / "data" / "processed").exists()


def test_audit_rechecks_published_rows_and_draws_overlays(ran):
    root, _ = ran
    done = groundmill(root, "audit", "--sample", "2", "--seed", "3")
    assert "| perspective | rows |" in done.stdout
    folder = root / "data" / "reports" / "audit"
    report = json.loads((folder / "audit.json").read_text())
    overall = next(r for r in report["summary"] if r["perspective"] == "all")
    published = pl.read_parquet(root / "data/processed/grounding/*/*.parquet").height
    assert overall["rows"] == published > 0
    assert overall["flaw_rate"] <= 0.05 and "not_visible" in overall and "mojibake" in overall
    assert {r["perspective"] for r in report["summary"]} >= {"text", "spatial", "refusal"}
    assert len(report["overlays"]) == len(list(folder.glob("*.png"))) > 0


def test_curate_reports_an_unreadable_file_and_fails_only_when_nothing_is_usable(ran, tmp_path):
    root, _ = ran
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".prefect"))
    interim = copy / "data" / "interim"
    grounding = interim / "annotate" / "site" / "grounding.parquet"
    grounding.write_bytes(grounding.read_bytes()[:100])  # truncated
    groundmill(copy, "curate", "--source", "site")
    quarantine = pl.read_parquet(interim / "curate" / "site" / "quarantine.parquet")
    row = quarantine.filter(pl.col("check") == "file_readable").row(0, named=True)
    assert row["table"] == "grounding" and "grounding.parquet" in row["reason"]
    assert pl.read_parquet(interim / "curate" / "site" / "instructions.parquet").height > 0
    for table in (interim / "capture" / "site").glob("*.parquet"):
        table.write_bytes(b"PAR1 not really")
    for table in (interim / "annotate" / "site").glob("*.parquet"):
        if table.stem not in ("skipped", "model_usage", "ledger"):
            table.write_bytes(b"PAR1 not really")
    done = groundmill(copy, "curate", "--source", "site", check=False)
    assert done.returncode == 1 and "nothing usable remains in site" in done.stderr


def test_publish_records_a_version_with_its_data_card_and_artifacts(ran):
    root, _ = ran
    versions = json.loads(
        groundmill(
            root,
            "query",
            "select version, content_sha256, sources, row_counts from dataset_versions",
            "--format",
            "json",
        ).stdout
    )
    assert len(versions) >= 1
    latest = versions[-1]
    assert latest["sources"] == ["bad", "site"] and len(latest["content_sha256"]) == 64
    assert json.loads(latest["row_counts"])["grounding"] == groundmill_count(root, "grounding")
    card = root / "data" / "reports" / latest["version"]
    assert latest["version"] in (card / "card.md").read_text()
    assert (card / "tiers.png").read_bytes().startswith(b"\x89PNG") and list(card.glob("sample-*.png"))
    keys = (
        "import asyncio\nfrom flows.server import ensure_api\nensure_api(120)\n"
        "from prefect.client.orchestration import get_client\n"
        "async def main():\n    async with get_client() as client:\n"
        "        print(' '.join(a.key or '' for a in await client.read_artifacts()))\nasyncio.run(main())"
    )
    listed = subprocess.run(
        [sys.executable, "-c", keys], cwd=root, env=cli_env(root), capture_output=True, text=True, timeout=600
    )
    assert {"groundmill-rows", "groundmill-ledger", "groundmill-difficulty"} <= set(listed.stdout.split()), (
        listed.stderr
    )


def test_the_lifecycle_runs_on_a_local_dask_cluster_with_the_same_results(ran, project):
    root, _ = ran
    params = (project / "params.yaml").read_text()
    (project / "params.yaml").write_text(params.replace("  task_runner: threads ", "  task_runner: dask    "))
    done = groundmill(project, "run", temporary_server=True)  # no Prefect server configured
    out = done.stderr + done.stdout
    assert "distributed.scheduler" in out  # tasks went through a Dask scheduler
    # one temporary Prefect server, the run's: the workers report to it instead of starting their own
    assert out.count("Starting temporary server") == 1, out
    assert ":8787" not in out  # no dashboard on Dask's default port
    on_dask = pl.read_parquet(project / "data/processed/grounding/source=site/part-0.parquet")
    on_threads = pl.read_parquet(root / "data/processed/grounding/source=site/part-0.parquet")
    assert sorted(on_dask["grounding_id"]) == sorted(on_threads["grounding_id"])
