"""Where a captured page's time goes: every Playwright call of the capture timed by kind, and inside the
extraction script the 4x4 hit-test grid against the rest, on saved pages.

    .venv/bin/python bench/capture_profile.py [FOLDER] [--pages 30] [--tabs 1]

FOLDER defaults to ../shared/corpus/readability when present, else the bundled sample source. With one
tab (the default) the parts add up to the page's time; with more, the waits overlap and the screenshot
lock's wait shows how much the tabs queue for it. Prints milliseconds per captured page for each part.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import sys
import time
from pathlib import Path

from playwright.async_api import Frame, Page
from playwright.async_api._generated import Clock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import corpus_folder  # noqa: E402

from schemas.config import CaptureParams, Source  # noqa: E402
from transforms.capture import render  # noqa: E402
from transforms.capture.browser import capture_pages  # noqa: E402
from transforms.capture.opening import open_source  # noqa: E402
from transforms.sources import list_pages  # noqa: E402

SPENT: dict[str, float] = collections.defaultdict(float)
# The extraction script with two clocks: its whole run, and the hit tests of the visibility grid.
TIMED_JS = (
    render.EXTRACT_JS.replace(
        "(maxElements) => {", "(maxElements) => { const T0 = performance.now(); let HIT = 0;", 1
    )
    .replace("    let hits = 0;\n", "    const H0 = performance.now(); let hits = 0;\n", 1)
    .replace(
        "    const centerHit = clicksSelf(el, (x1 + x2) / 2, (y1 + y2) / 2);\n",
        "    const centerHit = clicksSelf(el, (x1 + x2) / 2, (y1 + y2) / 2);"
        " HIT += performance.now() - H0;\n",
        1,
    )
    .replace(
        "  return { elements,", "  return { prof: { all: performance.now() - T0, hit: HIT }, elements,", 1
    )
)
assert TIMED_JS.count("performance.now()") == 4, "extract_elements.js changed: update the profile's clocks"


def _kind(name: str, args: tuple) -> str:
    if name != "evaluate":
        return name
    script = str(args[0]) if args else ""
    if TIMED_JS in script:
        return "evaluate: extraction script (round trip)"
    if "fonts.ready" in script:
        return "evaluate: document.fonts.ready"
    if "requestAnimationFrame" in script:
        return "evaluate: next paint after a scroll"
    return "evaluate: other"


def _timed(name: str, method):
    @functools.wraps(method)
    async def wrapper(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            out = await method(self, *args, **kwargs)
        finally:
            SPENT[_kind(name, args)] += time.perf_counter() - t0
        found = json.loads(out) if isinstance(out, str) and out.startswith('{"prof"') else out
        if isinstance(found, dict) and "prof" in found:
            SPENT["  in page: extraction script"] += found["prof"]["all"] / 1000
            SPENT["  in page: of which the 4x4 hit-test grid"] += found["prof"]["hit"] / 1000
        return out

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=corpus_folder(ROOT))
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--tabs", type=int, default=1)
    args = parser.parse_args()
    timed_script = render.READ_SCRIPT.replace(render.EXTRACT_JS, TIMED_JS)
    assert timed_script != render.READ_SCRIPT, "read_page.js no longer holds extract_elements.js"
    render.READ_SCRIPT = timed_script
    for name in ("goto", "evaluate", "add_style_tag", "title", "bring_to_front", "screenshot", "content"):
        setattr(Page, name, _timed(name, getattr(Page, name)))
    Frame.evaluate = _timed("frame.evaluate (child frames held still)", Frame.evaluate)
    for name in ("run_for", "set_system_time"):
        setattr(Clock, name, _timed(f"clock.{name}", getattr(Clock, name)))
    render.screenshot = _timed("screenshot", render.screenshot)  # DevTools' Page.captureScreenshot
    source = Source(id="profile", kind="html_dir", location=args.folder.resolve(), license="n/a")
    pages = list_pages(source)[: args.pages]
    params = CaptureParams(pages_in_flight=args.tabs, max_slices=1, page_timeout_s=15)
    load = os.getloadavg()
    print(
        f"{len(pages)} pages from {args.folder}, {args.tabs} tab(s), load average {load[0]:.1f} {load[1]:.1f}"
    )
    t0 = time.perf_counter()
    with open_source(source, pages) as opened:
        results = capture_pages(opened.targets, params, opened.policy)
    wall = time.perf_counter() - t0
    ok = [r for r in results if r.status == "ok"]
    if not ok:
        print("FAIL: no page captured", file=sys.stderr)
        return 1
    shot_wall = sum(r.screenshot_ms for r in results) / 1000
    SPENT["screenshot lock: waiting for the other tabs"] = max(
        0.0, shot_wall - SPENT["bring_to_front"] - SPENT["screenshot"]
    )
    pages_time = sum((r.load_ms + r.extract_ms + r.screenshot_ms) / 1000 for r in results)
    print(f"{len(ok)} of {len(results)} ok in {wall:.1f} s: {len(ok) / wall:.2f} pages/s")
    print(f"{'part':48} {'ms/page':>8} {'share':>6}")
    total = wall * args.tabs
    for name, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"{name:48} {seconds / len(results) * 1000:>8.0f} {seconds / total:>6.0%}")
    print(f"{'(load + extract + screenshot, from the results)':48} {pages_time / len(results) * 1000:>8.0f}")
    print(f"{'(wall time x tabs)':48} {total / len(results) * 1000:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
