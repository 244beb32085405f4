"""Desktop capture: one `groundmill run` over real applications of several toolkits, in one command.

    .venv/bin/python bench/desktop.py [--apps all|small|NAME,...] [--max-states N] [--overlays DIR]
        [--keep DIR]

`all` (default): 17 applications of 8 toolkits: mousepad, galculator, geany, gucharmap and pluma (GTK3),
gnome-calculator and gnome-text-editor (GTK4), GIMP and HexChat (GTK2), featherpad, lximage-qt and
qterminal (Qt5), qt6ct (Qt6), LibreOffice Writer and Calc (VCL), Poedit (wxWidgets) and jEdit (Java Swing)
(install them with GROUNDMILL_DESKTOP_BENCH=1 bash scripts/bootstrap); `small`: mousepad and featherpad;
names (`calc,qterminal`): those of `all`.
Each application is explored in its own headless session by the desktop source kind; the run goes on
through annotation, curation and publishing.

Prints, per application: states captured, elements per state, seconds per state, the peak memory of its
session's processes (MiB, from the run log), failures, and the OCR alignment figure (of the elements that
show their name as text, those whose own crop OCR reads as the name; icon-only controls counted apart, in
`icons`), and the grounding rows that quote a name OCR does not find on their screenshot (`undrawn`,
bench/desktop_labels.py); the run's wall time and
peak memory (groundmill and every session process, sampled every 0.5 s); and the states against a
baseline measured in the same run: the first window only, one state per application, which is what a
screenshot-per-app capture gives. Exits 1 (FAIL) when no state was captured, a state has no grounding
row, or a session process survived; (MISS) when, at full size, fewer than 150 states, more than 20
minutes, fewer than 5 applications or 3 toolkits, or an application under the 0.9 alignment figure.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from desktop_labels import undrawn_per_app  # noqa: E402

from transforms.capture.desktop.session import MARKER  # noqa: E402

TEXT = "groundmill desktop benchmark\nA sample document with a few lines of text.\n"
APPS = {
    "small": [
        "- {name: mousepad, command: mousepad, files: [notes.txt]}",
        "- {name: featherpad, command: featherpad, files: [notes.txt]}",
    ],
    # 17 applications of 8 toolkits (Debian 12 packages; Debian has no Electron application).
    "all": [
        "- {name: mousepad, command: mousepad, files: [notes.txt]}",  # GTK3
        "- {name: galculator, command: galculator}",
        "- {name: geany, command: geany, files: [notes.txt]}",
        "- {name: gucharmap, command: gucharmap}",
        "- {name: pluma, command: pluma, files: [notes.txt]}",
        "- {name: gnome-calculator, command: gnome-calculator}",  # GTK4
        "- {name: gnome-text-editor, command: gnome-text-editor, files: [notes.txt]}",
        "- {name: gimp, command: [gimp, --no-splash], files: [picture.png]}",  # GTK2
        "- {name: hexchat, command: hexchat}",
        "- {name: featherpad, command: featherpad, files: [notes.txt]}",  # Qt5
        "- {name: lximage-qt, command: lximage-qt, files: [picture.png]}",
        "- {name: qterminal, command: qterminal}",
        "- {name: qt6ct, command: qt6ct}",  # Qt6
        "- {name: writer, command: [libreoffice, --writer, --norestore, --nologo]}",  # LibreOffice VCL
        "- {name: calc, command: [libreoffice, --calc, --norestore, --nologo]}",
        "- {name: poedit, command: poedit}",  # wxWidgets (on GTK3)
        "- {name: jedit, command: [jedit, -nosplash], files: [notes.txt]}",  # Java Swing (ATK bridge)
    ],
}
TARGET_STATES, TARGET_MINUTES, TARGET_ALIGN = 150, 20.0, 0.9


def chosen(apps: str) -> list[str]:
    """The source entries of `--apps`: a set's name, or names of applications of the `all` set, or
    NAME=COMMAND for an application outside it (started with the sample document when it takes files:
    COMMAND ending in ` FILE`)."""
    if apps in APPS:
        return APPS[apps]
    names = apps.split(",")
    entries = {re.search(r"name: ([\w-]+)", e).group(1): e for e in APPS["all"]}
    for name, command in (n.split("=", 1) for n in names if "=" in n):
        argv = command.removesuffix(" FILE").split()
        files = ", files: [notes.txt]" if command.endswith(" FILE") else ""
        entries[f"{name}={command}"] = f"- {{name: {name}, command: [{', '.join(argv)}]{files}}}"
    unknown = [n for n in names if n not in entries]
    if unknown:
        raise SystemExit(f"--apps: {', '.join(unknown)} not among {', '.join(entries)} (or all, small)")
    return [entries[n] for n in names]


def sessions_home(folder: Path) -> bytes:
    """`HOME=` of the desktop sessions of the project in `folder`: under its source's own folder of the
    sessions' folder (run.session_scope)."""
    from schemas.config import parse_source
    from transforms.capture.desktop.run import session_scope

    app = {"name": "app", "command": "app"}
    source = parse_source(
        {"id": "desktop", "kind": "desktop", "location": "data/sources/desktop", "apps": [app]}, folder
    )
    return f"HOME={tempfile.gettempdir()}/groundmill-desktop/{session_scope(source)}/".encode()


def session_pids(ours: bytes) -> dict[int, str]:
    """Processes of one project's desktop sessions with their command: those with a session's marker and
    HOME `ours` (sessions_home), so another project's captures on the machine are neither counted in its
    memory nor taken as left behind."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            if MARKER.encode() in environ and ours in environ:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
        except (OSError, IndexError):
            continue
    return found


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


def tree_pids(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {root}, True
    while grew:
        new = {p for p, parent in parents.items() if parent in family} - family
        family |= new
        grew = bool(new)
    return list(family)


def project(folder: Path, apps: list[str], max_states: int) -> None:
    from PIL import Image, ImageDraw

    source = folder / "data" / "sources" / "desktop"
    source.mkdir(parents=True)
    (source / "notes.txt").write_text(TEXT)
    image = Image.new("RGB", (640, 400), "white")
    ImageDraw.Draw(image).ellipse((120, 80, 520, 320), fill=(37, 99, 235))
    image.save(source / "picture.png")
    params = (ROOT / "params.yaml").read_text()  # a busy machine starts the Prefect server slowly
    (folder / "params.yaml").write_text(
        re.sub(r"server_start_timeout_s: \d+", "server_start_timeout_s: 600", params)
    )
    entries = "\n".join("      " + a for a in apps)
    (folder / "sources.yaml").write_text(
        "sources:\n  - id: desktop\n    kind: desktop\n    location: data/sources/desktop\n"
        f"    license: CC0-1.0\n    max_states: {max_states}\n    apps:\n{entries}\n"
    )


def run(folder: Path, home: bytes) -> tuple[subprocess.CompletedProcess, float, float]:
    """`groundmill run` in the project: (the process, seconds, peak RSS in MiB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GROUNDMILL_"))}
    env |= {"PREFECT_HOME": str(folder / ".prefect"), "GROUNDMILL_PROGRESS": "off"}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"  # a busy machine starts it slowly
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    t0, peak = time.monotonic(), [0.0]
    proc = subprocess.Popen(
        ["groundmill", "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], rss_mb(set(tree_pids(proc.pid)) | set(session_pids(home))))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    sampler.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, ""), time.monotonic() - t0, peak[0]


PER_APP = """
with states as (
  select c.app, any_value(c.toolkit) as toolkit, count(*) filter (where c.status = 'ok') as states,
         count(*) filter (where c.status <> 'ok') as failures,
         string_agg(distinct c.status, ',') filter (where c.status <> 'ok') as how,
         sum(c.n_elements) filter (where c.status = 'ok') as elements,
         count(distinct c.title) filter (where c.status = 'ok') - 1 as dialogs,  -- windows past the first
         epoch(max(t.started_at) - min(t.started_at)) as span,
         sum(c.ocr_text_boxes) as checked, sum(c.ocr_matched) as found, sum(c.ocr_icon_only) as icons,
         max(t.peak_rss_mb) as peak_mb  -- start times and the session's memory: the run log
  from captures c left join capture_timings t using (capture_id) group by 1
)
select * from states order by app
"""
UNGROUNDED = """
select c.app, c.page_path from captures c join screenshots s using (capture_id)
where c.status = 'ok' and not exists (select 1 from grounding g where g.screenshot_id = s.screenshot_id)
"""


OVERLAY_APPS = ("featherpad", "gimp", "writer", "gnome-text-editor", "qt6ct", "poedit", "jedit")


def overlays(con, folder: Path, apps: int = 3, states: int = 5) -> list[Path]:
    """`states` screenshots of each of `apps` applications (those of OVERLAY_APPS first, then the rest)
    with every element's box drawn: blue where its name is drawn as text (quoted in labels), orange
    where an interactive element's name is not drawn (an icon: never quoted), grey for the rest. Saved
    as small palette PNGs."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    picks = con.execute(
        "select c.app, s.screenshot_id, s.png, c.page_path from captures c "
        "join screenshots s using (capture_id) where c.status = 'ok' "
        "order by c.app, len(c.action_path) desc, c.n_elements desc, c.page_path"
    ).fetchall()
    by_app: dict[str, list] = {}
    for pick in picks:
        by_app.setdefault(pick[0], []).append(pick)
    order = sorted(
        by_app, key=lambda a: (a not in OVERLAY_APPS, OVERLAY_APPS.index(a) if a in OVERLAY_APPS else 0, a)
    )
    saved = []
    for app in order[:apps]:
        for _, sid, png, path in by_app[app][:states]:
            image = Image.open(io.BytesIO(png)).convert("RGB")
            draw = ImageDraw.Draw(image)
            for x1, y1, x2, y2, interactive, text, name in con.execute(
                "select x1, y1, x2, y2, interactive, text, name from elements where screenshot_id = ?", [sid]
            ).fetchall():
                colour = (0, 90, 230) if text else (240, 120, 0) if interactive and name else (150, 150, 150)
                draw.rectangle((x1, y1, x2 - 1, y2 - 1), outline=colour, width=2)
            step = path.split("/", 1)[1] if "/" in path else "start"
            name = folder / f"desktop-{app}-{step.replace('/', '_').replace(':', '-')[:50]}.png"
            image.quantize(64).save(name, optimize=True)
            saved.append(name)
    return saved


def report(folder: Path, seconds: float, peak: float, args, checks: Checks) -> None:
    from transforms.publish.summary import open_catalog

    con = open_catalog(folder / "data" / "catalog.duckdb", folder)
    rows = con.execute(PER_APP).fetchall()
    print(
        f"\n{'app':<18}{'toolkit':<14}{'states':>7}{'dialogs':>8}{'el/state':>9}{'s/state':>8}{'MiB':>6}{'align':>13}"
        f"{'icons':>6}{'undrawn':>13}  failures"
    )
    undrawn = undrawn_per_app(con)
    total = 0
    for app, kit, states, failures, how, elements, dialogs, span, checked, found, icons, peak_mb in rows:
        total += states
        per = (span / max(states - 1, 1)) if states > 1 else float("nan")
        align = f"{found}/{checked}={found / checked:.2f}" if checked else "n/a"
        fail = f"{failures} ({how})" if failures else ""
        per_state = (elements or 0) / max(states, 1)
        mib = f"{peak_mb:.0f}" if peak_mb else "n/a"
        head = f"{app:<18}{(kit or '')[:13]:<14}{states:>7}{max(dialogs or 0, 0):>8}"
        head += f"{per_state:>9.1f}{per:>8.1f}"
        quoted, missing, _short = undrawn.get(app, (0, 0, 0))
        share = f"{missing}/{quoted}={missing / quoted:.1%}" if quoted else "n/a"
        print(f"{head}{mib:>6}{align:>13}{icons or 0:>6}{share:>13}  {fail}")
    apps = [r for r in rows if r[2] > 0]
    toolkits = {(r[1] or "").split(" ")[0].lower() + (r[1] or " ").split(" ")[1][:1] for r in apps}
    print(
        f"\nstates {total} in {seconds / 60:.1f} min ({seconds / max(total, 1):.1f} s/state, whole run); "
        f"peak memory {peak:.0f} MiB; baseline (first window only): {len(rows)} states -> "
        f"{total / max(len(rows), 1):.1f}x"
    )
    ungrounded = con.execute(UNGROUNDED).fetchall()
    checks.require(total > 0, "states captured")
    checks.require(not ungrounded, f"every state has a grounding row ({len(ungrounded)} without)")
    full = args.apps == "all"
    size = "the 17 applications of --apps all"
    checks.target(total >= TARGET_STATES, f">= {TARGET_STATES} distinct states", full, size)
    checks.target(seconds <= TARGET_MINUTES * 60, f"run <= {TARGET_MINUTES:g} min", full, size)
    checks.target(
        len(apps) >= 5 and len(toolkits) >= 3,
        f">= 5 applications, >= 3 toolkits ({sorted(toolkits)})",
        full,
        size,
    )
    for app, *_, checked, found, _icons, _peak in rows:
        if checked:
            checks.target(
                found / checked >= TARGET_ALIGN, f"{app} OCR alignment >= {TARGET_ALIGN}", full, size
            )
    if args.overlays:
        for path in overlays(con, Path(args.overlays)):
            print(f"overlay: {path}")
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default="all", help="all, small, or names of all's apps: calc,poedit")
    parser.add_argument("--max-states", type=int, default=40)  # per application
    parser.add_argument("--overlays", help="save overlays (every element box) of 5 states of 3 apps here")
    parser.add_argument("--keep", help="run in this folder and keep it")
    args = parser.parse_args()
    checks = Checks()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="groundmill-bench-desktop-"))
    try:
        project(folder, chosen(args.apps), args.max_states)
        home = sessions_home(folder)
        done, seconds, peak = run(folder, home)
        print("\n".join(line for line in done.stdout.splitlines() if not line.startswith("  try:"))[-3000:])
        if checks.require(done.returncode == 0, "groundmill run exited 0"):
            report(folder, seconds, peak, args, checks)
        left = session_pids(home)
        checks.require(not left, f"no session process left behind ({len(left)}: {list(left.values())[:3]})")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
