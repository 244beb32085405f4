"""Sitemaps: the page URLs listed by a sitemap.xml or a sitemap index, followed to a bounded depth."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

MAX_DEPTH = 3


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(xml: bytes) -> tuple[str, list[str]]:
    """('urlset' or 'sitemapindex', the <loc> values in document order)."""
    root = ElementTree.fromstring(xml)
    kind = _local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: root element is <{kind}>")
    locs = [
        el.text.strip() for el in root.iter() if _local_name(el.tag) == "loc" and el.text and el.text.strip()
    ]
    return kind, locs


def sitemap_urls(location: str, read: Callable[[str], bytes], max_urls: int = 50_000) -> list[str]:
    """Page URLs reachable from the sitemap at `location`; `read` fetches one sitemap's bytes."""
    pages: dict[str, None] = {}  # insertion-ordered set: each URL kept once, in linear time
    seen: set[str] = set()

    def follow(loc: str, depth: int) -> None:
        if loc in seen or depth > MAX_DEPTH or len(pages) >= max_urls:
            return
        seen.add(loc)
        kind, locs = parse_sitemap(read(loc))
        if kind == "urlset":
            pages.update(dict.fromkeys(locs))
        else:
            for child in locs:
                follow(child, depth + 1)

    follow(location, 0)
    return list(pages)[:max_urls]
