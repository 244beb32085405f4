"""Big sources in bounded memory: a WARC of many responses and a sitemap of many URLs, read by
groundmill and by the approach it replaced (the baseline), in one run.

    .venv/bin/python bench/sources.py [--responses 10000] [--body-kb 16] [--urls 50000] [--shards 3]

WARC: a .warc.gz of --responses HTML responses (--body-kb each) is written to a temporary folder, then
its pages are listed and --shards shards of 50 pages are opened (each page's body hashed), as the
capture stage does. The baseline read every body into memory, once to list the pages and again for
every shard; groundmill indexes where each response lies, once, and reads a body when it is asked for.
Sitemap: one urlset of --urls URLs (one in ten listed twice) is read into its list of distinct page
URLs; the baseline tested each URL against the list kept so far (quadratic), groundmill against a set.

Prints seconds and peak memory (the largest traced Python heap, tracemalloc) for each, and the ratios.
FAIL (exit 1) when a reader found no page or the two readers disagree; MISS (exit 1) when, at the
sizes the targets are stated for (10,000 responses, 50,000 URLs), groundmill does not use at most a
tenth of the baseline's memory on the WARC or is not faster on the sitemap.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urldefrag

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from transforms.capture import warc  # noqa: E402
from transforms.capture.sitemap import parse_sitemap, sitemap_urls  # noqa: E402

SHARD_PAGES = 50
STATED = {"responses": 10_000, "urls": 50_000}


def measure(run: Callable[[], object]) -> tuple[object, float, int]:
    """(result, seconds, peak traced bytes) of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def write_warc(path: Path, responses: int, body_kb: int) -> None:
    rng = random.Random(7)
    words = [f"word{i}".encode() for i in range(2000)]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(responses):
            text = b" ".join(rng.choice(words) for _ in range(body_kb * 1024 // 8))
            body = b"<html><body><p>" + text[: body_kb * 1024] + b"</p></body></html>"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"http://archive.invalid/{i}.html", "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)


def baseline_index(paths: list[Path]) -> dict[str, tuple[int, str, bytes]]:
    """The replaced reader: URL -> (status, content type, body), every body in memory."""
    index: dict[str, tuple[int, str, bytes]] = {}
    for path in paths:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = urldefrag(record.rec_headers.get_header("WARC-Target-URI") or "")[0]
                if url and url not in index:
                    ctype = record.http_headers.get_header("Content-Type") or ""
                    status = int(record.http_headers.get_statuscode() or 0)
                    index[url] = (status, ctype, record.content_stream().read())
    return index


def warc_baseline(paths: list[Path], shards: int) -> tuple[int, list[str]]:
    index = baseline_index(paths)
    pages = sorted(u for u, (status, ctype, _) in index.items() if status == 200 and "html" in ctype)
    del index
    hashes = []
    for s in range(shards):
        index = baseline_index(paths)  # open_source read the whole archive again for every shard
        hashes += [
            hashlib.sha256(index[k][2]).hexdigest() for k in pages[s * SHARD_PAGES : (s + 1) * SHARD_PAGES]
        ]
        del index
    return len(pages), hashes


def warc_groundmill(paths: list[Path], shards: int) -> tuple[int, list[str]]:
    warc._index.cache_clear()
    pages = warc.archived_pages(warc.index_warcs(paths))
    hashes = []
    for s in range(shards):
        index = warc.index_warcs(paths)
        hashes += [
            hashlib.sha256(index[k].body).hexdigest() for k in pages[s * SHARD_PAGES : (s + 1) * SHARD_PAGES]
        ]
    return len(pages), hashes


def sitemap_xml(urls: int) -> tuple[bytes, int]:
    """A urlset of `urls` <loc>s, every tenth a repeat of an earlier one; and the distinct count."""
    locs = [
        f"https://shop.invalid/p/{i}" if i % 10 else f"https://shop.invalid/p/{i // 2}" for i in range(urls)
    ]
    body = "".join(f"<url><loc>{u}</loc></url>" for u in locs)
    xml = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'.encode()
    return xml, len(set(locs))


def sitemap_baseline(xml: bytes) -> list[str]:
    """The replaced reader's dedup: each URL looked up in the list kept so far."""
    pages: list[str] = []
    pages.extend(u for u in parse_sitemap(xml)[1] if u not in pages)
    return pages


def report(name: str, base: tuple[float, int], new: tuple[float, int]) -> None:
    print(f"{name:<10} {'seconds':>9} {'peak MiB':>9}")
    print(f"  baseline {base[0]:9.2f} {base[1] / 2**20:9.1f}")
    print(f"  groundmill {new[0]:7.2f} {new[1] / 2**20:9.1f}")
    ratios = f"{base[0] / max(new[0], 1e-9):8.1f}x {base[1] / max(new[1], 1):8.1f}x"
    print(f"  ratio    {ratios}  (baseline / groundmill)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=STATED["responses"])
    parser.add_argument("--body-kb", type=int, default=16)
    parser.add_argument("--urls", type=int, default=STATED["urls"])
    parser.add_argument("--shards", type=int, default=3)
    args = parser.parse_args()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="groundmill-sources-") as tmp:
        path = Path(tmp) / "big.warc.gz"
        write_warc(path, args.responses, args.body_kb)
        size = path.stat().st_size / 2**20
        print(f"WARC: {args.responses:,} responses of {args.body_kb} KiB, {size:.1f} MiB gzipped")
        (n_base, h_base), *base = measure(lambda: warc_baseline([path], args.shards))
        (n_new, h_new), *new = measure(lambda: warc_groundmill([path], args.shards))
    report("WARC", base, new)
    checks.require(n_new == args.responses > 0, f"groundmill listed every archived page ({n_new:,})")
    checks.require(n_base == n_new and h_base == h_new, "both readers list the same pages and bodies")
    stated = args.responses >= STATED["responses"]
    checks.target(
        new[1] * 10 <= base[1], "WARC peak memory <= 1/10 of the baseline's", stated, "10,000 responses"
    )

    xml, distinct = sitemap_xml(args.urls)
    print(f"sitemap: {args.urls:,} URLs, {distinct:,} distinct")
    urls_base, *base = measure(lambda: sitemap_baseline(xml))
    urls_new, *new = measure(lambda: sitemap_urls("sitemap.xml", lambda _: xml, max_urls=max(args.urls, 1)))
    report("sitemap", base, new)
    checks.require(
        len(urls_new) == distinct > 0, f"groundmill kept every distinct URL once ({len(urls_new):,})"
    )
    checks.require(urls_base == urls_new, "both readers keep the same URLs in the same order")
    checks.target(
        new[0] < base[0], "sitemap faster than the baseline", args.urls >= STATED["urls"], "50,000 URLs"
    )
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
