"""Sources: read sources.yaml into Source records and list the pages of each source."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KINDS = ("html_dir",)
PAGE_SUFFIXES = (".html", ".htm")


class SourceError(ValueError):
    """A sources file or source entry that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    location: Path
    license: str


def parse_source(entry: dict, base: Path) -> Source:
    """One sources.yaml entry to a Source; refuses unsafe ids and unknown kinds."""
    source_id = str(entry.get("id", ""))
    if not SAFE_ID.match(source_id):
        raise SourceError(
            f"source id {source_id!r} is not a safe name: use 1-64 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise SourceError(f"source {source_id!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not entry.get("location"):
        raise SourceError(f"source {source_id!r}: 'location' is missing")
    location = Path(entry["location"])
    return Source(source_id, kind, location if location.is_absolute() else base / location,
                  str(entry.get("license", "unknown")))


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
    if not source.location.is_dir():
        raise SourceError(f"source {source.id!r}: folder not found: {source.location}")
    return sorted(p.relative_to(source.location).as_posix()
                  for p in source.location.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
