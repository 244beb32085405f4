"""Prose procedures on real manuals no test uses: procedures found by method, and the hand check.

    .venv/bin/python bench/howto_prose.py [--corpus NAME=FOLDER ...]

Corpora default to jEdit's documentation (user guide, FAQ, tips), Qalculate's GTK manual and Geany's
manual as Debian installs them (apt-get install jedit qalculate-gtk geany). Every .html file is a page,
mined as annotate mines it (without grounding). The hand check (bench/data/howto_prose_checked.json: each
prose procedure of the corpora, judged right when its goal is a task and its steps are that task's steps
in order) gives the precision (target >= 90 %); a prose procedure not in it, or no longer extracted with
the same steps, counts as unchecked, and more than a tenth unchecked FAILs (judge them and add them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402

from schemas.config import HowtoParams  # noqa: E402
from transforms.howto.filters import rejection  # noqa: E402
from transforms.howto.html import mine_procedures  # noqa: E402
from transforms.howto.steps import parse_step  # noqa: E402

CORPORA = {
    "jedit": Path("/usr/share/doc/jedit"),
    "qalculate": Path("/usr/share/doc/qalculate-gtk/html"),
    "geany": Path("/usr/share/doc/geany/html"),
}
CHECKED = ROOT / "bench" / "data" / "howto_prose_checked.json"


def mine(name: str, folder: Path, params: HowtoParams) -> tuple[int, Counter, list[dict]]:
    """(pages, procedures kept by method, the prose ones) of one corpus."""
    pages = sorted(folder.rglob("*.html")) if folder.is_dir() else []
    methods, prose = Counter(), []
    for page in pages:
        for p in mine_procedures(page.read_text(encoding="utf-8", errors="replace")):
            if rejection(p, [parse_step(s.text, s.marks) for s in p.steps], params):
                continue
            methods[p.method] += 1
            if p.method == "prose":
                rel = str(page.relative_to(folder))
                prose.append({"corpus": name, "page": rel, "goal": p.goal, "steps": p.texts})
    return len(pages), methods, prose


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", default=[], help="NAME=FOLDER (repeatable)")
    args = parser.parse_args()
    corpora = dict(c.split("=", 1) for c in args.corpus) or CORPORA
    checks, found = Checks(), []
    for name, folder in corpora.items():
        pages, methods, prose = mine(name, Path(folder), HowtoParams())
        checks.require(pages > 0, f"{name}: pages under {folder}")
        print(f"{name}: {pages} pages, procedures by method {dict(methods)}")
        found += prose

    def key(p: dict) -> tuple:
        return p["corpus"], p["page"], p["goal"], tuple(p["steps"])

    checked = {key(c): c for c in json.loads(CHECKED.read_text())}
    judged = [checked.get(key(p)) for p in found]
    right = sum(bool(j and j["right"]) for j in judged)
    unchecked = sum(j is None for j in judged)
    print(f"prose procedures: {len(found)}; hand check: {right} right of {len(found) - unchecked} judged")
    checks.require(bool(found), "prose procedures found")
    checks.require(unchecked <= len(found) / 10, f"{unchecked} prose procedures unchecked (<= a tenth)")
    checks.target(right >= 0.9 * max(1, len(found) - unchecked), "precision by hand >= 90 %")
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
