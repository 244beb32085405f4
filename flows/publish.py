"""Publish flow: curated tables to partitioned Parquet under data/processed, every source checked against
the benchmark sources (the `contaminated` table, recomputed over all sources each time), the DuckDB
catalog, the dataset version (data/versions.parquet), its inputs manifest and DVC metrics, its data card
(data/reports/<version>/), Prefect artifacts and the release (transforms/publish/ does the work).

A version is published whole or not at all: its partitions are written into a staging folder beside
data/processed (with hard links to the partitions of the sources it does not republish), fsynced, and
swapped with data/processed in one atomic exchange. A run killed before the swap leaves the previous
version in place; one killed after it leaves the new one whole (the rerun records and releases it).
Sources no longer in sources.yaml are not carried into the new version: they leave the published data."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import progress
from flows.locations import STAGES, Locations, project_locations
from flows.outcomes import FAILED
from flows.release import ReleaseParams, release, why_not
from flows.runlock import run_lock
from flows.settings import load_params, select_sources
from schemas.bookkeeping import CONTAMINATION_TABLES
from schemas.config import UNKNOWN_LICENSE, Source
from schemas.registry import PUBLISHED, RUN_LOGS, empty
from transforms.capture.alignment import per_app
from transforms.crashpoints import crashpoint
from transforms.curate.contamination import checked_rows, columns_read, contamination
from transforms.publish.card import write_card
from transforms.publish.catalog import build_catalog
from transforms.publish.metrics import (
    as_json,
    dataset_metrics,
    difficulty_histogram,
    inputs_manifest,
    source_counts,
)
from transforms.publish.plots import histogram_png, sources_png
from transforms.publish.provenance import Stamp, first_captured, pipeline_version
from transforms.publish.stage import (
    FROM_CURATE,
    count_contaminated,
    publish_stage,
    published_ledger,
    tiers_markdown,
)
from transforms.publish.versions import dataset_version, record_version
from transforms.storage import (
    TableReadError,
    link_or_copy,
    read_published,
    read_table,
    replace_folder_atomic,
    write_bytes_atomic,
    write_parquet_atomic,
)


def _capture_times(where: Locations, source_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(capture_id, captured_at) as the version published now has them, and the source's capture run log
    (capture_id, started_at); empty where there is none (a first run, a partition from before
    captured_at, a source imported without a run log)."""
    previous = pl.DataFrame(schema={"capture_id": pl.String, "captured_at": pl.Datetime("us", "UTC")})
    timings = empty("capture_timings").select("capture_id", "started_at")
    return (
        _columns_of(where.partition("captures", source_id), previous),
        _columns_of(where.run_log("capture_timings", source_id), timings),
    )


def _columns_of(path: Path, empty_frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of `empty_frame` read from `path`; `empty_frame` itself where the file is missing,
    lacks them or cannot be read (the times then come from elsewhere: nothing to stop a publish for)."""
    try:
        return pl.read_parquet(path, columns=empty_frame.columns).cast(dict(empty_frame.schema))
    except (OSError, pl.exceptions.PolarsError):
        return empty_frame


@task(task_run_name="publish-{source.id}")
def publish_source(source: Source, where: Locations, into: Path, now: datetime) -> dict[str, int]:
    """Writes <table>/source=<id>/part-0.parquet for every published table under `into`, the folder the
    new version is staged in; `now` is the publish's time (the capture time of a capture that has no
    other)."""
    source_id = source.id
    curated_at = where.stage("curate", source_id)
    curated = {t: read_table(curated_at, t) for t in FROM_CURATE}
    captured = first_captured(curated["captures"], *_capture_times(where, source_id), now)
    params = load_params(where).publish
    stamp = Stamp(source.license, pipeline_version(), params.language_min_confidence, params.languages)
    out = publish_stage(curated, captured, stamp)
    earlier = [read_table(where.stage(stage, source_id), "ledger") for stage in STAGES]
    tables = {**out.tables, "ledger": published_ledger(earlier, out, source_id)}
    for n, (table, frame) in enumerate(tables.items()):
        path = where.partition(table, source_id, under=into)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path, compression="zstd")
        if n == len(tables) // 2:
            crashpoint("publish.staged")
    return {t: f.height for t, f in out.tables.items()}


class _NothingPublished(Exception):
    """Every chosen source failed: the published version stays as it is."""


def _stage_version(where: Locations, source_ids: list[str], staging: Path) -> dict[str, dict]:
    """Fill `staging` with the new version: the chosen sources' partitions, written anew, and the
    partitions of every other source still in sources.yaml as they are published now (hard links)."""
    now = datetime.now(UTC).replace(microsecond=0)
    sources = select_sources(where, source_ids)
    unknown = [s.id for s in sources if s.license == UNKNOWN_LICENSE]
    if unknown:
        get_run_logger().warning(
            "licence unknown (no `license:` in sources.yaml) for: %s; their rows say license=unknown",
            ", ".join(unknown),
        )
    with progress.stage_bar("publish", len(source_ids), "source"):
        futures = {s.id: publish_source.submit(s, where, staging, now) for s in sources}
        counts = {sid: progress.done("publish", f) for sid, f in futures.items()}
    republished = {sid for sid, c in counts.items() if FAILED not in c}
    if not republished:
        raise _NothingPublished(counts)
    listed = {s.id for s in select_sources(where, None)}
    gone = sorted({sid for _, sid, _ in where.published_files(PUBLISHED)} - listed)
    for table, source_id, path in where.published_files(PUBLISHED):
        if source_id not in republished and source_id in listed:
            link_or_copy(path, where.partition(table, source_id, under=staging))
    if gone:
        get_run_logger().info("unpublished (no longer in sources.yaml): %s", ", ".join(gone))
    check_benchmarks(where, staging)
    return counts


@task
def check_benchmarks(where: Locations, staging: Path) -> dict[str, int]:
    """Every source of the staged version checked against the benchmark sources (all of them, each time:
    a benchmark added, changed or dropped changes what every other source matches): its `contaminated`
    partition and that count on publish's ledger rows, written where they changed. A partition linked
    from the previous version is replaced, never written through."""
    benchmarks = {s.id for s in select_sources(where, None) if s.role == "benchmark"}

    def staged(table: str, columns: list[str]) -> pl.DataFrame:
        return read_published(where.partitions(table, under=staging), table, columns)

    screens = staged("screenshots", ["source_id", "screenshot_id", "phash"])
    rows = checked_rows({t: staged(t, columns_read(t)) for t in CONTAMINATION_TABLES})
    found = contamination(rows, screens, benchmarks, load_params(where).near_dup)
    counts = {}
    for path in where.partitions("ledger", under=staging):
        source_id = path.parent.name.removeprefix("source=")
        mine = found.filter(pl.col("source_id") == source_id)
        _replace_if_changed(mine, where.partition("contaminated", source_id, under=staging))
        _replace_if_changed(count_contaminated(pl.read_parquet(path), mine), path)
        counts[source_id] = mine.height
    if found.height:
        get_run_logger().info(
            "rows that match a benchmark (published, withheld from exports): %s",
            ", ".join(f"{s} {n}" for s, n in counts.items() if n),
        )
    return counts


def _replace_if_changed(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` at `path` (a new file, not through a hard link) unless the file holds it already."""
    if path.exists() and pl.read_parquet(path).equals(frame):
        return
    write_parquet_atomic(frame, path)


def _forget_removed(where: Locations) -> None:
    """After the swap: the stage outputs and run logs of the sources no longer in sources.yaml (their
    partitions left with the version just published)."""
    listed = {s.id for s in select_sources(where, None)}
    written = {p.name for stage in STAGES for p in where.stage(stage, "-").parent.glob("[!.]*")}
    for source_id in written - listed:
        for folder in where.source_folders(source_id):
            shutil.rmtree(folder, ignore_errors=True)


def _catalog_and_version(where: Locations) -> dict:
    """Record the version of what is published now and rebuild the catalog over it."""
    version = record_version(
        where.versions, dataset_version(where.published_files(PUBLISHED), where.processed)
    )
    build_catalog(where.catalog, where.catalog_views(PUBLISHED, RUN_LOGS), where.root)
    return version


def _rows(where: Locations) -> dict[str, dict[str, int]]:
    """table -> source -> rows published."""
    rows: dict[str, dict[str, int]] = {}
    for table, source, path in where.published_files(PUBLISHED):
        rows.setdefault(table, {})[source] = pl.scan_parquet(path).select(pl.len()).collect().item()
    return rows


@task
def record_metrics(where: Locations) -> None:
    """data/metrics/: the DVC metrics and plots of what is published now."""
    rows = _rows(where)
    grounding = read_published(where.partitions("grounding"), "grounding", ["tier", "difficulty"])
    quarantine = read_published(where.partitions("quarantine"), "quarantine", ["table", "check"])
    ledger = read_published(where.partitions("ledger"), "ledger")
    files = where.metrics_files
    write_bytes_atomic(as_json(dataset_metrics(rows, ledger, grounding, quarantine)), files["dataset"])
    histogram, per_source = difficulty_histogram(grounding), source_counts(rows)
    write_bytes_atomic(histogram.encode(), files["difficulty"])
    write_bytes_atomic(per_source.encode(), files["sources"])
    # the same numbers as image plots: what `dvc plots diff` shows, readable offline
    write_bytes_atomic(
        histogram_png(histogram, "graded grounding rows per difficulty"), files["difficulty_png"]
    )
    write_bytes_atomic(sources_png(per_source, "rows per source"), files["sources_png"])


@task
def record_inputs(where: Locations) -> None:
    """data/inputs.json: what every published source was made from, as its capture recorded it, and the
    pages it captured."""
    records = {}
    for source_id in where.published_sources():
        try:
            row = read_table(where.stage("capture", source_id), "inputs").row(0, named=True)
        except (TableReadError, IndexError):
            continue  # captured before inputs were recorded: listed with its pages only
        del row["source_id"]
        records[source_id] = {**row, "entry": json.loads(row["entry"])}
    captures = read_published(
        where.partitions("captures"), "captures", ["source_id", "page_path", "page_sha256"]
    )
    pages: dict[str, list] = {s: [] for s in where.published_sources()}
    for source_id, path, sha in captures.filter(pl.col("page_sha256") != "").iter_rows():
        pages[source_id].append((path, sha))
    write_bytes_atomic(as_json(inputs_manifest(records, pages)), where.inputs_manifest)


@flow(name="publish")
def publish(
    sources: list[str] | None = None, left_out: dict[str, str] | None = None
) -> dict[str, dict[str, int]]:
    """Publish the curated tables of the listed sources (all by default) as a new version, leaving out
    the sources no longer listed, rebuild the catalog, metrics and inputs manifest, and release it.
    `left_out`: sources the run could not publish, and why (the release says)."""
    where = project_locations()
    chosen = [s.id for s in select_sources(where, sources)]
    with run_lock(where, "publish"):
        counts: dict[str, dict] = {}
        try:
            replace_folder_atomic(
                where.processed, lambda staging: counts.update(_stage_version(where, chosen, staging))
            )
        except _NothingPublished as nothing:
            return nothing.args[0]
        crashpoint("publish.swapped")
        _forget_removed(where)
        record_metrics(where)
        record_inputs(where)
        version = _catalog_and_version(where)
        report = report_version(version, where)
        get_run_logger().info(
            "version %s, catalog %s, data card %s", version["version"], where.catalog, report
        )
        failed = {sid: f"publish: {c[FAILED]}" for sid, c in counts.items() if FAILED in c}
        left_out = {**(left_out or {}), **failed}
        release_version(version["version"], where.root, load_params(where).publish, left_out)
    return counts


@task
def release_version(version: str, root: Path, params: ReleaseParams, left_out: dict[str, str]) -> dict | None:
    """dvc commit, a git commit, dvc push and then the tag (flows/release.py); skipped, with the reason,
    where the project is not a git + DVC checkout."""
    reason = why_not(root, params)
    if reason:
        get_run_logger().info("version %s recorded, not released: %s", version, reason)
        return None
    released = release(root, version, params, left_out)
    if not released["new"]:
        get_run_logger().info("version %s unchanged: released before as %s", version, released["tag"])
        return released
    get_run_logger().info(
        "released %s as git tag %s (%s), %s files pushed%s",
        version,
        released["tag"],
        released["commit"][:12],
        released["pushed"],
        f"; left out: {', '.join(sorted(left_out))}" if left_out else "",
    )
    return released


def _check_counts(files: list[Path]) -> pl.DataFrame:
    """The OCR check's columns of the published captures (null where a file predates them)."""
    columns = {
        "source_id": pl.String,
        "app": pl.String,
        "ocr_text_boxes": pl.Int32,
        "ocr_matched": pl.Int32,
        "ocr_icon_only": pl.Int32,
    }
    frames = []
    for f in files:
        present = [c for c in columns if c in pl.read_parquet_schema(f)]
        frame = pl.read_parquet(f, columns=present)
        frames.append(
            frame.with_columns(pl.lit(None, dtype=d).alias(c) for c, d in columns.items() if c not in present)
        )
    return pl.concat([f.select(list(columns)) for f in frames]) if frames else pl.DataFrame(schema=columns)


def _published_if_any(where: Locations, table: str) -> pl.DataFrame | None:
    """A published table, or None where no source published it (a table this version does not have)."""
    files = where.partitions(table)
    return read_published(files, table) if files else None


@task
def report_version(version: dict, where: Locations) -> Path:
    """The data card of the version, and Prefect artifacts: rows per table, the ledger, the tiers."""
    grounding = read_published(where.partitions("grounding"), "grounding")
    screenshots = read_published(where.partitions("screenshots"), "screenshots", ["screenshot_id", "png"])
    params = load_params(where)
    alignment = per_app(_check_counts(where.partitions("captures")), params.capture.ocr.align_min)
    card = write_card(
        where.reports,
        version,
        grounding,
        screenshots,
        alignment=alignment,
        instructions=_published_if_any(where, "instructions"),
        contaminated=_published_if_any(where, "contaminated"),
        mix_params=params.mix,
    )
    counts = json.loads(version["row_counts"])
    create_table_artifact(
        [{"table": t, "rows": n} for t, n in sorted(counts.items())],
        key="groundmill-rows",
        description=f"Rows per published table, version {version['version']}",
    )
    ledger = read_published(where.partitions("ledger"), "ledger").filter(pl.col("stage") != "publish")
    create_table_artifact(ledger.to_dicts(), key="groundmill-ledger", description="Where every row went")
    create_markdown_artifact(
        f"{tiers_markdown(grounding)}\n\nData card: `{card}`",
        key="groundmill-difficulty",
        description="Grounding rows per difficulty tier",
    )
    return card
