"""Open a source for capture: the pages to load, how to reach them, and which requests they may make."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from schemas.config import Source, is_url
from transforms.capture.browser import Politeness, RequestPolicy, Target
from transforms.capture.fetch import FetchRefused, fetch
from transforms.capture.guard import guard
from transforms.capture.network import LiveWeb, SameHost, proxied_args
from transforms.capture.robots import Robots
from transforms.capture.server import serve_directory
from transforms.capture.sitemap import sitemap_urls
from transforms.capture.warc import ArchiveReplay, archived_pages, index_warcs, warc_files
from transforms.sources import SourceError, list_pages, list_urls, page_problem


@dataclass
class OpenSource:
    targets: list[Target]
    policy: RequestPolicy
    page_sha256: dict[str, str] = field(default_factory=dict)  # content hash of pages known up front
    refused: dict[str, str] = field(default_factory=dict)  # page key -> why it is not fetched
    politeness: Politeness | None = None


def _read_sitemap(source: Source, location: str) -> bytes:
    if not is_url(location):
        return Path(location).read_bytes()
    status, body = fetch(location, local=source.local)
    if status != 200:
        raise SourceError(f"source {source.id!r}: sitemap {location} answered HTTP {status}")
    return body


def page_keys(source: Source) -> list[str]:
    """The keys of a source's pages: relative paths (html_dir) or URLs (the others). Raises
    SourceError when the source cannot be read at all."""
    if source.kind == "html_dir":
        return list_pages(source)
    if source.kind == "url_list":
        return list_urls(source)
    if source.kind == "sitemap":
        try:
            return sitemap_urls(str(source.location), lambda loc: _read_sitemap(source, loc))
        except (OSError, FetchRefused, ValueError) as exc:
            raise SourceError(f"source {source.id!r}: cannot read sitemap: {exc}") from exc
    files = warc_files(source.path)
    if not files:
        raise SourceError(f"source {source.id!r}: no .warc or .warc.gz files at {source.location}")
    return archived_pages(index_warcs(files))


def _why_not(source: Source, url: str, policy: LiveWeb, robots: Robots | None) -> str | None:
    host = urlsplit(url).hostname or ""
    if not policy.domain_allowed(host):
        return f"domain {host} is not allowed for this source"
    reason = policy.why_not(url)  # resolved once, and pinned for the capture
    if reason:
        return reason
    if robots is not None and not robots.allowed(url):
        return "disallowed by robots.txt"
    return None


@contextlib.contextmanager
def open_source(source: Source, keys: list[str]) -> Iterator[OpenSource]:
    """Serve, replay or reach the pages named by `keys` for as long as the capture runs."""
    if source.kind == "html_dir":
        refused = {k: why for k in keys if (why := page_problem(source.path, k))}
        served = [k for k in keys if k not in refused]
        with serve_directory(source.path) as base_url:
            with contextlib.closing(SameHost(urlsplit(base_url).netloc)) as policy:
                yield OpenSource(
                    targets=[Target(k, base_url + quote(k)) for k in served],
                    policy=policy,
                    page_sha256={
                        k: hashlib.sha256((source.path / k).read_bytes()).hexdigest()
                        for k in served
                        if (source.path / k).is_file()
                    },
                    refused=refused,
                )
    elif source.kind == "warc":
        index = index_warcs(warc_files(source.path))
        yield OpenSource(
            targets=[Target(k, k) for k in keys],
            policy=ArchiveReplay(index),
            page_sha256={k: hashlib.sha256(index[k].body).hexdigest() for k in keys if k in index},
        )
    else:
        policy = LiveWeb(local=source.local, allow=source.allow_domains, deny=source.deny_domains)
        robots = Robots(local=source.local) if source.robots else None
        refused = {k: why for k in keys if (why := _why_not(source, k, policy, robots))}
        with guard(policy.connect) as (_, port):  # the browser connects only through it
            policy.browser_args = proxied_args(port)
            yield OpenSource(
                targets=[Target(k, k) for k in keys if k not in refused],
                policy=policy,
                refused=refused,
                politeness=Politeness(source.politeness.per_domain, source.politeness.delay_s),
            )
