"""Open a source for capture: the pages to load, how to reach them, and which requests they may make."""
from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from transforms.capture.browser import RequestPolicy, Target
from transforms.capture.network import SameHost
from transforms.capture.server import serve_directory
from transforms.sources import Source, list_pages


@dataclass
class OpenSource:
    targets: list[Target]
    policy: RequestPolicy
    page_sha256: dict[str, str] = field(default_factory=dict)  # content hash of pages known up front


def page_keys(source: Source) -> list[str]:
    """The keys of the pages a source holds (relative paths for html_dir); raises SourceError."""
    return list_pages(source)


@contextlib.contextmanager
def open_source(source: Source, keys: list[str]) -> Iterator[OpenSource]:
    """Serve or reach the pages named by `keys` for as long as the capture runs."""
    with serve_directory(source.location) as base_url:
        yield OpenSource(
            targets=[Target(k, base_url + quote(k)) for k in keys],
            policy=SameHost(urlsplit(base_url).netloc),
            page_sha256={k: hashlib.sha256((source.location / k).read_bytes()).hexdigest()
                         for k in keys if (source.location / k).is_file()},
        )
