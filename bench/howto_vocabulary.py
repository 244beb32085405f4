"""The controls an application has, collected by walking it once: every menu, submenu and item, the dialogs
its items open, their tabs and settings pages (desktop exploration, transforms/capture/desktop/), kept as
bench/data/howto_vocabulary_<app>.json for bench/howto_replay.py's denominator (the UI procedures that
name only controls of the application: transforms/howto/vocabulary.py).

    .venv/bin/python bench/howto_vocabulary.py --app libreoffice|gimp [--budget S]

Writes the items of each menu the walk opened, the names in each dialog it opened (tabs merged) and the
names of the main window. --raw keeps the walked states, so that they can be collected again.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from howto_replay import APPS  # noqa: E402
from PIL import Image  # noqa: E402

from schemas.config import DesktopApp  # noqa: E402
from transforms.capture.desktop.explore import Limits  # noqa: E402
from transforms.capture.desktop.run import run_app  # noqa: E402
from transforms.howto.vocabulary import collect  # noqa: E402


def path_of(app: str) -> Path:
    return ROOT / "bench" / "data" / f"howto_vocabulary_{app}.json"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="libreoffice", choices=sorted(APPS))
    parser.add_argument("--budget", type=float, default=1500.0)
    parser.add_argument(
        "--raw", type=Path, help="the walked states (JSON): read when it exists, else written"
    )
    args = parser.parse_args()
    limits = Limits(
        max_states=5000,
        start_timeout_s=90,
        walk_timeout_s=30,
        settle_s=2,
        dialog_timeout_s=8,
        budget_s=args.budget,
        phash_radius=None,
        max_tabs=30,
        max_startup=4,
        item_wait_s=2,
        max_items=200,
        max_pages=60,
        max_dropdowns=0,
    )
    if args.raw and args.raw.exists():  # the walk kept: collected again without the application
        kept = json.loads(args.raw.read_text())
        walked, states, seconds = kept["walked"], kept["states"], kept["seconds"]
    else:
        files = []
        if args.app == "gimp":  # GIMP's image menus act on an open image
            image = Path(tempfile.mkdtemp(prefix="howto-vocabulary-")) / "image.png"
            Image.new("RGB", (640, 400), (200, 220, 240)).save(image)
            files = [image]
        t0 = time.monotonic()
        run = run_app(DesktopApp(name=args.app, command=APPS[args.app][1]), files, (1280, 800), limits, None)
        keep = ("role", "name", "text")
        walked = [
            (s.path, [{k: e.get(k) for k in keep} for e in s.elements])
            for s in run.states
            if s.status == "ok"
        ]
        states, seconds = len(run.states), round(time.monotonic() - t0)
        if args.raw:
            args.raw.write_text(json.dumps({"states": states, "seconds": seconds, "walked": walked}))
    found = collect(walked)
    out = {"app": args.app, "states": states, "seconds": seconds} | found
    path_of(args.app).write_text(json.dumps(out, indent=0, ensure_ascii=False) + "\n")
    print(
        f"{args.app}: {states} states in {seconds} s: {len(found['menus'])} menus and {len(found['dialogs'])}"
    )
    print(f"  dialogs opened, {len(found['main'])} names in the main window -> {path_of(args.app)}")
    return 0 if found["menus"] else 1


if __name__ == "__main__":
    sys.exit(main())
