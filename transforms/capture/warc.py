"""Web archives: index the HTTP responses in WARC files so the browser can be served from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

from playwright.async_api import Route
from warcio.archiveiterator import ArchiveIterator

# Headers that describe the archived transfer, not the (already decoded) body we hand back.
HOP_HEADERS = {"transfer-encoding", "content-encoding", "content-length", "connection", "keep-alive"}


@dataclass(frozen=True)
class Archived:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def warc_files(location: Path) -> list[Path]:
    """The .warc / .warc.gz files at `location` (a file or a folder), sorted."""
    if location.is_file():
        return [location]
    return sorted(p for p in location.rglob("*") if p.name.endswith((".warc", ".warc.gz")))


def index_warcs(paths: list[Path]) -> dict[str, Archived]:
    """URL (without fragment) -> its first archived response."""
    index: dict[str, Archived] = {}
    for path in paths:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = urldefrag(record.rec_headers.get_header("WARC-Target-URI") or "")[0]
                if not url or url in index:
                    continue
                headers = {
                    k.lower(): v for k, v in record.http_headers.headers if k.lower() not in HOP_HEADERS
                }
                status = int(record.http_headers.get_statuscode() or 0)
                index[url] = Archived(status, headers, record.content_stream().read())
    return index


def archived_pages(index: dict[str, Archived]) -> list[str]:
    """The URLs of archived HTML pages that answered 200, sorted."""
    return sorted(
        u
        for u, a in index.items()
        if a.status == 200 and a.content_type in ("text/html", "application/xhtml+xml")
    )


@dataclass
class ArchiveReplay:
    """Answers every browser request from the archive; a URL the archive lacks is aborted."""

    index: dict[str, Archived]
    # Archived hosts are answered from the archive: never resolve them.
    browser_args = ("--host-resolver-rules=MAP * ~NOTFOUND",)

    async def __call__(self, route: Route) -> None:
        hit = self.index.get(urldefrag(route.request.url)[0])
        if hit is None:
            await route.abort("blockedbyclient")
        else:
            await route.fulfill(status=hit.status, headers=hit.headers, body=hit.body)
