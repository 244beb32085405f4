"""Dataset versions: every publish is identified by the content hash of what it published.

`dataset_version` hashes every published Parquet file (path and sha256, in path order), so the same
content always gets the same version and any change gets a new one. `record_version` appends it to
`data/versions.parquet` (git-tracked, outside the DVC outputs, so history survives `dvc repro`) unless
the last version is the same content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from schemas.registry import schema
from transforms.fingerprint import file_sha256
from transforms.storage import write_parquet_atomic


def dataset_version(partitions: list[tuple[str, str, Path]], base: Path) -> dict:
    """The version entry of the published files (table, source, path), named relative to `base`."""
    partitions = sorted(partitions, key=lambda p: p[2])
    digest = hashlib.sha256()
    for _, _, path in partitions:
        digest.update(f"{path.relative_to(base).as_posix()}\0{file_sha256(path)}\n".encode())
    content = digest.hexdigest()
    counts = dict.fromkeys(dict.fromkeys(t for t, _, _ in partitions), 0)
    for table, _, path in partitions:
        counts[table] += pl.scan_parquet(path).select(pl.len()).collect().item()
    sources = sorted({s for _, s, _ in partitions})
    now = datetime.now(UTC)
    return {
        "version": f"v{now:%Y%m%d-%H%M%S}-{content[:8]}",
        "published_at": now,
        "content_sha256": content,
        "sources": sources,
        "row_counts": json.dumps(counts, sort_keys=True),
        "files": len(partitions),
    }


def record_version(versions_file: Path, entry: dict) -> dict:
    """Append `entry` unless the newest recorded version has the same content; returns the
    version in force."""
    history = (
        pl.read_parquet(versions_file) if versions_file.exists() else pl.DataFrame(schema=schema("versions"))
    )
    if history.height and history.sort("published_at")["content_sha256"][-1] == entry["content_sha256"]:
        return history.sort("published_at").row(-1, named=True)
    write_parquet_atomic(
        pl.concat([history, pl.DataFrame([entry], schema=schema("versions"))]), versions_file
    )
    return entry
