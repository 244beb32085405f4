"""How-to procedures of a real help replayed in their application: procedures attempted, replayed to the
end, steps grounded, and the hand check of replayed trajectories.

    .venv/bin/python bench/howto_replay.py [--app libreoffice|gimp] [--sample N] [--overlays DIR]
                                           [--run FILE] [--checked FILE]

The help is Debian's (apt-get install libreoffice-help-en-us gimp-help-en); LibreOffice's Writer guide
is replayed in Writer, GIMP's help in GIMP. Procedures are mined from the pages as annotate mines them
(transforms/howto); the UI procedures whose every step plans to a move (a menu path, a named control,
a key, a typed value: replay.plan) are attempted, every k-th of them up to --sample, in one session
(transforms/howto/replay_run.py). It prints, per procedure, its result; then the counts, the moves
whose target was found on its screen, and why procedures stopped. --overlays writes each replayed
trajectory as a strip of its screens with the target boxes drawn; --run keeps the run (pickle) so that
overlays and the check can be redone without the application. The hand check
(bench/data/howto_replay_checked.json: per trajectory, the target right on every screen and the moves
right for the step's words) gives the share right.

It FAILs when no procedure was attempted or none was replayed to its end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from schemas.config import DesktopApp, DesktopParams, HowtoParams  # noqa: E402
from transforms.capture.desktop.explore import Limits  # noqa: E402
from transforms.capture.desktop.run import run_app  # noqa: E402
from transforms.howto.filters import is_ui_procedure, rejection  # noqa: E402
from transforms.howto.html import mine_procedures  # noqa: E402
from transforms.howto.mine import step_struct  # noqa: E402
from transforms.howto.replay import plan  # noqa: E402
from transforms.howto.replay_run import PLAN  # noqa: E402
from transforms.howto.replayed import replay_records, replayed_trajectories  # noqa: E402
from transforms.howto.steps import parse_step  # noqa: E402

APPS = {
    "libreoffice": (
        Path("/usr/share/libreoffice/help/en-US/text/swriter/guide"),
        ["soffice", "--writer", "--norestore", "--nologo", "--nofirststartwizard"],
    ),
    "gimp": (Path("/usr/share/gimp/2.0/help/en"), ["gimp", "--no-splash", "--no-data", "--no-fonts"]),
}
CHECKED = ROOT / "bench" / "data" / "howto_replay_checked.json"


def procedures(folder: Path) -> tuple[list[dict], Counter]:
    """The UI procedures of every page under `folder` that plan to moves ({key, goal, page,
    typed_steps}), and counts: kept, ui, planned."""
    found, counts = [], Counter()
    params = HowtoParams()
    for page in sorted(folder.rglob("*.html")):
        for procedure in mine_procedures(page.read_text(errors="replace")):
            typed = [parse_step(r.text, r.marks) for r in procedure.steps]
            if rejection(procedure, typed, params) is not None:
                continue
            counts["kept"] += 1
            if not is_ui_procedure(typed, params):
                continue
            counts["ui"] += 1
            steps = [step_struct(r, t) for r, t in zip(procedure.steps, typed)]
            if plan(steps)[1] is not None:
                continue
            counts["planned"] += 1
            key = hashlib.sha256(f"{page.relative_to(folder)}\n{procedure.goal}".encode()).hexdigest()[:32]
            found.append({"key": key, "goal": procedure.goal, "page": str(page.relative_to(folder))})
            found[-1]["typed_steps"] = steps
    return found, counts


def strip(tables: dict, row: dict, path: Path) -> None:
    """The trajectory's screens side by side (halved), each with its step's target box drawn."""
    shots = dict(zip(tables["screenshots"]["screenshot_id"], tables["screenshots"]["png"]))
    frames = []
    for step in row["steps"]:
        import io

        image = Image.open(io.BytesIO(shots[step["screenshot_id"]])).convert("RGB")
        draw = ImageDraw.Draw(image)
        if step["x1"] is not None:
            draw.rectangle([step["x1"], step["y1"], step["x2"], step["y2"]], outline=(255, 0, 0), width=4)
        draw.text((10, image.height - 30), f"{step['step']}. {step['path_step']}"[:90], fill=(255, 0, 0))
        frames.append(image.resize((image.width // 2, image.height // 2)))
    canvas = Image.new("RGB", (sum(f.width for f in frames), frames[0].height), "white")
    x = 0
    for f in frames:
        canvas.paste(f, (x, 0))
        x += f.width
    canvas.save(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="libreoffice", choices=sorted(APPS))
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--overlays", type=Path)
    parser.add_argument("--run", type=Path, help="a pickled run: read when it exists, else written")
    parser.add_argument("--checked", type=Path, default=CHECKED)
    parser.add_argument("--budget", type=float, default=1200.0)
    args = parser.parse_args()
    checks = Checks()
    folder, command = APPS[args.app]
    if not folder.is_dir():
        print("install the help with: apt-get install libreoffice-help-en-us gimp-help-en", file=sys.stderr)
        return 2
    found, counts = procedures(folder)
    step = max(1, len(found) // max(1, args.sample))
    chosen = found[::step][: args.sample]
    print(
        f"{args.app}: {counts['kept']} procedures, {counts['ui']} UI, {counts['planned']} planned to moves;"
    )
    print(f"  attempting {len(chosen)} (every {step}th)")
    if args.run and args.run.exists():
        run, seconds = pickle.loads(args.run.read_bytes())
    else:
        params = DesktopParams(start_timeout_s=90, walk_timeout_s=30, settle_s=2, dialog_timeout_s=8)
        limits = Limits(
            max_states=10_000,
            start_timeout_s=params.start_timeout_s,
            walk_timeout_s=params.walk_timeout_s,
            settle_s=params.settle_s,
            dialog_timeout_s=params.dialog_timeout_s,
            budget_s=args.budget,
            phash_radius=None,
            max_tabs=0,
            max_startup=params.max_startup,
            item_wait_s=params.item_wait_s,
            max_items=0,
            max_pages=0,
            max_dropdowns=0,
        )
        t0 = time.monotonic()
        app = DesktopApp(name=args.app, command=command)
        files = []
        if args.app == "gimp":  # GIMP's image menus act on an open image: a plain one, opened at start
            image = Path(tempfile.mkdtemp(prefix="howto-replay-")) / "image.png"
            Image.new("RGB", (640, 400), (200, 220, 240)).save(image)
            files = [image]
        run = run_app(app, files, (1280, 800), limits, None, plan=(PLAN, chosen))
        seconds = time.monotonic() - t0
        if args.run:
            args.run.write_bytes(pickle.dumps((run, seconds)))
    tables, replays = replay_records("bench", run, "", chosen)
    out = replayed_trajectories("bench", replays, tables["screenshots"], tables["elements"])
    results = run.extra or []
    moves = sum(len(r["moves"]) for r in results)
    tried = moves + sum(1 for r in results if r["reason"] and r.get("at") is not None)
    for r in results:
        print(
            f"  {'REPLAYED' if r['reason'] is None else 'stopped '} {r['goal'][:60]!r}: {r['reason'] or ''}"[
                :200
            ]
        )
    replayed = out.trajectories
    grounded = sum(1 for row in replayed.iter_rows(named=True) for s in row["steps"] if s["element_id"])
    in_replayed = sum(row["n_steps"] for row in replayed.iter_rows(named=True))
    share = replayed.height / max(1, len(chosen))
    print(f"  {len(chosen)} attempted, {replayed.height} replayed to the end ({share:.0%})")
    found_share = moves / max(1, tried)
    print(f"  targets found and acted on: {moves} of {tried} looked for ({found_share:.0%})")
    print(f"  steps of replayed procedures grounded: {grounded}/{in_replayed} (a key has no target)")
    print(f"  {seconds:.0f} s for the run")
    why = Counter(r.split(": ", 2)[-1].split("'")[0][:50] for r in out.skipped["reason"].to_list())
    print("  why procedures stopped: " + "; ".join(f"{k} x{v}" for k, v in why.most_common(8)))
    if args.overlays:
        args.overlays.mkdir(parents=True, exist_ok=True)
        for k, row in enumerate(replayed.sort("goal").iter_rows(named=True)):
            strip(tables, row, args.overlays / f"{k:02d}.png")
        print(f"  overlays: {replayed.height} strips in {args.overlays}")
    if args.checked.exists():
        judged = json.loads(args.checked.read_text())
        known = {(r["goal"], tuple(r["path"])) for r in replayed.iter_rows(named=True)}
        mine = [j for j in judged if j["app"] == args.app and (j["goal"], tuple(j["path"])) in known]
        right = sum(1 for j in mine if j["target_right"] and j["step_right"])
        print(f"  hand check: {right}/{len(mine)} right (targets and moves), {len(judged)} judged in all")
    checks.require(len(chosen) > 0, "procedures attempted")
    checks.require(replayed.height > 0, "a procedure replayed to its end")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
