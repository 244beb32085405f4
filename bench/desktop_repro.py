"""Two identical desktop runs give the same bytes (issue 22, Done when): the capture stage run twice on one
project's desktop source, as a daily rerun does, and every state's screenshot compared.

    .venv/bin/python bench/desktop_repro.py [--apps writer,featherpad,...] [--max-states 12] [--keep DIR]

With --keep, the two screenshots of every state that differs are written to DIR/differ.

The project is bench/desktop.py's (the same applications, files and params), in one folder for both
runs, so the sessions' folder is the same (run.session_scope: a path drawn in a title bar is the
project's own). Prints per application the states of each run, the states both reached (by action path)
and how many of those have byte-identical screenshots; then the states that differ. FAILs when no state
was compared; MISSes when a state of one run is not in the other or its bytes differ.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from desktop import chosen, project  # noqa: E402

from schemas.config import load_params, load_sources  # noqa: E402
from transforms.capture.stage import desktop_stage  # noqa: E402

PNGS: dict[str, bytes] = {}  # screenshot id -> PNG, to say where two states' bytes differ
MESSAGES: dict[tuple[str, str], str] = {}  # (app, action path) -> the state's message, the last run's


def states(folder: Path) -> dict[tuple[str, str], str]:
    """(app, action path) -> screenshot id of one capture-stage run of the project's desktop source."""
    params = load_params(folder / "params.yaml").capture
    source = next(s for s in load_sources(folder / "sources.yaml") if s.kind == "desktop")
    tables = desktop_stage(source, params).tables
    shots = dict(zip(tables["screenshots"]["capture_id"], tables["screenshots"]["screenshot_id"]))
    PNGS.update(zip(tables["screenshots"]["screenshot_id"], tables["screenshots"]["png"]))
    ok = tables["captures"].filter(tables["captures"]["status"] == "ok")
    MESSAGES.update(
        ((app, " > ".join(path)), message)
        for app, path, message in zip(ok["app"], ok["action_path"], ok["message"])
    )
    return {
        (app, " > ".join(path)): shots[cid]
        for app, path, cid in zip(ok["app"], ok["action_path"], ok["capture_id"])
    }


def where(one: str, other: str) -> str:
    """The box (x1, y1, x2, y2) of the pixels that differ between two screenshots, or their sizes."""
    from PIL import Image, ImageChops

    a, b = (Image.open(io.BytesIO(PNGS[s])).convert("RGB") for s in (one, other))
    if a.size != b.size:
        return f"sizes {a.size} and {b.size}"
    return str(ImageChops.difference(a, b).getbbox())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default="writer,featherpad,geany,jedit,lximage-qt,hexchat")
    parser.add_argument("--max-states", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="the project's folder (default: a temporary one)")
    args = parser.parse_args()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="desktop-repro-") as tmp:
        folder = args.keep or Path(tmp)
        project(folder, chosen(args.apps), args.max_states)
        first, second = states(folder), states(folder)
    per = defaultdict(lambda: [0, 0, 0, 0])  # first, second, both, identical
    for key in first.keys() | second.keys():
        row = per[key[0]]
        row[0] += key in first
        row[1] += key in second
        row[2] += key in first and key in second
        row[3] += first.get(key) is not None and first.get(key) == second.get(key)
    print(f"{'app':<18}{'run 1':>6}{'run 2':>6}{'both':>6}{'same bytes':>11}")
    for app, (a, b, both, same) in sorted(per.items()):
        print(f"{app:<18}{a:>6}{b:>6}{both:>6}{same:>11}")
    differ = sorted(k for k in first.keys() & second.keys() if first[k] != second[k])
    alone = sorted(first.keys() ^ second.keys())
    for n, (app, path) in enumerate(differ):
        print(f"  differ: {app}: {path}: pixels differ in {where(first[app, path], second[app, path])}")
        if args.keep:  # both screenshots, to look at
            (args.keep / "differ").mkdir(exist_ok=True)
            for run, shot in (("1", first[app, path]), ("2", second[app, path])):
                (args.keep / "differ" / f"{app}-{n}-run{run}.png").write_bytes(PNGS[shot])
    for app, path in alone:
        print(f"  in one run only: {app}: {path} ({MESSAGES.get((app, path)) or 'no message'})")
    compared = sum(row[2] for row in per.values())
    checks.require(compared > 0, f"states compared: {compared} > 0")
    checks.target(not alone, f"every state in both runs ({len(alone)} in one only)")
    checks.target(not differ, f"every state byte-identical ({len(differ)} differ of {compared})")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
