"""Hostile sources: pages that try to reach a loopback canary (HTTP, WebSocket, beacons, preconnect,
WebRTC), file:// links, symlinks out of the folder, a binary and an empty .html file, and a live host
whose DNS answer changes after it was checked. Each page ends as a row with a status and a reason, the
ledger balances, a benign page after them is captured whole, and the canary receives nothing."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from schemas.config import CaptureParams, Source
from tests.transforms.capture.test_live_sources import Site, html, write_warc
from transforms.capture import network
from transforms.capture.fetch import FetchRefused, fetch
from transforms.capture.opening import page_keys
from transforms.capture.stage import capture_shard, capture_stage

PARAMS = CaptureParams(max_slices=1, pages_in_flight=1)
SECRET = "api_key=hunter2"


class Canary:
    """A TCP and a UDP socket on 127.0.0.2 that nobody should ever reach. What reached them waits in
    the kernel's queues (loopback delivers at once), so asking costs no waiting."""

    def __init__(self, port: int = 0, host: str = "127.0.0.2"):
        self.tcp = socket.create_server((host, port))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((host, self.port))

    def reached(self) -> list[str]:
        ready, _, _ = select.select([self.tcp, self.udp], [], [], 0)
        return ["tcp" if s is self.tcp else "udp" for s in ready]

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    bird = Canary()
    yield bird
    bird.close()


def canary_page(at: str, secret: Path, neighbour: str = "") -> str:
    """A page that tries every way out to `at`; `neighbour`, another port of the loopback server's own
    address, is asked by an image, a frame and a worker."""
    near = (
        ""
        if not neighbour
        else f"""<img src="http://{neighbour}/pixel.png">
<iframe src="http://{neighbour}/frame"></iframe>
<script>
new Worker(URL.createObjectURL(new Blob(["fetch('http://{neighbour}/worker').catch(() => 0)"])));
</script>"""
    )
    return f"""<html><head><title>Canary</title>
<link rel="preconnect" href="http://{at}"><link rel="dns-prefetch" href="http://{at}">
<link rel="stylesheet" href="http://{at}/style.css"><link rel="prefetch" href="http://{at}/next">
</head><body><h1 id="title">Canary</h1><img src="http://{at}/pixel.png">
<iframe src="http://{at}/frame"></iframe><iframe id="local" src="{secret.as_uri()}"></iframe>
<a id="file" href="{secret.as_uri()}">a local file</a>{near}
<script>
new Worker(URL.createObjectURL(new Blob(["fetch('http://{at}/worker').catch(() => 0)"])));
fetch("http://{at}/fetch").catch(() => 0);
try {{ new WebSocket("ws://{at}/socket"); }} catch (e) {{}}
try {{ navigator.sendBeacon("http://{at}/beacon", "x"); }} catch (e) {{}}
try {{ new EventSource("http://{at}/events"); }} catch (e) {{}}
try {{
  const rtc = new RTCPeerConnection({{iceServers: [{{urls: "stun:{at}"}},
    {{urls: ["turn:{at}?transport=udp", "turn:{at}?transport=tcp"], username: "u", credential: "c"}}]}});
  rtc.createDataChannel("x");
  rtc.createOffer().then(offer => rtc.setLocalDescription(offer));
}} catch (e) {{}}
</script></body></html>"""


def hostile_folder(root: Path, canary: Canary, neighbour: Canary | None = None) -> Path:
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(f"<p id='secret'>{SECRET}</p>")
    site = root / "site"
    site.mkdir()
    near = f"127.0.0.1:{neighbour.port}" if neighbour else ""
    (site / "canary.html").write_text(canary_page(f"127.0.0.2:{canary.port}", outside / "secret.html", near))
    (site / "leak.html").symlink_to(outside / "secret.html")
    (site / "linked").symlink_to(outside)
    (site / "binary.html").write_bytes(bytes(range(256)) * 8)
    (site / "empty.html").write_bytes(b"")
    (site / "zz-benign.html").write_text(html("Benign")[1].decode())
    return site


def test_hostile_saved_pages_end_as_rows_and_reach_nothing(tmp_path, canary):
    neighbour = Canary(host="127.0.0.1")  # the loopback server's own address, another port
    source = Source(
        id="hostile", kind="html_dir", location=hostile_folder(tmp_path, canary, neighbour), license="CC0-1.0"
    )
    keys = page_keys(source)
    shard = capture_shard(source, keys, PARAMS, on_page=lambda _: None)
    assert canary.reached() == []  # (before: WebRTC's STUN and TURN packets arrived over UDP)
    assert neighbour.reached() == []
    neighbour.close()
    output = capture_stage(source.id, [shard], "", PARAMS.devices[0])
    captures = {r["page_path"]: (r["status"], r["message"]) for r in shard["captures"].iter_rows(named=True)}
    assert captures == {
        "binary.html": ("refused", "binary content, not an HTML page"),
        "canary.html": ("ok", captures["canary.html"][1]),
        "empty.html": ("refused", "the file is empty (0 bytes)"),
        "leak.html": ("refused", "a symlink that leads outside the source folder"),
        "linked": ("refused", "a symlink that leads outside the source folder"),
        "zz-benign.html": ("ok", ""),
    }
    assert output.ledger("capture", source.id).row(0, named=True)["rows_in"] == len(keys) == 6
    texts = shard["elements"].select(pl.concat_str(pl.all().cast(pl.String), ignore_nulls=True)).to_series()
    assert not texts.str.contains(SECRET.split("=")[1]).any()
    assert shard["elements"].filter(pl.col("text") == "Go to Benign").height == 1


def test_a_live_host_is_resolved_once_and_the_browser_connects_to_that_address(tmp_path, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.1 when it is checked and the canary's address after.
    The browser never resolves it itself (no system DNS knows it): it gets the checked address."""
    answers: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["127.0.0.1" if len(answers) == 1 else "127.0.0.2"]  # any other name: the canary

    monkeypatch.setattr(network, "resolve_host", rebinding)
    with Site({}) as site:
        port = int(site.base.rsplit(":", 1)[1])
        page = html("Pinned")[1].replace(
            b"</body>",
            f'<img src="http://pinned.test:{port}/a.png"><script>new WebSocket("ws://pinned.test:{port}/ws");'
            f'fetch("http://pinned.test:{port}/again")</script></body>'.encode(),
        )
        site.files["/a.html"] = ("text/html; charset=utf-8", page)
        bird = Canary(port)
        try:
            (tmp_path / "urls.txt").write_text(f"http://pinned.test:{port}/a.html\n")
            source = Source(
                id="pinned",
                kind="url_list",
                location=tmp_path / "urls.txt",
                license="CC0-1.0",
                local=True,
                robots=False,
                politeness={"delay_s": 0},
            )
            shard = capture_shard(source, page_keys(source), PARAMS, on_page=lambda _: None)
            reached = bird.reached()
        finally:
            bird.close()
    assert shard["captures"].row(0, named=True)["status"] == "ok"
    assert {"/a.html", "/a.png", "/again"} <= {path for path, _ in site.hits}
    assert answers == ["pinned.test"] and reached == []


def test_robots_txt_and_sitemaps_are_fetched_from_the_checked_address(monkeypatch):
    monkeypatch.setattr(network, "resolve_host", lambda host, port: ["127.0.0.1"])  # no system DNS knows it
    with Site({"/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n")}) as site:
        url = site.base.replace("127.0.0.1", "pinned.test") + "/robots.txt"
        assert fetch(url, local=True) == (200, b"User-agent: *\nDisallow: /private/\n")
        with pytest.raises(FetchRefused, match="pinned.test resolves to a loopback address 127.0.0.1"):
            fetch(url, local=False)
    assert [path for path, _ in site.hits] == ["/robots.txt"]


def test_an_archived_page_reaches_no_canary_either(tmp_path, canary):
    page = canary_page(f"127.0.0.2:{canary.port}", tmp_path / "secret.html").encode()
    write_warc(tmp_path / "crawl.warc.gz", [("http://archive.invalid/canary.html", "text/html", page)])
    source = Source(id="crawl", kind="warc", location=tmp_path / "crawl.warc.gz", license="CC0-1.0")
    shard = capture_shard(source, page_keys(source), PARAMS, on_page=lambda _: None)
    assert canary.reached() == []  # (before: WebRTC's STUN and TURN packets arrived over UDP)
    assert shard["captures"].get_column("status").to_list() == ["ok"]
