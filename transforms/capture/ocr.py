"""Text boxes read by OCR (tesseract), and the alignment check they give every capture.

Tesseract runs as its command-line program with `--psm 11` (sparse text: UI text is scattered words,
not paragraphs; `--psm 3` finds almost none) and `OMP_THREAD_LIMIT=1` (its threads cost 4-10x more
than they save on a busy machine). Its TSV gives word boxes with a confidence (0-100); a line's box is
the union of its words' boxes and its confidence their mean.

The alignment check: for each text box of the accessibility tree or the DOM whose text OCR read
somewhere on the same screenshot (similarity >= 0.8), is OCR's box of that text where the element's
box is (IoU >= 0.5, or the text box lying inside the element's box, as a label inside a wider button)?
The share found is a per-application figure; an offset such as LibreOffice's VCL widgets' 25 px
shows up as a low share.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from difflib import SequenceMatcher

TESSERACT = "tesseract"
TEXT_SIMILARITY = 0.9
NEAR_PX = 30  # an OCR box of the same text counts only within this (or the box's height) of the box


class OcrError(RuntimeError):
    """tesseract is missing or failed on an image."""


@dataclass(frozen=True)
class OcrBox:
    level: str  # word or line
    text: str
    confidence: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in image pixels


def available() -> bool:
    return shutil.which(TESSERACT) is not None


def read_text(image: bytes, timeout: float = 60.0, lang: str = "eng") -> list[OcrBox]:
    """Word and line boxes of an image (PNG or JPEG bytes), words first in reading order."""
    if not available():
        raise OcrError("tesseract is not installed (apt-get install tesseract-ocr)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", "--psm", "11", "-l", lang, "tsv"],
            input=image,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract took more than {timeout:g} s") from exc
    if done.returncode != 0:
        raise OcrError(f"tesseract failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[OcrBox]:
    """Tesseract's TSV as word boxes (level 5 rows with text) and line boxes (their union per line)."""
    words, lines = [], {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = float(row["left"]), float(row["top"])
        box = (left, top, left + float(row["width"]), top + float(row["height"]))
        word = OcrBox("word", text, float(row["conf"]), box)
        words.append(word)
        lines.setdefault((row["page_num"], row["block_num"], row["par_num"], row["line_num"]), []).append(
            word
        )
    out = list(words)
    for members in lines.values():
        if len(members) < 2:  # a one-word line is its word
            continue
        box = (
            min(w.box[0] for w in members),
            min(w.box[1] for w in members),
            max(w.box[2] for w in members),
            max(w.box[3] for w in members),
        )
        confidence = sum(w.confidence for w in members) / len(members)
        out.append(OcrBox("line", " ".join(w.text for w in members), round(confidence, 2), box))
    return out


# --- alignment -------------------------------------------------------------------------------------


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _inside(inner, outer, share: float = 0.9) -> bool:
    ix = max(0.0, min(inner[2], outer[2]) - max(inner[0], outer[0]))
    iy = max(0.0, min(inner[3], outer[3]) - max(inner[1], outer[1]))
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return area > 0 and ix * iy >= share * area


def normal(text: str) -> str:
    """Lower case, mnemonic underscores and ellipses dropped, punctuation trimmed, whitespace collapsed."""
    text = re.sub(r"[_&]", "", text.lower()).replace("…", "").replace("...", "")
    return " ".join(text.split()).strip(" .,:;!?'\"")


def _near(inner, box) -> bool:
    """The centre of `inner` lies within the box grown by NEAR_PX (or its height) on every side."""
    grow = max(NEAR_PX, box[3] - box[1])
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return box[0] - grow <= cx <= box[2] + grow and box[1] - grow <= cy <= box[3] + grow


def alignment(texts: list[tuple[str, tuple]], ocr: list[OcrBox], min_iou: float = 0.5) -> tuple[int, int]:
    """(text boxes checked, found aligned): a box is checked when OCR read its text near it (a box's
    height, at least NEAR_PX, around it: a label's name read elsewhere on the screen says nothing about
    this box), found when one such OCR box has IoU >= min_iou with it or lies inside it."""
    read = [(normal(o.text), o.box) for o in ocr]
    checked = found = 0
    for text, box in texts:
        want = normal(text)
        if len(want) < 2 or not re.search(r"[a-z0-9]", want):
            continue
        same = [
            b
            for t, b in read
            if t and _near(b, box) and SequenceMatcher(None, want, t).ratio() >= TEXT_SIMILARITY
        ]
        if not same:
            continue
        checked += 1
        if any(iou(box, b) >= min_iou or _inside(b, box) for b in same):
            found += 1
    return checked, found
