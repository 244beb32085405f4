"""A folder of screenshots as a source (kind `screenshots`): any application, any platform. Each PNG or
JPEG becomes a capture and a screenshot; the text OCR reads on it (words, and lines of several words)
becomes its elements, with the recogniser's confidence; text under the confidence floor goes to
excluded_elements with the reason `low_confidence`, and a token that is no word (`is_word`: `&`, `©`,
`JK` read off an icon) with the reason `not_a_word`. An image that cannot be read or recognised is a
captures row with status error and the reason."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl
from PIL import Image, UnidentifiedImageError

from schemas.config import OcrParams, Source
from schemas.registry import TABLES, schema
from transforms.capture import ocr
from transforms.capture.records import capture_id_for
from transforms.ids import row_id, sha256_hex
from transforms.sources import SourceError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def image_files(source: Source) -> list[Path]:
    path = source.path
    if not path.is_dir():
        raise SourceError(f"source {source.id!r}: {path} is not a folder of screenshots")
    return sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def platform_of(name: str) -> str:
    low = name.lower()
    return "mobile" if "mobile" in low else "web" if "web" in low else "desktop"


def as_png(raw: bytes) -> tuple[bytes, int, int]:
    with Image.open(io.BytesIO(raw)) as image:
        w, h = image.size
        if image.format == "PNG":
            return raw, w, h
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG")
        return out.getvalue(), w, h


def _element(where: dict, found: ocr.OcrBox, index: int, key: str) -> dict:
    x1, y1, x2, y2 = found.box
    row = (
        dict.fromkeys(schema("elements"))
        | where
        | {
            "element_index": index,
            "tag": f"ocr_{found.level}",
            "role": "text",
            "text": found.text,
            "confidence": max(0.0, min(100.0, found.confidence)),
            "interactive": False,
            "center_hit": True,
            "visible_ratio": 1.0,
            "in_viewport": True,
            "scope": "document",
            "css_path": key,
            "x1": x1,
            "y1": y1,
            "x2": x2,
            "y2": y2,
        }
    )
    return row | {"element_id": row_id("elements", row)}


# A word holds a run of 2+ letters or digits. Two letters alone are a word only in a word's casing
# (`ok`, `Ok`, `OK`: not `aT`), and two capitals (`JK`, `OK`) only read at WORD_CAPITALS_CONFIDENCE or
# more: tesseract reads icons and arrows as such pairs, at a middling confidence.
WORD_RUN = re.compile(r"[^\W_]{2,}")
TWO_LETTERS = re.compile(r"^\W*([^\W\d_]{2})\W*$")
WORD_CAPITALS_CONFIDENCE = 90.0


def is_word(found: ocr.OcrBox) -> bool:
    """Whether an OCR token (a word, or a line of them) is text rather than a picture read as text: it
    holds a run of 2+ letters or digits, and is not two letters alone in no word's casing (`aT`) nor two
    capitals alone read under WORD_CAPITALS_CONFIDENCE (`JK`, `JK & ©`)."""
    text = found.text.strip()
    if not WORD_RUN.search(text):
        return False
    pair = TWO_LETTERS.match(text)
    if not pair:
        return True
    first, second = pair.group(1)
    if first.islower() and second.isupper():
        return False
    return not (first.isupper() and second.isupper() and found.confidence < WORD_CAPITALS_CONFIDENCE)


def ocr_elements(read: list[ocr.OcrBox], where: dict, min_confidence: float) -> tuple[list[dict], list[dict]]:
    """OCR boxes as elements, and as excluded elements those under the confidence floor
    (`low_confidence`) or that are no word (`not_a_word`, is_word) (also the elements of a desktop state
    whose accessibility tree is absent: desktop/ocr_start.py)."""
    elements, excluded = [], []
    for k, found in enumerate(read):
        key = f"ocr:{found.level}[{k}]"
        x1, y1, x2, y2 = found.box
        reason = (
            "low_confidence"
            if found.confidence < min_confidence
            else "not_a_word"
            if not is_word(found)
            else None
        )
        if reason:
            left = {"tag": f"ocr_{found.level}", "role": "text", "name": found.text, "reason": reason}
            excluded.append(where | left | {"css_path": key, "x1": x1, "y1": y1, "x2": x2, "y2": y2})
        elif x2 > x1 and y2 > y1:
            elements.append(_element(where, found, len(elements), key))
    return elements, excluded


def excluded_counts(excluded: list[dict]) -> dict[str, int]:
    """The captures row's counts of OCR's excluded elements, by reason."""
    return {
        f"excluded_{r}": sum(e["reason"] == r for e in excluded) for r in ("low_confidence", "not_a_word")
    }


def _image(source: Source, rel: str, raw: bytes, params: OcrParams, out: dict[str, list]) -> None:
    """One image's captures row and, when OCR read text on it, its screenshot and text elements."""
    capture = {
        "capture_id": capture_id_for(source.id, rel, sha256_hex(raw), "ocr"),
        "source_id": source.id,
        "page_path": rel,
        "page_sha256": sha256_hex(raw),
        "device": "ocr",
        "platform": platform_of(rel),
        "device_scale_factor": 1.0,
        "script_errors": 0,
        "n_elements": 0,
        "n_parts": 0,
        "viewport_width": 1,
        "viewport_height": 1,
    }
    try:
        png, w, h = as_png(raw)
        read = ocr.read_text(png, timeout=params.timeout_s)
    except UnidentifiedImageError:
        out["captures"].append(capture | {"status": "error", "message": f"{rel}: not a PNG or JPEG image"})
        return
    except (OSError, ValueError, ocr.OcrError) as exc:
        out["captures"].append(capture | {"status": "error", "message": f"{rel}: {exc}"})
        return
    sid = sha256_hex(png)
    where = {
        "source_id": source.id,
        "capture_id": capture["capture_id"],
        "screenshot_id": sid,
        "part_index": 0,
    }
    elements, excluded = ocr_elements(read, where, params.min_confidence)
    size = {"viewport_width": w, "viewport_height": h, **excluded_counts(excluded)}
    if not elements:
        out["captures"].append(capture | size | {"status": "empty", "message": "OCR read no text"})
        return
    out["captures"].append(capture | size | {"status": "ok", "n_parts": 1, "n_elements": len(elements)})
    shot = {"device": "ocr", "platform": capture["platform"], "scroll_y": 0.0, "width": w, "height": h}
    out["screenshots"].append(where | shot | {"png": png})
    out["elements"] += elements
    out["excluded_elements"] += excluded


def screenshot_tables(source: Source, params: OcrParams) -> dict[str, pl.DataFrame]:
    """captures, screenshots, elements and excluded_elements of a folder of screenshots."""
    out: dict[str, list] = {"captures": [], "screenshots": [], "elements": [], "excluded_elements": []}
    for path in image_files(source):
        _image(source, path.relative_to(source.path).as_posix(), path.read_bytes(), params, out)
    return {name: TABLES[name].frame(rows) for name, rows in out.items()}
