"""Content-hash ids: the same content always gets the same id, so reruns and dedup line up."""
from __future__ import annotations

import hashlib
import json


def content_id(*parts: object) -> str:
    """A 32-hex-digit id from the JSON form of `parts` (order matters)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def sha256_hex(data: bytes) -> str:
    """The full sha256 of raw bytes, as screenshots and pages are identified."""
    return hashlib.sha256(data).hexdigest()
