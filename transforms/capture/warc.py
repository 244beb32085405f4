"""Web archives: index the HTTP responses in WARC files by where they lie, so the browser can be served
from them one body at a time; a source's archives are indexed once per process, whatever their size."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

from playwright.async_api import Route
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from schemas.config import SourceError
from transforms.capture.charset import served_content_type
from transforms.capture.network import NO_WEBRTC_UDP

# Headers that describe the archived transfer, not the (already decoded) body we hand back.
HOP_HEADERS = {"transfer-encoding", "content-encoding", "content-length", "connection", "keep-alive"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
UNREADABLE = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError)


@dataclass(frozen=True)
class Archived:
    """One archived response: its status and headers, and where its record starts in which file;
    the body is read from there when asked for."""

    status: int
    headers: dict[str, str]
    path: Path
    offset: int

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def body(self) -> bytes:
        with self.path.open("rb") as stream:
            stream.seek(self.offset)
            record = next(iter(ArchiveIterator(stream)))
            return record.content_stream().read()


def warc_files(location: Path) -> list[Path]:
    """The .warc / .warc.gz files at `location` (a file or a folder), sorted."""
    if location.is_file():
        return [location]
    return sorted(p for p in location.rglob("*") if p.name.endswith((".warc", ".warc.gz")))


def _responses(path: Path) -> Iterator[tuple[str, Archived]]:
    """(URL without fragment, entry) of each HTTP response in one WARC file, bodies left unread."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = urldefrag(record.rec_headers.get_header("WARC-Target-URI") or "")[0]
            headers = {k.lower(): v for k, v in record.http_headers.headers if k.lower() not in HOP_HEADERS}
            status = int(record.http_headers.get_statuscode() or 0)
            yield url, Archived(status, headers, path, records.get_record_offset())


@functools.lru_cache(maxsize=4)
def _index(files: tuple[tuple[Path, int, int], ...]) -> Mapping[str, Archived]:
    index: dict[str, Archived] = {}
    for path, _, _ in files:
        try:
            for url, entry in _responses(path):
                if url:
                    index.setdefault(url, entry)
        except UNREADABLE as exc:
            raise SourceError(f"cannot read the archive {path.name}: {type(exc).__name__}: {exc}") from exc
    return index


def index_warcs(paths: list[Path]) -> Mapping[str, Archived]:
    """URL (without fragment) -> its first archived response. Files unchanged since they were last
    indexed (same size and modification time) are not read again."""
    stats = [p.stat() for p in paths]
    return _index(tuple((p.resolve(), s.st_size, s.st_mtime_ns) for p, s in zip(paths, stats)))


def archived_pages(index: Mapping[str, Archived]) -> list[str]:
    """The URLs of archived HTML pages that answered 200, sorted."""
    return sorted(u for u, a in index.items() if a.status == 200 and a.content_type in HTML_TYPES)


@dataclass
class ArchiveReplay:
    """Answers every browser request from the archive; a URL the archive lacks is aborted. An HTML
    page without a declared charset is answered with the one it was written in."""

    index: Mapping[str, Archived]
    # Archived hosts are answered from the archive: never resolve them.
    browser_args = ("--host-resolver-rules=MAP * ~NOTFOUND", NO_WEBRTC_UDP)

    async def __call__(self, route: Route) -> None:
        hit = self.index.get(urldefrag(route.request.url)[0])
        if hit is None:
            await route.abort("blockedbyclient")
            return
        body, headers = hit.body, dict(hit.headers)
        if hit.content_type in HTML_TYPES:
            headers["content-type"] = served_content_type(headers.get("content-type", "text/html"), body)
        await route.fulfill(status=hit.status, headers=headers, body=body)
