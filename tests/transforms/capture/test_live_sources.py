"""Live and archived sources: SSRF refusal, robots.txt, domain lists, politeness, sitemaps, WARC replay."""

from __future__ import annotations

import gzip
import io
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import polars as pl
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from schemas.config import CaptureParams, Source
from transforms.capture import network
from transforms.capture.browser import capture_pages
from transforms.capture.fetch import FetchRefused, _opener
from transforms.capture.network import refused_address, refused_url
from transforms.capture.opening import open_source, page_keys
from transforms.capture.records import to_tables
from transforms.capture.render import PageResult
from transforms.capture.server import Quiet, serve
from transforms.sources import SourceError

PAGE = "<html><head><title>{t}</title></head><body><h1>{t}</h1><button>Go to {t}</button></body></html>"


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fd00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_private_and_metadata_addresses_are_refused(address, reason):
    assert refused_address(address).startswith(reason)


def test_public_addresses_pass_the_check():
    assert refused_address("93.184.215.14") is None and refused_address("2606:4700::1111") is None


def fake_resolver(address: str):
    return lambda host, port: [address]


def test_urls_are_judged_by_the_address_they_resolve_to_unless_the_source_is_local(monkeypatch):
    monkeypatch.setattr(network, "resolve_host", fake_resolver("10.0.0.5"))
    assert "private address 10.0.0.5" in refused_url("http://intranet.example/", local=False)
    assert refused_url("http://intranet.example/", local=True) is None
    monkeypatch.setattr(network, "resolve_host", fake_resolver("93.184.215.14"))
    assert refused_url("http://shop.example/", local=False) is None
    assert refused_url("http://metadata.google.internal/computeMetadata/v1/", local=False).startswith(
        "metadata"
    )
    assert refused_url("file:///etc/passwd", local=True) == "scheme 'file' is not fetched"


class Site:
    """A small live website on loopback: pages, robots.txt, sitemaps, and a log of what was asked."""

    def __init__(self, files: dict[str, tuple[str, bytes]]):
        self.files, self.hits = files, []

    def __enter__(self) -> Site:
        site = self

        class Handler(Quiet, BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append((self.path, time.monotonic()))
                if self.path not in site.files:
                    self.send_error(404)
                    return
                ctype, body = site.files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.serving = serve(Handler)
        self.base = self.serving.__enter__().rstrip("/")
        return self

    def __exit__(self, *exc) -> None:
        self.serving.__exit__(*exc)


def html(title: str) -> tuple[str, bytes]:
    return "text/html; charset=utf-8", PAGE.format(t=title).encode()


def run(source: Source, params: CaptureParams = CaptureParams(max_slices=1)) -> pl.DataFrame:
    keys = page_keys(source)
    with open_source(source, keys) as opened:
        results = capture_pages(opened.targets, params, opened.policy, opened.politeness)
    refused = [
        PageResult(k, d).fail("refused", why) for k, why in opened.refused.items() for d in params.devices
    ]
    return to_tables(source.id, results + refused, opened.page_sha256)["captures"]


def url_list(tmp_path: Path, urls: list[str], delay_s: float = 1.0, **kw) -> Source:
    (tmp_path / "urls.txt").write_text("# pages\n" + "\n".join(urls) + "\n\n")
    return Source(
        id="live",
        kind="url_list",
        location=tmp_path / "urls.txt",
        license="CC0-1.0",
        politeness={"delay_s": delay_s},
        **kw,
    )


def test_url_list_honours_robots_txt_and_domain_lists(tmp_path):
    files = {
        "/a.html": html("A"),
        "/b.html": html("B"),
        "/private/c.html": html("C"),
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n"),
    }
    with Site(files) as site:
        urls = [
            f"{site.base}/a.html",
            f"{site.base}/b.html",
            f"{site.base}/private/c.html",
            site.base.replace("127.0.0.1", "localhost") + "/a.html",
        ]
        captures = run(url_list(tmp_path, urls, local=True, deny_domains=("localhost",), delay_s=0))
    status = {r["page_path"]: (r["status"], r["message"]) for r in captures.iter_rows(named=True)}
    assert status[urls[0]][0] == "ok" and status[urls[1]][0] == "ok"
    assert status[urls[2]] == ("refused", "disallowed by robots.txt")
    assert status[urls[3]] == ("refused", "domain localhost is not allowed for this source")
    assert "/private/c.html" not in [path for path, _ in site.hits]


def test_a_live_source_not_declared_local_is_refused_loopback_addresses(tmp_path):
    with Site({"/a.html": html("A")}) as site:
        captures = run(url_list(tmp_path, [f"{site.base}/a.html"], delay_s=0))
    row = captures.row(0, named=True)
    assert row["status"] == "refused" and "resolves to a loopback address 127.0.0.1" in row["message"]
    assert site.hits == []  # not even robots.txt was asked for


def test_redirects_to_refused_addresses_are_not_followed(monkeypatch):
    """The redirect check runs before any connection to the new address is made. The loopback server
    plays a public one: its name is pinned to it and its address passes the check."""
    resolve, public = network.resolve_host, network.refused_address
    monkeypatch.setattr(
        network, "resolve_host", lambda h, p: ["127.0.0.1"] if h == "public.test" else resolve(h, p)
    )
    monkeypatch.setattr(network, "refused_address", lambda a: None if a == "127.0.0.1" else public(a))

    class Redirect(Quiet, BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/secret")
            self.end_headers()

    with serve(Redirect) as url:
        with pytest.raises(
            FetchRefused, match="redirect to http://10.0.0.1/secret refused: .*private address"
        ):
            _opener(local=False).open(url.replace("127.0.0.1", "public.test"), timeout=5)


def test_politeness_spaces_page_loads_on_one_domain(tmp_path):
    files = {f"/p{i}.html": html(f"P{i}") for i in range(3)}
    with Site(files) as site:
        source = url_list(
            tmp_path, [f"{site.base}/p{i}.html" for i in range(3)], local=True, robots=False, delay_s=0.8
        )
        with open_source(source, page_keys(source)) as opened:
            results = capture_pages(
                opened.targets,
                CaptureParams(max_slices=1, pages_in_flight=3),
                opened.policy,
                opened.politeness,
            )
    assert [r.status for r in results] == ["ok"] * 3
    assert sorted(path for path, _ in site.hits if path.startswith("/p")) == [
        "/p0.html",
        "/p1.html",
        "/p2.html",
    ]
    # Three tabs were free, yet the loads began 0.8 s apart (timed where the gap is made: the server
    # sees each request after its load began, by an amount that varies with the machine's load).
    (starts,) = opened.politeness.starts.values()
    assert len(starts) == 3 and all(b - a >= 0.8 - 1e-3 for a, b in zip(starts, starts[1:]))


def test_sitemap_index_with_a_gzipped_child_lists_its_pages(tmp_path):
    files = {"/one.html": html("One"), "/two.html": html("Two")}
    with Site(files) as site:
        child = (
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.base}/one.html</loc>'
            f"</url><url><loc>{site.base}/two.html</loc></url></urlset>"
        ).encode()
        site.files["/pages.xml.gz"] = ("application/gzip", gzip.compress(child))
        site.files["/sitemap.xml"] = (
            "application/xml",
            (
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{site.base}/pages.xml.gz</loc></sitemap></sitemapindex>"
            ).encode(),
        )
        source = Source(
            id="maps",
            kind="sitemap",
            location=f"{site.base}/sitemap.xml",
            license="CC0-1.0",
            local=True,
            politeness={"delay_s": 0},
        )
        assert page_keys(source) == [f"{site.base}/one.html", f"{site.base}/two.html"]
        captures = run(source)
    assert captures.get_column("status").to_list() == ["ok", "ok"]


def test_a_sitemap_on_an_undeclared_private_address_is_refused():
    source = Source(id="maps", kind="sitemap", location="http://127.0.0.1:9/sitemap.xml", license="CC0-1.0")
    with pytest.raises(SourceError, match="loopback address"):
        page_keys(source)


def write_warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, ctype, body in records:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )


def test_warc_pages_are_replayed_from_the_archive_with_their_subresources(tmp_path):
    page = (
        b'<html><head><title>Archived</title><link rel="stylesheet" href="/site.css">'
        b'<script src="http://tracker.invalid/t.js"></script></head>'
        b'<body><button id="wide">' + "Archivé ¿Qué botón?".encode() + b"</button></body></html>"
    )  # UTF-8, declared neither in the archived header nor in the page
    write_warc(
        tmp_path / "crawl.warc.gz",
        [
            ("http://archive.invalid/index.html", "text/html", page),
            (
                "http://archive.invalid/site.css",
                "text/css",
                b"button{position:absolute;left:50px;top:60px;width:300px;height:50px;margin:0;border:0;padding:0}",
            ),
            ("http://archive.invalid/data.json", "application/json", b"{}"),
        ],
    )
    source = Source(id="crawl", kind="warc", location=tmp_path, license="CC-BY-4.0")
    assert page_keys(source) == ["http://archive.invalid/index.html"]
    keys = page_keys(source)
    with open_source(source, keys) as opened:
        results = capture_pages(opened.targets, CaptureParams(max_slices=1), opened.policy)
    tables = to_tables("crawl", results, opened.page_sha256)
    assert tables["captures"].get_column("status").to_list() == ["ok"]
    wide = tables["elements"].filter(pl.col("dom_id") == "wide").row(0, named=True)
    assert (wide["x1"], wide["y1"], wide["x2"], wide["y2"]) == (50, 60, 350, 110)  # the archived CSS applied
    assert wide["text"] == "Archivé ¿Qué botón?"  # not read as windows-1252


def test_a_folder_without_archives_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="no .warc or .warc.gz files"):
        page_keys(Source(id="crawl", kind="warc", location=tmp_path, license="CC0-1.0"))
