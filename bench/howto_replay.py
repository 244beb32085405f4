"""How-to procedures of a real help replayed in their application: the denominator, procedures replayed
to the end, steps grounded, why the others stopped, and the hand check of replayed trajectories.

    .venv/bin/python bench/howto_replay.py [--app libreoffice|gimp] [--sample N] [--overlays DIR]
                                           [--run FILE] [--checked FILE]

The help is Debian's (apt-get install libreoffice-help-en-us gimp-help-en); LibreOffice's Writer guide
and its shared guide (what every module has: Options, AutoCorrect, printing) are replayed in Writer,
GIMP's help in GIMP. Procedures are mined from the pages as annotate mines them
(transforms/howto). The denominator is the UI procedures that name only controls of the application:
every step plans to a move (a menu path, a named control, a key, a typed value: replay.plan; a step
acting on what the document holds, a drag, a key held for a click are not controls) and every target
is one the application has (vocabulary.foreign, against bench/data/howto_vocabulary_<app>.json: the
application walked once by bench/howto_vocabulary.py); the others are counted apart, per reason. Those
in it are attempted (every k-th up to --sample) in one session (transforms/howto/replay_run.py). It
prints, per procedure, its result; then the counts, the steps grounded, and a table of why procedures
stopped. --overlays writes each replayed trajectory as a strip (one frame per step: the screen
downscaled, the target box, the step's words); --run keeps the run (pickle) so that overlays and the
check can be redone without the application. The hand check (bench/data/howto_replay_checked.json: per
trajectory, the target right on every screen and the moves right for the step's words) gives the share
right.

It FAILs when no procedure was attempted, none was replayed to its end or none of them was judged; MISS
when under half the denominator replayed, 90 % of the steps grounded, or 90 % right in the check.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import pickle
import re
import sys
import tempfile
import textwrap
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
from transforms.howto.vocabulary import foreign  # noqa: E402

HELP = Path("/usr/share/libreoffice/help/en-US/text")
# Per application: its help (the folders under `root` whose pages are mined) and its command. LibreOffice:
# Writer's guide and the shared guide (the help of what every module has: Options, AutoCorrect, printing).
APPS = {
    "libreoffice": (
        (HELP, ["swriter/guide", "shared/guide"]),
        ["soffice", "--writer", "--norestore", "--nologo", "--nofirststartwizard"],
    ),
    "gimp": ((Path("/usr/share/gimp/2.0/help"), ["en"]), ["gimp", "--no-splash", "--no-data", "--no-fonts"]),
}
CHECKED = ROOT / "bench" / "data" / "howto_replay_checked.json"


def procedures(help: tuple[Path, list[str]], vocabulary: dict | None) -> tuple[list[dict], Counter, Counter]:
    """The UI procedures of every page of the help (a root, its folders) that name only controls of the
    application
    ({key, goal, page, typed_steps}): every step plans to a move (a menu path, a named control, a key, a
    typed value: replay.plan) and every target is one the application has (vocabulary.foreign; all when
    `vocabulary` is None). Counts (kept, ui, planned, in the denominator) and why the others are out."""
    found, counts, out = [], Counter(), Counter()
    params = HowtoParams()
    root, folders = help
    for page in sorted(p for f in folders for p in (root / f).rglob("*.html")):
        for procedure in mine_procedures(page.read_text(errors="replace")):
            typed = [parse_step(r.text, r.marks) for r in procedure.steps]
            if rejection(procedure, typed, params) is not None:
                continue
            counts["kept"] += 1
            if not is_ui_procedure(typed, params):
                continue
            counts["ui"] += 1
            steps = [step_struct(r, t) for r, t in zip(procedure.steps, typed)]
            moves, why = plan(steps)
            if why is not None:
                out[f"not only controls: {reason_kind(why)}"] += 1
                continue
            counts["planned"] += 1
            lacks = foreign(moves, vocabulary) if vocabulary is not None else None
            if lacks is not None:
                out[f"names what the application lacks: {reason_kind(lacks)}"] += 1
                continue
            counts["denominator"] += 1
            key = hashlib.sha256(f"{page.relative_to(root)}\n{procedure.goal}".encode()).hexdigest()[:32]
            found.append({"key": key, "goal": procedure.goal, "page": str(page.relative_to(root))})
            found[-1]["typed_steps"] = steps
    return found, counts, out


def reason_kind(reason: str) -> str:
    """A reason without its labels and step: what the per-reason table counts."""
    text = re.sub(r"^(step \d+: )?((menu|item|r?click|type|key):[^:]*: )?", "", reason)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "X", text)
    return re.sub(r"\d+", "N", text)[:70]


def strip(tables: dict, row: dict, path: Path, scale: float = 0.4) -> None:
    """One frame per step, side by side: its screen downscaled, the target box drawn, the step's
    number, move and words under it."""
    shots = dict(zip(tables["screenshots"]["screenshot_id"], tables["screenshots"]["png"]))
    frames = []
    for step in row["steps"]:
        image = Image.open(io.BytesIO(shots[step["screenshot_id"]])).convert("RGB")
        draw = ImageDraw.Draw(image)
        if step["x1"] is not None:
            draw.rectangle([step["x1"], step["y1"], step["x2"], step["y2"]], outline=(255, 0, 0), width=5)
        small = image.resize((int(image.width * scale), int(image.height * scale)))
        frame = Image.new("RGB", (small.width, small.height + 64), "white")
        frame.paste(small, (0, 0))
        draw = ImageDraw.Draw(frame)
        lines = textwrap.wrap(f"{step['step']}. {step['path_step']} | {step['words']}", 80)[:4]
        for k, line in enumerate(lines):
            draw.text((4, small.height + 2 + 15 * k), line, fill=(0, 0, 0))
        frames.append(frame)
    canvas = Image.new("RGB", (sum(f.width + 4 for f in frames), frames[0].height + 20), "white")
    ImageDraw.Draw(canvas).text((4, 2), row["goal"][:150], fill=(0, 0, 160))
    x = 0
    for f in frames:
        canvas.paste(f, (x, 20))
        x += f.width + 4
    canvas.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="libreoffice", choices=sorted(APPS))
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--overlays", type=Path)
    parser.add_argument("--run", type=Path, help="a pickled run: read when it exists, else written")
    parser.add_argument("--checked", type=Path, default=CHECKED)
    parser.add_argument("--budget", type=float, default=1200.0)
    args = parser.parse_args()
    checks = Checks()
    help, command = APPS[args.app]
    if not all((help[0] / f).is_dir() for f in help[1]):
        print("install the help with: apt-get install libreoffice-help-en-us gimp-help-en", file=sys.stderr)
        return 2
    vocabulary_file = ROOT / "bench" / "data" / f"howto_vocabulary_{args.app}.json"
    if not vocabulary_file.exists():
        print(
            f"{vocabulary_file}: missing; walk the application first: bench/howto_vocabulary.py",
            file=sys.stderr,
        )
        return 2
    vocabulary = json.loads(vocabulary_file.read_text())
    found, counts, out_of_it = procedures(help, vocabulary)
    step = max(1, len(found) // max(1, args.sample))
    chosen = found[::step][: args.sample]
    print(
        f"{args.app}: {counts['kept']} procedures found, {counts['ui']} UI procedures, "
        f"{counts['planned']} name"
    )
    print(f"  only controls, {counts['denominator']} of them controls the application has (the denominator;")
    print(
        f"  its walk: {vocabulary['states']} states, {len(vocabulary['menus'])} menus, "
        f"{len(vocabulary['dialogs'])} dialogs)"
    )
    for why, n in out_of_it.most_common():
        print(f"    {n:4d}  out: {why}")
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
            max_tabs=0,  # the replay opens what its steps name: no exploration
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
    steps = [st for row in replayed.iter_rows(named=True) for st in row["steps"]]
    targeted = [st for st in steps if st["target"] is not None]  # a key, a value typed at the focus: none
    grounded = sum(1 for st in targeted if st["element_id"])
    share = replayed.height / max(1, len(chosen))
    print(f"  {len(chosen)} attempted, {replayed.height} replayed to the end ({share:.0%})")
    print(f"  targets found and acted on: {moves} of {tried} looked for ({moves / max(1, tried):.0%})")
    print(
        f"  steps of replayed procedures grounded: {grounded}/{len(targeted)} that name a target "
        f"({grounded / max(1, len(targeted)):.0%}); "
        f"{len(steps) - len(targeted)} keys or values typed at the focus"
    )
    print(f"  {seconds:.0f} s for the run")
    why = Counter(reason_kind(r["reason"]) for r in results if r["reason"])
    print("  why procedures stopped:")
    for k, v in why.most_common():
        print(f"    {v:4d}  {k}")
    if args.overlays:
        args.overlays.mkdir(parents=True, exist_ok=True)
        for k, row in enumerate(replayed.sort("goal").iter_rows(named=True)):
            strip(tables, row, args.overlays / f"{k:02d}.png")
            print(f"    {k:02d}.png  {row['goal'][:60]!r} {row['path']}")
        print(f"  overlays: {replayed.height} strips in {args.overlays}")
    judged = json.loads(args.checked.read_text()) if args.checked.exists() else []
    known = {(r["goal"], tuple(r["path"])) for r in replayed.iter_rows(named=True)}
    mine = [j for j in judged if j["app"] == args.app and (j["goal"], tuple(j["path"])) in known]
    right = sum(1 for j in mine if j["target_right"] and j["step_right"])
    targets = sum(1 for j in mine if j["target_right"])
    print(f"  hand check of this run's trajectories: {right}/{len(mine)} right (target and step),")
    print(f"  {targets}/{len(mine)} with every target right; {len(judged)} judged in all, both applications")
    checks.require(len(chosen) > 0, "procedures attempted")
    checks.require(replayed.height > 0, "a procedure replayed to its end")
    checks.require(len(mine) > 0, "replayed trajectories judged by hand")
    checks.target(share >= 0.5, "half the denominator replayed to the end")
    checks.target(grounded >= 0.9 * len(targeted), "90 % of the steps of replayed procedures grounded")
    checks.target(right >= 0.9 * len(mine), "90 % right in the hand check")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
