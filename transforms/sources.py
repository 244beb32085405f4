"""Sources: read sources.yaml into Source records and list the pages of each source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from transforms.errors import InputError

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KINDS = ("html_dir", "url_list", "sitemap", "warc", "dataset")
PAGE_SUFFIXES = (".html", ".htm")


class SourceError(InputError, ValueError):
    """A sources file or source entry that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Source:
    """One source. `location` is a folder (html_dir), a URL list file (url_list), a sitemap URL or
    file (sitemap), a WARC file or folder (warc), or ScreenSpot(-Pro) JSON, a file or a folder of them
    (dataset, with `images` beside it or named, and `box` its convention). Live sources (url_list,
    sitemap) may reach loopback and private addresses only when declared `local`."""

    id: str
    kind: str
    location: Path | str
    license: str
    local: bool = False
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()
    per_domain: int = 1  # pages loading at once from one domain
    delay_s: float = 1.0  # between page loads from one domain
    robots: bool = True  # honour robots.txt
    images: Path | None = None  # dataset: the image folder (default: images/ beside the JSON)
    box: str = "xyxy"  # dataset: xyxy or xywh pixels, norm1 (0..1) or norm1000 (0..1000)

    @property
    def path(self) -> Path:
        return Path(self.location)


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


def parse_source(entry: dict, base: Path) -> Source:
    """One sources.yaml entry to a Source; refuses unsafe ids and unknown kinds."""
    source_id = str(entry.get("id", ""))
    if not SAFE_ID.match(source_id):
        raise SourceError(
            f"source id {source_id!r} is not a safe name: use 1-64 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    kind = entry.get("kind")
    if kind not in KINDS:
        raise SourceError(f"source {source_id!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not entry.get("location"):
        raise SourceError(f"source {source_id!r}: 'location' is missing")
    raw = str(entry["location"])
    location: Path | str = raw
    if not is_url(raw):
        location = Path(raw) if Path(raw).is_absolute() else base / raw
    elif kind != "sitemap":
        raise SourceError(f"source {source_id!r}: a {kind} location is a local path, not a URL")
    politeness = entry.get("politeness") or {}
    return Source(
        source_id,
        kind,
        location,
        str(entry.get("license", "unknown")),
        local=bool(entry.get("local", False)),
        allow_domains=tuple(entry.get("allow_domains") or ()),
        deny_domains=tuple(entry.get("deny_domains") or ()),
        per_domain=int(politeness.get("per_domain", 1)),
        delay_s=float(politeness.get("delay_s", 1.0)),
        robots=bool(entry.get("robots", True)),
        images=(base / entry["images"]) if entry.get("images") else None,
        box=str(entry.get("box", "xyxy")),
    )


def load_sources(path: Path) -> list[Source]:
    """All sources listed in a sources.yaml; paths are resolved against the file's folder."""
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise SourceError(f"sources file not found: {path}") from None
    entries = doc.get("sources") or []
    sources = [parse_source(e, path.parent) for e in entries]
    ids = [s.id for s in sources]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SourceError(f"{path}: source ids listed more than once: {', '.join(dupes)}")
    return sources


def list_pages(source: Source) -> list[str]:
    """Relative POSIX paths of the pages in an html_dir source, sorted; raises if the folder is missing."""
    if not source.path.is_dir():
        raise SourceError(f"source {source.id!r}: folder not found: {source.location}")
    return sorted(
        p.relative_to(source.path).as_posix()
        for p in source.path.rglob("*")
        if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()
    )


def list_urls(source: Source) -> list[str]:
    """The URLs of a url_list source: one per line, blank lines and '#' comments skipped."""
    try:
        lines = source.path.read_text().splitlines()
    except FileNotFoundError:
        raise SourceError(f"source {source.id!r}: URL list not found: {source.location}") from None
    urls = [line.split("#", 1)[0].strip() for line in lines]
    return list(dict.fromkeys(u for u in urls if u))
