"""The desktop hand check's states and their overlays (issue 22, Done when: 5 states per application):

    .venv/bin/python bench/desktop_overlays.py FOLDER [--full /tmp/overlays] [--docs docs/overlays]
        [--judgements bench/data/desktop_handcheck.json] [--per-app 5] [--apps NAME,...]

FOLDER is a project kept by `bench/desktop.py --keep`. Of each application with states, 5 are picked
the same way every time: the start, the first dialog (a window title other than the start's), the
first open menu, then states spread evenly over the rest in the order they were captured. Each is
drawn: published elements' boxes green with their name (see-through, at the box's right end),
elements excluded as covered red, the state's action path, title and counts in a caption under it.
Full-size overlays go to --full (to look at), small optimised copies to --docs. The picked states are
added to the judgements file (judgements already in it are kept) for bench/desktop_handcheck.py.
With --apps, only those applications are drawn and replaced in the judgements file; the other
applications' states there (judged on an earlier run) stay as they are.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.publish.summary import open_catalog  # noqa: E402

PUBLISHED, COVERED, CAPTION = (0, 170, 60), (225, 30, 30), 22
DOCS_SCALE = 0.6
STATES = """
select c.capture_id, c.app, c.page_path, c.title, c.action_path, s.screenshot_id, t.started_at
from captures c join screenshots s using (capture_id) left join capture_timings t using (capture_id)
where c.status = 'ok' and c.app is not null order by c.app, t.started_at, c.page_path
"""


def pick(states: list[dict], n: int = 5) -> list[dict]:
    """`n` of one application's states (in capture order): the start, the first dialog, the first open
    menu, then the rest spread evenly."""
    if len(states) <= n:
        return states
    start = states[0]
    dialog = next((s for s in states if s["title"] and s["title"] != start["title"]), None)
    menu = next((s for s in states if (s["action_path"] or [""])[-1].startswith("menu:")), None)
    chosen = [start] + [s for s in (dialog, menu) if s is not None and s is not start]
    rest = [s for s in states if all(s is not c for c in chosen)]
    wanted = n - len(chosen)
    step = len(rest) / wanted
    chosen += [rest[int(i * step + step / 2)] for i in range(wanted)]
    return sorted(chosen, key=states.index)


def draw(png: bytes, published: list[tuple], covered: list[tuple], caption: str):
    """The screenshot with the boxes and their names, and the caption in a strip under it."""
    from PIL import Image, ImageDraw

    shot = Image.open(io.BytesIO(png)).convert("RGBA")
    marks = Image.new("RGBA", shot.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(marks)
    for boxes, colour in ((covered, COVERED), (published, PUBLISHED)):
        for x1, y1, x2, y2, name in boxes:
            pen.rectangle((x1, y1, max(x1, x2 - 1), max(y1, y2 - 1)), outline=(*colour, 255), width=1)
            if name:  # at the box's right end, see-through: the drawn text at its left stays readable
                label = name.strip().replace("\n", " ")[:24]
                width = pen.textlength(label)
                left = max(x1, x2 - width - 3)
                pen.rectangle((left, y1, left + width + 2, y1 + 10), fill=(*colour, 150))
                pen.text((left + 1, y1 - 1), label, fill=(255, 255, 255, 255))
    image = Image.new("RGB", (shot.width, shot.height + CAPTION), "white")
    image.paste(Image.alpha_composite(shot, marks).convert("RGB"), (0, 0))
    pen = ImageDraw.Draw(image)
    pen.text((4, shot.height + 5), caption[:220], fill="black")
    return image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--full", type=Path, default=Path("/tmp/desktop-overlays"))
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "overlays")
    parser.add_argument("--judgements", type=Path, default=ROOT / "bench" / "data" / "desktop_handcheck.json")
    parser.add_argument("--per-app", type=int, default=5)
    parser.add_argument("--apps", help="only these applications (a,b); the others' judged states are kept")
    args = parser.parse_args()
    con = open_catalog(args.folder / "data" / "catalog.duckdb", args.folder)
    cursor = con.execute(STATES)
    columns = [d[0] for d in cursor.description]
    by_app: dict[str, list[dict]] = {}
    for row in cursor.fetchall():
        state = dict(zip(columns, row))
        by_app.setdefault(state["app"], []).append(state)
    if args.apps:
        wanted = set(args.apps.split(","))
        for app in sorted(wanted - set(by_app)):
            print(f"{app}: no state in {args.folder} (nothing to draw; its earlier judgements are dropped)")
        by_app = {app: states for app, states in by_app.items() if app in wanted}
    old = json.loads(args.judgements.read_text()) if args.judgements.exists() else {"states": []}
    kept = {j["capture_id"]: j for j in old["states"]}
    judged = [j for j in old["states"] if args.apps and j["app"] not in wanted]
    args.full.mkdir(parents=True, exist_ok=True)
    args.docs.mkdir(parents=True, exist_ok=True)
    for app, states in sorted(by_app.items()):
        for number, state in enumerate(pick(states, args.per_app)):
            sid = state["screenshot_id"]
            png = con.execute("select png from screenshots where screenshot_id = ?", [sid]).fetchone()[0]
            published = con.execute(
                "select x1, y1, x2, y2, name from elements where screenshot_id = ? order by element_index",
                [sid],
            ).fetchall()
            covered = con.execute(
                "select x1, y1, x2, y2, name from excluded_elements where screenshot_id = ? "
                "and reason = 'covered' and x1 is not null",
                [sid],
            ).fetchall()
            path = " > ".join(state["action_path"] or []) or "start"
            caption = (
                f"{app} | {path} | title: {state['title']} | {len(published)} published (green), "
                f"{len(covered)} covered (red)"
            )
            image = draw(png, published, covered, caption)
            name = f"desktop-check-{app}-{number + 1}.png"
            image.save(args.full / name)
            small = image.resize((int(image.width * DOCS_SCALE), int(image.height * DOCS_SCALE)))
            small.quantize(48).save(args.docs / name, optimize=True)
            entry = {
                "app": app,
                "capture_id": state["capture_id"],
                "action_path": state["action_path"] or [],
                "title": state["title"],
                "overlay": f"docs/overlays/{name}",
                "run": str(args.folder),
                "phantom": None,
                "covered": None,
                "mislabelled": None,
                "note": "",
            }
            old_entry = kept.get(state["capture_id"], {})
            judged.append(
                entry
                | {k: old_entry[k] for k in ("phantom", "covered", "mislabelled", "note") if k in old_entry}
            )
            print(f"{args.full / name}  {path}")
    con.close()
    args.judgements.parent.mkdir(parents=True, exist_ok=True)
    judged.sort(key=lambda j: j["app"])  # stable: each application's states stay in capture order
    runs = sorted({j.get("run", old.get("run", "")) for j in judged})
    args.judgements.write_text(json.dumps({"runs": runs, "states": judged}, indent=1) + "\n")
    print(f"{len(judged)} states in {args.judgements}")
    return 0 if judged else 1


if __name__ == "__main__":
    sys.exit(main())
