"""Capture at scale: a large source captured the way a run does it, shards all started at once, against
a 50-page run of the same pages, in one process.

    .venv/bin/python bench/capture_scale.py [--pages 5000] [--corpus FOLDER] [--shard-pages 50]

The source is FOLDER's pages (default ../shared/corpus/readability when present) repeated under new names
until there are --pages of them, or, without a corpus, generated pages (a heading, paragraphs, links, a
form). Every shard of `shard_pages` pages is a thread started at once, as the thread runner starts a
source's shard tasks (run.max_workers: null), each calling the capture stage's shard function; the pool
(capture.browsers, default from the machine) decides how many browsers run. Prints, for the 50-page run
and the large one: pages captured, pages/s, peak memory (summed RSS of this process and every descendant)
and the most browsers alive at once; then whether any process of a browser outlived the run.
Exits non-zero when a run captured nothing or a browser process outlived it (FAIL); the targets (peak
memory under 4 GiB, pages/s within 10 % of the 50-page run) are judged at 5,000 pages (MISS).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from capture import tree_rss  # noqa: E402
from checks import Checks, Peak  # noqa: E402

from schemas.config import CaptureParams, Source  # noqa: E402
from transforms.capture.pool import browser_pids, default_browsers  # noqa: E402
from transforms.capture.scratch import PREFIX  # noqa: E402
from transforms.capture.stage import capture_shard  # noqa: E402
from transforms.sources import list_pages  # noqa: E402

TARGET_PAGES, PEAK_GIB, SLOWDOWN = 5000, 4.0, 0.10


def generated_page(i: int) -> str:
    links = "".join(f'<li><a href="#s{k}">Section {i}.{k}</a></li>' for k in range(8))
    paras = "".join(
        f"<h2 id='s{k}'>Part {k} of page {i}</h2><p>{f'Words of page {i}. ' * 12}</p>" for k in range(6)
    )
    form = (
        '<form><label>Name <input name="n"></label><select><option>One</option></select>'
        "<button>Send</button></form>"
    )
    return (
        f"<!doctype html><title>Page {i}</title><body><h1>Page {i}</h1><ul>{links}</ul>{paras}{form}</body>"
    )


def build_source(folder: Path, pages: int, corpus: Path | None) -> Source:
    """`pages` pages in `folder`: the corpus's pages repeated (hard links when they can be), or generated."""
    originals = list_pages(Source(id="c", kind="html_dir", location=corpus, license="n/a")) if corpus else []
    for i in range(pages):
        out = folder / f"{i // 1000:02d}" / f"p{i:05d}.html"
        out.parent.mkdir(exist_ok=True)
        if not originals:
            out.write_text(generated_page(i))
            continue
        original = corpus / originals[i % len(originals)]
        try:
            os.link(original, out)
        except OSError:
            shutil.copyfile(original, out)
    return Source(id="scale", kind="html_dir", location=folder, license="n/a")


def captured(tables: dict) -> int:
    """A shard's pages captured. Its tables are let go, as a run lets them go once its shard task has
    written them: kept, 5,000 pages' screenshots held in this process counted in the peak (806 MB of it
    at 2,250 pages, 7 December)."""
    return tables["captures"].filter(tables["captures"]["status"] == "ok").height


def run(source: Source, keys: list[str], params: CaptureParams) -> dict:
    shards = [keys[i : i + params.shard_pages] for i in range(0, len(keys), params.shard_pages)]
    done = [0]

    def tick(_) -> None:
        done[0] += 1
        if done[0] % 250 == 0:
            print(f"  {done[0]} / {len(keys)} pages", flush=True)

    with Peak(tree_rss) as rss, Peak(lambda: len(browser_pids())) as browsers:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(shards)) as runner:  # every shard at once
            ok = sum(runner.map(lambda shard: captured(capture_shard(source, shard, params, tick)), shards))
        seconds = time.perf_counter() - t0
    return {
        "pages": len(keys),
        "ok": ok,
        "seconds": seconds,
        "pages_s": ok / seconds,
        "peak_gib": rss.peak / 2**30,
        "browsers": browsers.peak,
    }


def leftovers() -> list[str]:
    """Processes still naming a browser folder of this process."""
    mark = f"{PREFIX}{os.getpid()}-"
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(mark in arg for arg in proc.info["cmdline"] or ()):
            found.append(" ".join(proc.info["cmdline"])[:100])
    return found


def main() -> int:
    default = ROOT.parent / "shared" / "corpus" / "readability"
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=TARGET_PAGES)
    parser.add_argument("--corpus", type=Path, default=default if default.is_dir() else None)
    parser.add_argument("--generated", action="store_true", help="generated pages even when a corpus exists")
    parser.add_argument("--shard-pages", type=int, default=50)
    parser.add_argument(
        "--browsers", type=int, default=None, help="capture.browsers (default: the machine's)"
    )
    args = parser.parse_args()
    corpus = None if args.generated else args.corpus
    params = CaptureParams(max_slices=1, shard_pages=args.shard_pages, browsers=args.browsers)
    load = os.getloadavg()
    print(
        f"{args.pages} pages ({corpus or 'generated'}), shards of {args.shard_pages}, "
        f"browsers {params.browsers or default_browsers()} (pool), {os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
        flush=True,
    )
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="capture-scale-") as tmp:
        source = build_source(Path(tmp), args.pages, corpus)
        keys = list_pages(source)
        rows = [("50 pages", run(source, keys[:50], params))]
        if len(keys) > 50:
            rows.append((f"{len(keys)} pages", run(source, keys, params)))
    print(f"{'':12} {'ok':>6} {'seconds':>8} {'pages/s':>8} {'peak GiB':>9} {'browsers':>9}")
    for name, r in rows:
        print(
            f"{name:12} {r['ok']:>6} {r['seconds']:>8.1f} {r['pages_s']:>8.2f} {r['peak_gib']:>9.2f} "
            f"{r['browsers']:>9}"
        )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, r in rows:
        checks.require(r["ok"] > 0, f"{name}: pages captured {r['ok']} > 0")
        checks.require(
            r["browsers"] <= (params.browsers or default_browsers()), f"{name}: browsers within the pool"
        )
    left = leftovers()
    checks.require(not left, f"no browser process outlived the runs ({len(left)} left)")
    big, small = rows[-1][1], rows[0][1]
    applies = big["pages"] >= TARGET_PAGES
    checks.target(
        big["peak_gib"] < PEAK_GIB,
        f"peak memory {big['peak_gib']:.2f} GiB < {PEAK_GIB:g}",
        applies,
        "5,000 pages",
    )
    checks.target(
        big["pages_s"] >= (1 - SLOWDOWN) * small["pages_s"],
        f"pages/s {big['pages_s']:.2f} within 10 % of the 50-page run's {small['pages_s']:.2f}",
        applies,
        "5,000 pages",
    )
    return checks.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
