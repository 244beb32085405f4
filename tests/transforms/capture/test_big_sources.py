"""Big sources in bounded memory: a WARC indexed by where its responses lie, once; a sitemap's URLs
deduplicated in linear time."""

from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from schemas.config import Source
from transforms.capture import warc
from transforms.capture.opening import page_keys
from transforms.capture.sitemap import sitemap_urls
from transforms.sources import SourceError

RESPONSES, BODY_KB = 200, 50


@pytest.fixture(scope="module")
def big_warc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "big.warc"  # uncompressed: its bodies are 10 MB on disk
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        for i in range(RESPONSES):
            body = b"<p>" + str(i).encode() * (BODY_KB * 1024 // len(str(i))) + b"</p>"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"http://archive.invalid/{i}.html", "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
    return path


def test_a_warc_is_indexed_by_offsets_without_holding_its_bodies(big_warc):
    tracemalloc.start()  # the first to index this module's archive
    index = warc.index_warcs([big_warc])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(warc.archived_pages(index)) == RESPONSES
    assert peak < RESPONSES * BODY_KB * 1024 / 5, f"indexing held {peak / 2**20:.1f} MiB"
    assert index["http://archive.invalid/7.html"].body.startswith(b"<p>777")  # read from its offset


def test_a_warc_is_read_once_however_many_shards_open_it(big_warc):
    warc._index.cache_clear()
    first = warc.index_warcs([big_warc])
    for _ in range(3):  # a shard each
        assert warc.index_warcs([big_warc]) is first
    assert warc._index.cache_info().misses == 1


def test_a_truncated_warc_is_a_clear_error(tmp_path, big_warc):
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    with pytest.raises(SourceError, match="cannot read the archive cut.warc.gz"):
        page_keys(Source(id="crawl", kind="warc", location=tmp_path, license="CC0-1.0"))


def test_a_sitemap_of_many_urls_is_deduplicated_in_linear_time():
    urls = [f"https://shop.invalid/p/{i if i % 10 else i // 2}" for i in range(30_000)]
    xml = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        + "</urlset>"
    ).encode()
    cpu = time.process_time()  # CPU time: a busy machine does not change it much
    pages = sitemap_urls("sitemap.xml", lambda _: xml)
    cpu = time.process_time() - cpu
    assert pages == list(dict.fromkeys(urls))
    assert cpu < 1.0, f"{cpu:.2f} s of CPU for 30,000 URLs"  # the quadratic dedup: about 4 s
