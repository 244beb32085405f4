"""A source's fingerprint: the content hash of what it would capture, to tell a changed source from an
unchanged one without capturing it. Local files are hashed by content; a live source (URLs) can only
be fingerprinted by its definition, so it counts as changed when its entry changes.

The same walk gives a source's inputs record (`inputs_record`): its entry, fingerprint and every file
with its sha256, as the release's inputs manifest lists them. Paths inside the project are written
relative to its root, so a clone elsewhere computes the same fingerprints and records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from schemas.config import Source, is_url


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


DESKTOP_KEYS = ("apps", "screens", "max_states", "application")


def _entry(source: Source, root: Path | None, mode: str) -> dict:
    """Every setting of the source, local paths relative to `root` where they lie inside it."""
    shown = source.model_dump(mode=mode)
    for key in ("location", "images"):
        value = getattr(source, key)
        if (
            root is not None
            and isinstance(value, Path)
            and value.is_absolute()
            and value.is_relative_to(root)
        ):
            shown[key] = value.relative_to(root).as_posix()
    return shown


def _hashed_entry(source: Source, root: Path | None) -> bytes:
    """The entry as the fingerprint hashes it: every setting as text, with the flat keys Source had
    before politeness nested, so that fingerprints recorded then still match."""
    shown = _entry(source, root, "python")
    # and the desktop keys and the role only where set, so that fingerprints recorded before they existed
    # still match (a role changed to or from benchmark changes the fingerprint: `watch` republishes, and
    # publish checks every source against the benchmarks again)
    unset = {k for k in (*DESKTOP_KEYS, "role") if getattr(source, k) == Source.model_fields[k].default}
    shown = {k: v for k, v in shown.items() if k not in unset}
    flat = {**{k: v for k, v in shown.items() if k != "politeness"}, **shown["politeness"]}
    return json.dumps({k: str(v) for k, v in flat.items()}, sort_keys=True).encode()


REFUSED = "refused: a symlink that leads outside the source"  # listed in place of a hash, never opened


def _outside(path: Path, real_base: Path) -> bool:
    return not path.resolve().is_relative_to(real_base)


def input_files(source: Source) -> list[tuple[str, Path]]:
    """(name, path) of every local file the source reads, in the order the fingerprint hashes them: the
    location (a file, or a folder's files by relative path), then the image folder's; none for a live
    source. Symlinked folders are not followed; a file symlinked from outside is listed too (see
    `file_hash`, which refuses it without opening it)."""
    location = str(source.location)
    if is_url(location):
        return []
    found = []
    for base in [Path(location), *([Path(source.images)] if source.images else [])]:
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        found += [(path.name if path == base else path.relative_to(base).as_posix(), path) for path in files]
    return found


def file_hash(path: Path, source: Source) -> str:
    """The file's sha256, or `REFUSED` for a symlink whose target lies outside the source's location
    and image folder: its target is never opened, so nothing outside a source reaches a manifest."""
    bases = [Path(str(source.location)), *([Path(source.images)] if source.images else [])]
    inside = [b.resolve() for b in bases]
    if path.is_symlink() and all(_outside(path, b) for b in inside):
        return REFUSED
    return file_sha256(path)


def inputs_record(source: Source, root: Path | None = None) -> dict:
    """The source's entry, fingerprint and files ("<sha256>  <name>", as sha256sum writes them)."""
    digest = hashlib.sha256(_hashed_entry(source, root))
    files = []
    for name, path in input_files(source):
        sha = file_hash(path, source)
        digest.update(f"{name}\0{sha}\n".encode())
        files.append(f"{sha}  {name}")
    return {"entry": _entry(source, root, "json"), "fingerprint": digest.hexdigest(), "files": files}


def fingerprint(source: Source, root: Path | None = None) -> str:
    return inputs_record(source, root)["fingerprint"]


def changed(sources: list[Source], known: dict[str, str], root: Path | None = None) -> dict[str, str]:
    """source id -> new fingerprint, for the sources whose fingerprint is not the one recorded."""
    now = {s.id: fingerprint(s, root) for s in sources}
    return {sid: fp for sid, fp in now.items() if known.get(sid) != fp}
