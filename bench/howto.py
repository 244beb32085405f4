"""How-to mining on real help sites: procedures found, typed and grounded, against the old miner.

    .venv/bin/python bench/howto.py [--corpus NAME=FOLDER ...] [--capture N] [--checked FILE]

Corpora default to the GIMP and LibreOffice help as Debian packages them (apt-get install gimp-help-en
libreoffice-help-en-us): every .html file under the folder is a page. No network: pages are read from
disk, and the captured subset is served on loopback.

For each corpus, from the HTML directly (the speed of mining, without screenshots): procedures per 100
pages, steps per procedure, the share of UI procedures, pages/s, the How2Mine rejections by reason, the
share of UI steps (steps naming a control, menu path or key, in UI procedures) whose action was parsed
(target >= 95 %), and, as the baseline measured in the same run, what the miner before issue 16 found
("How to" heading + ordered list). The hand-checked sample (bench/data/howto_checked.json: 50 procedures
a person compared with their pages) gives the precision (target >= 90 % fully right); an entry whose
procedure is no longer extracted exactly as checked counts as changed, and more than a tenth changed
FAILs (check again: --draw-sample). Grounding needs captured elements: --capture N pages (an equal
share per corpus: pages with UI procedures, then other pages where there is room) are rendered by the
real capture pipeline and their steps grounded to the screens captured: the share of UI steps grounded.

It FAILs when a corpus has no page or no procedure, or nothing was captured; a missed target is a MISS.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from howto_checked import baseline_procedures, draw_sample, judge, load_checked  # noqa: E402

from schemas.config import CaptureParams, HowtoParams, Source  # noqa: E402
from transforms.howto.filters import is_ui_procedure, rejection  # noqa: E402
from transforms.howto.html import mine_procedures  # noqa: E402
from transforms.howto.steps import parse_step  # noqa: E402

CORPORA = {
    "gimp": Path("/usr/share/gimp/2.0/help/en"),
    "libreoffice": Path("/usr/share/libreoffice/help/en-US"),
}
CHECKED = ROOT / "bench" / "data" / "howto_checked.json"


def pages_of(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html")) if folder.is_dir() else []


def mine_corpus(name: str, folder: Path, params: HowtoParams) -> dict:
    """Every page of a corpus mined as annotate mines it (minus grounding), timed, and the old miner."""
    pages = pages_of(folder)
    kept, reasons, baseline = [], Counter(), 0
    started = time.perf_counter()
    for page in pages:
        html = (folder / page).read_text(encoding="utf-8", errors="replace")
        for procedure in mine_procedures(html):
            typed = [parse_step(s.text, s.marks) for s in procedure.steps]
            reason = rejection(procedure, typed, params)
            if reason:
                reasons[reason.split(":")[0]] += 1
                continue
            kept.append(
                {
                    "corpus": name,
                    "page": page,
                    "goal": procedure.goal,
                    "steps": procedure.texts,
                    "typed": typed,
                    "ui_procedure": is_ui_procedure(typed, params),
                }
            )
    seconds = time.perf_counter() - started
    baseline = sum(
        baseline_procedures((folder / p).read_text(encoding="utf-8", errors="replace")) for p in pages
    )
    return {
        "name": name,
        "folder": folder,
        "pages": pages,
        "kept": kept,
        "reasons": reasons,
        "seconds": seconds,
        "baseline": baseline,
    }


def ui_steps(kept: list[dict]) -> list:
    return [t for p in kept if p["ui_procedure"] for t in p["typed"] if t.ui]


def report_mining(runs: list[dict]) -> None:
    print(
        f"{'corpus':12} {'pages':>6} {'procs':>6} {'/100 pages':>10} {'steps/proc':>10} {'UI procs':>8} "
        f"{'pages/s':>8} {'UI steps':>8} {'parsed':>7} {'old miner':>9}"
    )
    for run in [*runs, _total(runs)]:
        kept, pages = run["kept"], len(run["pages"])
        steps = sum(len(p["steps"]) for p in kept)
        ui = ui_steps(kept)
        parsed = sum(t.action != "other" for t in ui)
        print(
            f"{run['name']:12} {pages:>6} {len(kept):>6} {100 * len(kept) / max(pages, 1):>10.1f} "
            f"{steps / max(len(kept), 1):>10.2f} {_pct(sum(p['ui_procedure'] for p in kept), len(kept)):>8} "
            f"{pages / max(run['seconds'], 1e-9):>8.1f} {len(ui):>8} {_pct(parsed, len(ui)):>7} "
            f"{run['baseline']:>9}"
        )
    total = _total(runs)
    print("rejected (How2Mine filters): " + ", ".join(f"{k} {v}" for k, v in total["reasons"].most_common()))
    actions = Counter(t.action for t in ui_steps(total["kept"]))
    print("UI step actions: " + ", ".join(f"{k} {v}" for k, v in actions.most_common()))
    ratio = len(total["kept"]) / total["baseline"] if total["baseline"] else float("inf")
    print(f"procedures: {len(total['kept'])} vs {total['baseline']} by the old miner ({ratio:.1f}x)")


def _total(runs: list[dict]) -> dict:
    reasons = sum((r["reasons"] for r in runs), Counter())
    return {
        "name": "all",
        "pages": [p for r in runs for p in r["pages"]],
        "kept": [p for r in runs for p in r["kept"]],
        "reasons": reasons,
        "seconds": sum(r["seconds"] for r in runs),
        "baseline": sum(r["baseline"] for r in runs),
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def capture_and_ground(runs: list[dict], n: int, params: HowtoParams, seed: int) -> dict:
    """Render `n` pages with UI procedures through the capture pipeline, then mine and ground them."""
    from transforms.capture.browser import capture_pages
    from transforms.capture.opening import open_source
    from transforms.capture.records import to_tables
    from transforms.howto.mine import mine_howto

    rng, counts, examples = random.Random(seed), Counter(), []
    for i, run in enumerate(runs):
        with_ui = sorted({p["page"] for p in run["kept"] if p["ui_procedure"]})
        share = n // len(runs) + (i < n % len(runs))
        chosen = rng.sample(with_ui, min(share, len(with_ui)))
        others = sorted(set(run["pages"]) - set(chosen))  # other screens of the source, where there is room
        chosen = sorted(chosen + rng.sample(others, min(share - len(chosen), len(others))))
        if not chosen:
            continue
        source = Source(id=f"bench-{run['name']}", kind="html_dir", location=run["folder"], license="n/a")
        with open_source(source, chosen) as opened:
            results = capture_pages(
                opened.targets, CaptureParams(max_slices=2, page_timeout_s=20), opened.policy
            )
        tables = to_tables(source.id, results, opened.page_sha256)
        counts["pages"] += len(chosen)
        counts["captured"] += sum(r.status == "ok" for r in results)
        mined = mine_howto(tables["captures"], tables["screenshots"], tables["elements"], params)
        where = _element_pages(tables)
        for row in mined.howto.filter(ui_procedure=True).iter_rows(named=True):
            for step in (s for s in row["typed_steps"] if s["ui"]):
                counts["ui_steps"] += 1
                counts[step["grounding"]] += 1
                if step["grounding"] == "grounded" and len(examples) < 8:
                    role, label, page = where[step["element_id"]]
                    step_text = f"{run['name']}/{row['page_path']}: {step['text'][:70]!r}"
                    examples.append(f"{step_text} -> {role} {label!r} on {page}")
    return {"counts": counts, "examples": examples}


def _element_pages(tables: dict) -> dict[str, tuple[str, str, str]]:
    """element_id -> (role, visible text or name, page) of the captured elements."""
    joined = tables["elements"].join(tables["captures"].select("capture_id", "page_path"), on="capture_id")
    return {
        r["element_id"]: (r["role"], r["text"] or r["name"] or "", r["page_path"])
        for r in joined.select("element_id", "role", "text", "name", "page_path").iter_rows(named=True)
    }


def report_grounding(result: dict, checks: Checks) -> None:
    c = result["counts"]
    checks.require(c["captured"] > 0, f"pages captured for grounding: {c['captured']} of {c['pages']} > 0")
    named = c["grounded"] + c["absent"] + c["ambiguous"]
    print(
        f"grounding on {c['captured']} captured pages: {c['ui_steps']} UI steps, {named} name a target, "
        f"grounded {c['grounded']} ({_pct(c['grounded'], c['ui_steps'])} of UI steps), absent {c['absent']}, "
        f"ambiguous {c['ambiguous']}, no target {c['no_target']}"
    )
    for line in result["examples"]:
        print(f"  grounded: {line}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", action="append", default=[], help="NAME=FOLDER (repeat); default GIMP, LibreOffice"
    )
    parser.add_argument("--capture", type=int, default=30, help="pages to render and ground (0: none)")
    parser.add_argument("--checked", type=Path, default=CHECKED, help="the hand-checked sample (JSON)")
    parser.add_argument(
        "--draw-sample", type=Path, help="write a fresh sample of --sample-size to check by hand"
    )
    parser.add_argument("--sample-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    corpora = dict(c.split("=", 1) for c in args.corpus) if args.corpus else CORPORA
    params, checks = HowtoParams(), Checks()
    print("timings are wall-clock on this machine as it is (shared, under load)")
    runs = []
    for name, folder in corpora.items():
        folder = Path(folder)
        if checks.require(bool(pages_of(folder)), f"{name}: pages found in {folder}"):
            runs.append(mine_corpus(name, folder, params))
            checks.require(
                len(runs[-1]["kept"]) > 0, f"{name}: procedures found: {len(runs[-1]['kept'])} > 0"
            )
    if not runs:
        print("install the help with: apt-get install gimp-help-en libreoffice-help-en-us", file=sys.stderr)
        return checks.exit_code()
    report_mining(runs)
    kept = [p for r in runs for p in r["kept"]]
    if args.draw_sample:
        draw_sample(kept, args.sample_size, args.seed, args.draw_sample, load_checked(args.checked))
    ui = ui_steps(kept)
    parsed = sum(t.action != "other" for t in ui) / len(ui) if ui else 0.0
    checks.target(
        parsed >= 0.95,
        f"UI steps with a parsed action {100 * parsed:.1f} % >= 95 %",
        applies=bool(ui),
        size="corpora with UI steps",
    )
    checked = load_checked(args.checked)
    if checked:
        counts = judge(checked, kept)
        judged = counts["right"] + counts["wrong"]
        precision = counts["right"] / judged if judged else 0.0
        print(
            f"hand-checked: {len(checked)} procedures, right {counts['right']}, wrong {counts['wrong']}, "
            f"changed since checked {counts['changed']}"
        )
        checks.require(
            counts["changed"] <= len(checked) / 10, "hand-checked sample still extracted as it was checked"
        )
        checks.target(
            precision >= 0.9,
            f"precision {100 * precision:.1f} % fully right >= 90 %",
            applies=len(checked) >= 50,
            size="50 checked procedures",
        )
    if args.capture > 0:
        report_grounding(capture_and_ground(runs, args.capture, params, args.seed), checks)
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
