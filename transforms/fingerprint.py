"""A source's fingerprint: the content hash of what it would capture, to tell a changed source from an
unchanged one without capturing it. Local files are hashed by content; a live source (URLs) can only
be fingerprinted by its definition, so it counts as changed when its entry changes."""

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


DESKTOP_KEYS = ("apps", "screens", "max_states")


def fingerprint(source: Source) -> str:
    # the flat keys Source had before politeness nested, so that fingerprints recorded then still match
    # and the desktop keys only where set, so that fingerprints recorded before they existed still match
    unset = {k for k in DESKTOP_KEYS if getattr(source, k) == Source.model_fields[k].default}
    flat = {**source.model_dump(exclude={"politeness", *unset}), **source.politeness.model_dump()}
    entry = {k: str(v) for k, v in flat.items()}
    digest = hashlib.sha256(json.dumps(entry, sort_keys=True).encode())
    location = str(source.location)
    if not is_url(location):
        for base in [Path(location), *([Path(source.images)] if source.images else [])]:
            files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
            for path in files:
                name = path.name if path == base else path.relative_to(base).as_posix()
                digest.update(f"{name}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def changed(sources: list[Source], known: dict[str, str]) -> dict[str, str]:
    """source id -> new fingerprint, for the sources whose fingerprint is not the one recorded."""
    now = {s.id: fingerprint(s) for s in sources}
    return {sid: fp for sid, fp in now.items() if known.get(sid) != fp}
