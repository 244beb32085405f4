"""Sources: list the pages of each source (schemas.config reads sources.yaml into Source records), and
say which listed pages may not be served: nothing outside a source's folder is listed or served."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from schemas.config import Source, SourceError

PAGE_SUFFIXES = (".html", ".htm")
SNIFF_BYTES = 8192  # read of a page to tell text from binary


def _is_page(name: str) -> bool:
    return name.lower().endswith(PAGE_SUFFIXES)


def list_pages(source: Source) -> list[str]:
    """Relative POSIX paths of the pages in an html_dir source, sorted; raises if the folder is missing.
    Symlinked folders are not followed; a symlink that leads out of the folder is listed under its
    own name (so that it gets a refused row), never under its target's."""
    root = source.path
    if not root.is_dir():
        raise SourceError(f"source {source.id!r}: folder not found: {source.location}")
    real_root = root.resolve()
    keys = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in dirs:
            if (here / name).is_symlink() and not _inside(here / name, real_root):
                keys.append((here / name).relative_to(root).as_posix())  # listed to be refused
        keys += [(here / name).relative_to(root).as_posix() for name in files if _is_page(name)]
    return sorted(keys)


def _inside(path: Path, real_root: Path) -> bool:
    return path.resolve().is_relative_to(real_root)


def page_problem(root: Path, key: str) -> str | None:
    """Why the page `key` of the folder `root` may not be served, or None: it climbs out of the folder
    (`..`, an absolute path, a symlink to outside), is a folder or a device, or is an .html file that is
    empty or binary."""
    parts = PurePosixPath(key).parts
    if not parts or PurePosixPath(key).is_absolute() or ".." in parts:
        return f"{key!r} leaves the source folder"
    path = root / key
    if not _inside(path, root.resolve()):
        return "a symlink that leads outside the source folder"
    if not path.exists():
        return None  # gone since it was listed: the server answers 404, an error row
    if not path.is_file():
        return "not a regular file"
    if not _is_page(key):
        return None  # named by hand: the browser says what it is (a download, JSON...)
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head:
        return "the file is empty (0 bytes)"
    if _mostly_binary(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # (UTF-16 has a BOM)
        return "binary content, not an HTML page"
    return None


def _mostly_binary(head: bytes) -> bool:
    """More than half of `head` is no text: NUL and other control bytes, or bytes that are no UTF-8.
    A page with a stray NUL byte (or a few Latin-1 letters) is still a page."""
    text = head.decode("utf-8", errors="replace")
    odd = sum(ch == "\ufffd" or ch == "\x7f" or (ch < " " and ch not in "\t\n\r\f") for ch in text)
    return odd * 2 > len(text)


def list_urls(source: Source) -> list[str]:
    """The URLs of a url_list source: one per line, blank lines and '#' comments skipped."""
    try:
        lines = source.path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise SourceError(f"source {source.id!r}: URL list not found: {source.location}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"source {source.id!r}: URL list is not UTF-8 text: {exc.reason}") from None
    urls = [line.split("#", 1)[0].strip() for line in lines]
    return list(dict.fromkeys(u for u in urls if u))
