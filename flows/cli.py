"""The `groundmill` command: run the lifecycle or one stage, query the catalog, audit the datasets."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from flows.cli_export import add_export_and_gallery, export, gallery

STAGE_COMMANDS = ("capture", "annotate", "curate", "publish")
SOURCE_HELP = "only this source from sources.yaml (repeatable); default: all"
STOPPABLE = ("run", *STAGE_COMMANDS, "watch", "audit")  # commands that start browsers, servers, sessions
DEBUG_HELP = "print the full traceback of a failure (by default each failure is one line)"


def _prepare_environment(where) -> None:
    """Prefect reads its settings at import: keep its home (and ephemeral database) in the project.
    Nothing reports usage anywhere: Prefect's analytics are off, and so are DVC's for every `dvc` the run
    calls (also off in the repository's .dvc/config, which a clone of another project may lack)."""
    os.environ.setdefault("PREFECT_HOME", str(where.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ["DVC_NO_ANALYTICS"] = "1"


def _parser() -> argparse.ArgumentParser:
    from schemas.config import KINDS

    parser = argparse.ArgumentParser(prog="groundmill", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole lifecycle (capture, annotate, curate, publish)")
    run.add_argument(
        "--source",
        action="append",
        dest="sources",
        metavar="ID",
        help=SOURCE_HELP,
    )
    run.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    for stage in STAGE_COMMANDS:
        p = sub.add_parser(stage, help=f"run the {stage} stage only")
        p.add_argument("--source", action="append", dest="sources", metavar="ID", help=SOURCE_HELP)
        p.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    query = sub.add_parser("query", help="run SQL against data/catalog.duckdb")
    query.add_argument(
        "sql",
        help="one DuckDB SQL statement over the published tables' views (grounding, elements, ..., "
        'dataset_versions), e.g. "select tier, count(*) from grounding group by 1"',
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="a table to read (default), CSV, or JSON rows",
    )
    sub.add_parser("summary", help="print the summary of the published outputs")
    sources = sub.add_parser("sources", help="list, add (and announce as an event) or remove sources")
    ssub = sources.add_subparsers(dest="action", required=True)
    ssub.add_parser("list", help="the sources in sources.yaml")
    add = ssub.add_parser(
        "add", help="validate a source, add it to sources.yaml, emit groundmill.source.added"
    )
    add.add_argument("id", help="the new source's id: lower-case letters, digits, - and _")
    add.add_argument(
        "--kind",
        required=True,
        choices=KINDS,
        help="what the location is (docs/sources.md): a folder of pages, a URL list, a sitemap, a WARC "
        "file, a dataset, desktop applications or a folder of screenshots",
    )
    add.add_argument(
        "--location",
        help="required, except for desktop: the folder of the files its apps open "
        "(default data/sources/<id>, made empty)",
    )
    add.add_argument(
        "--app",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="desktop: an application, its name and command (repeatable)",
    )
    add.add_argument(
        "--license",
        help="the licence of the source's pages or records (an SPDX id such as CC-BY-4.0); required",
    )
    add.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another setting of the entry (local=true, box=xywh, images=...), repeatable",
    )
    remove = ssub.add_parser(
        "remove", help="take a source out of sources.yaml; its data leaves the next published version"
    )
    remove.add_argument("id", help="the id of the source in sources.yaml")
    sub.add_parser("watch", help="run the lifecycle for the sources that are new or changed since last time")
    add_export_and_gallery(sub)
    _add_audit(sub)
    return parser


def _add_audit(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser(
        "audit",
        help="independent audit of published grounding rows; table and overlays in data/reports/audit",
    )
    audit.add_argument(
        "--sample",
        type=int,
        default=8,
        help="overlays of flawed (and of sound) rows per perspective (default 8)",
    )
    audit.add_argument("--seed", type=int, default=0, help="which rows the sample takes (default 0)")


def _sources(args: argparse.Namespace, where) -> int:
    """`sources list`, or `sources add`: the entry checked, appended, and announced."""
    from schemas.config import load_sources
    from transforms.fingerprint import fingerprint

    if args.action == "list":
        for source in load_sources(where.sources_file):
            short = fingerprint(source, where.root)[:12]
            print(f"{source.id:<24} {source.kind:<9} {source.location}  ({short})")
        return 0
    if args.action == "remove":
        from flows.register import remove_source

        remove_source(where, args.id)
        print(
            f"removed source {args.id} from {where.sources_file}; its published partitions leave the "
            "next version (groundmill run, or publish)"
        )
        return 0
    import yaml

    from flows.register import add_desktop_source, add_source, announce, parse_apps
    from transforms.sources import SourceError

    apps = parse_apps(args.kind, args.app)
    if args.location is None and args.kind != "desktop":
        raise SourceError(f"--location is required for a {args.kind} source")
    entry = {"id": args.id, "kind": args.kind, "location": args.location}
    if args.license is not None:
        entry["license"] = args.license
    for item in args.set:
        key, _, value = item.partition("=")
        entry[key.strip()] = yaml.safe_load(value)
    entry |= {"apps": apps} if apps else {}
    if args.location is None:
        source_id, print_fp = add_desktop_source(where, entry)
    else:
        source_id, print_fp = add_source(where, entry)
    print(f"added source {source_id} ({args.kind}, fingerprint {print_fp[:12]}) to {where.sources_file}")
    print(announce(source_id, args.kind))
    return 0


def _audit(args: argparse.Namespace, where) -> int:
    """The independent audit of the published grounding rows: the table per perspective, printed and
    written with overlays to data/reports/audit."""
    import polars as pl

    from flows.settings import load_params
    from transforms.audit import audit_rows, markdown, screens_of, summary, write_report
    from transforms.audit.leads import LEAD_COLUMNS
    from transforms.audit.ocr import OcrCache
    from transforms.storage import read_published

    def published(table: str, columns: list[str] | None = None) -> pl.DataFrame:
        return read_published(where.partitions(table), table, columns)

    params = load_params(where).audit
    screenshots = published("screenshots", ["screenshot_id", "capture_id", "width", "height", "png"])
    grounding, elements = published("grounding"), published("elements")
    captures = published("captures", list(LEAD_COLUMNS))
    ocr = OcrCache(
        where.cache(params.ocr_cache_dir), params.ocr_scale, params.ocr_min_conf, params.ocr_timeout_s
    )
    needed = set(grounding["screenshot_id"].to_list())
    words = ocr.all_words(
        {s: p for s, p in screenshots.select("screenshot_id", "png").iter_rows() if s in needed},
        params.ocr_workers,
    )
    screens = screens_of(
        elements, screenshots, lambda sid, _png: words.get(sid, []), params.ocr_min_conf, captures
    )
    rows = audit_rows(grounding, screens, lambda wanted: ocr.all_regions(wanted, params.ocr_workers))
    table = summary(rows)
    boxes = {r[0]: tuple(r[1:]) for r in elements.select("element_id", "x1", "y1", "x2", "y2").iter_rows()}
    report = write_report(rows, table, screenshots, boxes, where.audit_reports, args.sample, args.seed)
    print(markdown(table))
    print(f"OCR: {ocr.reads} screenshots read, {ocr.hits} from the cache\nreport: {report}")
    return 0


def _catalog(where):
    """A read-only connection to the catalog, which is rebuilt from the published Parquet files first
    where it is missing (a fresh clone after `dvc pull`) or older than the version table (a checkout
    of another version): it is no versioned file, only views over the files."""
    from transforms.publish.summary import open_catalog

    catalog, versions = where.catalog, where.versions
    if versions.exists() and (not catalog.exists() or catalog.stat().st_mtime < versions.stat().st_mtime):
        from schemas.registry import PUBLISHED, RUN_LOGS
        from transforms.publish.catalog import build_catalog

        build_catalog(catalog, where.catalog_views(PUBLISHED, RUN_LOGS), where.root)
    return open_catalog(catalog, where.root)


def _query(args: argparse.Namespace, where) -> int:
    """SQL on the catalog, printed by DuckDB itself (a table, CSV or JSON rows): no data frame library
    to import, so a query answers at once."""
    import csv
    import json

    con = _catalog(where)
    try:
        relation = con.sql(args.sql)
        if relation is None:  # a statement without rows
            return 0
        if args.format == "table":
            relation.show(max_rows=200, max_col_width=80)
            return 0
        columns, rows = relation.columns, relation.fetchall()
    finally:
        con.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        records = [dict(zip(columns, row)) for row in rows]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, default=str) + "\n")
    return 0


def _summary(args: argparse.Namespace, where) -> int:
    from flows.settings import load_params
    from transforms.publish.summary import summary_text

    align_min = load_params(where).capture.ocr.align_min
    con = _catalog(where)
    try:
        print(
            summary_text(
                con, where.partition_pattern("<table>").replace("*", "<id>"), where.catalog, align_min
            )
        )
    finally:
        con.close()
    return 0


def _run(args: argparse.Namespace, where) -> int:
    """The lifecycle (`run`), one stage, or `watch`; the sources are checked before anything starts.
    Exit 1 when a source failed as a whole (the others are done) or the Prefect API cannot start."""
    from flows.settings import load_params, select_sources

    params = load_params(where)  # a wrong params.yaml is refused before anything runs
    if not where.sources_file.exists():
        print(
            f"groundmill: {where.sources_file} not found: run from the project root or set GROUNDMILL_ROOT",
            file=sys.stderr,
        )
        return 2
    select_sources(where, getattr(args, "sources", None))  # refuse unsafe or unknown sources first
    from flows.curate import NothingUsable
    from flows.outcomes import SourcesFailed, run_lines
    from flows.register import changed_sources
    from flows.runners import workers_reach_api
    from flows.server import ServerStartError, prefect_api

    if not getattr(args, "debug", False):
        _one_line_failures()
    if args.command == "watch" and not changed_sources(where):  # answered without starting Prefect
        print("no source changed")
        return 0
    try:
        with prefect_api(params.run.server_start_timeout_s), workers_reach_api(params.run):
            done = _flows(args, where, params)
    except SourcesFailed as exc:
        if args.command == "run":
            print("\n".join(run_lines(exc.results, exc.failed)))
            if where.catalog.exists():
                _summary(args, where)
        done = f"; done for {', '.join(exc.published)}" if exc.published else ""
        print(f"groundmill: {exc}{done}", file=sys.stderr)
        return 1
    except (NothingUsable, ServerStartError) as exc:
        print(f"groundmill: {exc}", file=sys.stderr)
        return 1
    if args.command in ("run", "publish"):
        _say_if_not_released(where, params)
    return done


class _NoTraceback(logging.Filter):
    """Log records on the terminal without their traceback (the Prefect API still gets it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _one_line_failures() -> None:
    """A failed source is one log line and one `groundmill:` line, not a traceback (unless --debug)."""
    import prefect.main  # noqa: F401 - sets up Prefect's log handlers, which the filter joins

    for name in ("", "prefect", "prefect._internal", "uvicorn", "fastapi"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):  # the terminal, not the API
                handler.addFilter(_NoTraceback())


def _say_if_not_released(where, params) -> None:
    """One line on stderr where the version could not be released for want of a DVC remote."""
    from flows.release import NO_REMOTE, why_not

    if why_not(where.root, params.publish) == NO_REMOTE:
        print(f"groundmill: version published, not released: {NO_REMOTE}", file=sys.stderr)


def _flows(args: argparse.Namespace, where, params) -> int:
    """Run the command's flow: `watch`, the lifecycle, or one stage (SourcesFailed when a source failed)."""
    from flows.outcomes import SourcesFailed, failed_sources
    from flows.runners import task_runner

    if args.command == "watch":
        from flows.watch import watch_sources

        ran = watch_sources()
        print("ran the lifecycle for: " + ", ".join(ran) if ran else "no source changed")
        return 0
    if args.command == "run":
        from flows.lifecycle import lifecycle
        from flows.outcomes import run_lines

        print("\n".join(run_lines(lifecycle(args.sources), {})))
        return _summary(args, where)
    stage_flow = getattr(importlib.import_module(f"flows.{args.command}"), args.command)
    outcomes = stage_flow.with_options(task_runner=task_runner(params.run))(args.sources)
    failed = failed_sources(outcomes, args.command)
    if failed:
        raise SourcesFailed(failed, [sid for sid in outcomes if sid not in failed])
    return 0


COMMANDS = {
    "query": _query,
    "sources": _sources,
    "export": export,
    "audit": _audit,
    "summary": _summary,
    "gallery": gallery,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from flows.locations import project_locations
    from schemas.errors import InputError

    where = project_locations()
    _prepare_environment(where)
    if argv is None and args.command in STOPPABLE:  # the command line (a test may call main() itself)
        from flows.stopping import stop_on_signals
        from flows.watchdog import guard_run

        guard_run()  # what the command starts ends with it, even on kill -9
        stop_on_signals()  # Ctrl-C and SIGTERM stop it at once
    os.environ.setdefault("GROUNDMILL_ROOT", str(where.root))  # task workers in other processes find it
    try:
        return COMMANDS.get(args.command, _run)(args, where)
    except (InputError, FileNotFoundError) as exc:
        print(f"groundmill: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - DuckDB parse errors etc. deserve one line, not a trace
        if args.command != "query":
            raise
        print(f"groundmill: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
