"""Sources: list the pages of each source (schemas.config reads sources.yaml into Source records)."""

from __future__ import annotations

from schemas.config import Source, SourceError

PAGE_SUFFIXES = (".html", ".htm")


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
