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

from PIL import Image

from transforms.capture.crop_image import dark_on_white

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


def read_text(
    image: bytes, timeout: float = 60.0, lang: str = "eng", psm: int = 11, adaptive: bool = False
) -> list[OcrBox]:
    """Word and line boxes of an image (PNG or JPEG bytes), words first in reading order. `psm`:
    tesseract's page segmentation (11, sparse text); `adaptive`: a threshold per tile instead of one for
    the page (reads greyed-out text a page-wide threshold drops)."""
    if not available():
        raise OcrError("tesseract is not installed (apt-get install tesseract-ocr)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", "--psm", str(psm), "-l", lang]
            + (["-c", "thresholding_method=1"] if adaptive else [])
            + ["tsv"],
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


# --- the crop figure: does each element's own crop read as its name? ------------------------------

# Roles whose name a toolkit draws as text inside the element's box (an entry's name is its label,
# drawn beside it; an image's is never drawn).
NAMED_ROLES = {"menuitem", "button", "checkbox", "radio", "tab", "link", "text", "heading", "listitem"}
NAMED_ROLES |= {"treeitem", "cell"}
# Controls that may show an icon alone: one whose box is about square holds no drawn name.
ICON_TAGS = {"push button", "toggle button", "button", "menu button", "check box", "radio button"}
ICON_ASPECT = 1.25
# A tool bar's buttons are icons unless their box is wide enough for a name beside the icon: an icon
# with its drop-down arrow (LibreOffice's New, Paste, Font Color: 44x35 px) is no wider than this.
TOOL_BAR_ICON_ASPECT = 2.0
MIN_LETTERS = 3
MIN_HEIGHT_PX = 12
MIN_VISIBLE = 0.95  # share of the box shown (elements.visible_ratio), as the annotator wants a target
MIN_PX_PER_LETTER = 4  # a box narrower than this per letter of its name cannot hold it drawn as text
CROP_GAP_PX = 12  # blank rows between two crops of the stitched image
READ_SIMILARITY = 0.8


def shows_name(element: dict) -> str | None:
    """Whether an element claims to show its name as text: "text" (a role whose name is drawn, 3+
    letters, 12+ px high, wide enough for it), "icon" (a button too square or too narrow for its name:
    an icon-only control, counted apart), or None (nothing to check)."""
    name = element.get("text") or ""
    height, width = element["y2"] - element["y1"], element["x2"] - element["x1"]
    if element.get("role") not in NAMED_ROLES or sum(c.isalpha() for c in name) < MIN_LETTERS:
        return None
    if height < MIN_HEIGHT_PX or (element.get("visible_ratio") or 1.0) < MIN_VISIBLE:
        return None  # too small to read, or partly covered or scrolled out: its name is not all shown
    icon_aspect = TOOL_BAR_ICON_ASPECT if "tool_bar" in (element.get("css_path") or "") else ICON_ASPECT
    if width < MIN_PX_PER_LETTER * len(name.strip()) or (
        element.get("tag") in ICON_TAGS and width <= icon_aspect * height
    ):
        return "icon"
    return "text"


def reads_as(name: str, read: str, elided: bool = True) -> bool:
    """Whether OCR's text of a crop reads as the name: the name inside it, or a run of its words as
    many as the name's (one more or fewer) at similarity >= READ_SIMILARITY (a menu item's crop also
    holds its shortcut; a check box's, its box). `elided`: a name drawn shortened at an ellipsis counts
    (its box is right); else only the whole name does, as a label may quote it ('Manicha…' is not
    'Manichaean', nor is 'Manicha' when OCR drops the ellipsis)."""
    want, got = normal(name), normal(read)
    if not want or not got:
        return False
    if elided and _elided(want, read):
        return True
    if want in got or want.replace(" ", "") in got.replace(" ", ""):
        return True
    words = [(w, False) for w in got.split()] if elided else _words(read)
    cut_means_shortened = not ELLIPSIS.search(name)  # the name has none: one read after a word is a cut
    k = len(want.split())
    for size in {max(1, k - 1), k, k + 1}:
        for start in range(max(1, len(words) - size + 1)):
            run = words[start : start + size]
            piece = " ".join(w for w, _ in run)
            if not elided and ((cut_means_shortened and run[-1][1]) or len(piece) < len(want) - 1):
                continue
            if SequenceMatcher(None, want, piece).ratio() >= READ_SIMILARITY:
                return True
    return False


def _words(read: str) -> list[tuple[str, bool]]:
    """The words of a read, each with whether an ellipsis ends it (a name shortened there)."""
    out = []
    for token in ELLIPSIS.sub("… ", read).split():
        word = normal(token)
        if word:
            out.append((word, token.endswith("…")))
        elif token == "…" and out:
            out[-1] = (out[-1][0], True)
    return out


ELLIPSIS = re.compile(r"\.{2,}|…")


def _elided(want: str, read: str) -> bool:
    """A name drawn shortened at an ellipsis: in its middle ('6 Dec …:57:36'), the words next to the
    ellipsis are in the name, in that order, 4+ characters together; at its end ('Document Prop…'), what
    is drawn, 5+ characters, begins the name. At the end of a narrow box OCR may read the ellipsis as
    one dot ('Medefai.' for Medefaidrin in gucharmap's 72-px script column)."""
    if not ELLIPSIS.search(read):
        read = re.sub(r"\s?\.\s*$", "…", read.strip())
    parts = ELLIPSIS.split(read)
    if len(parts) != 2:
        return False
    if not normal(parts[1]):  # shortened at its end: what is drawn begins the name
        return len(normal(parts[0])) >= 5 and want.startswith(normal(parts[0]))
    head = (normal(parts[0]).split() or [""])[-1]
    tail = normal(parts[1]).split()[0]
    at = want.find(head)
    return len(head + tail) >= 4 and at >= 0 and tail in want[at + len(head) :]


def stitch(
    image: Image.Image, boxes: list[tuple], scale: float = 2.0
) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The crops of `boxes` (dark text on white, `scale` times their size) stacked on a white page, and each
    crop's rows on it: one OCR run reads them all. A crop is the box alone: a margin around it brings
    in its frame or its neighbours' edges, and tesseract takes text inside a drawn frame for a picture
    (qterminal's framed "Size: 126 x 38", a menu's items between their neighbours' borders)."""
    crops = []
    for x1, y1, x2, y2 in boxes:
        box = (max(0, int(x1)), max(0, int(y1)), min(image.width, int(x2)), min(image.height, int(y2)))
        if box[2] <= box[0] or box[3] <= box[1]:  # wholly off the screenshot: nothing to read
            box = (0, 0, 1, 1)
        grey = dark_on_white(image.crop(box))
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        crops.append(grey.resize(size, Image.LANCZOS))
    width = max((c.width for c in crops), default=1) + 2 * CROP_GAP_PX
    height = sum(c.height + CROP_GAP_PX for c in crops) + CROP_GAP_PX
    page = Image.new("L", (width, height), 255)
    rows, y = [], CROP_GAP_PX
    for crop in crops:
        page.paste(crop, (CROP_GAP_PX, y))
        rows.append((y, y + crop.height))
        y += crop.height + CROP_GAP_PX
    return page, rows


def crop_reads(
    png: bytes, texts: list[tuple[str, tuple]], timeout: float = 60.0, whole: bool = False
) -> list[bool]:
    """For each (name, box) of a screenshot: whether OCR of the box's crop reads as the name (`whole`:
    the whole name, not shortened at an ellipsis). A crop not read so is read once more, alone with
    the others not read, at RETRY_SCALE times its size: tesseract misreads a word at one size that it
    reads at another ('nome' for home)."""
    if not texts:
        return []
    image = Image.open(io.BytesIO(png)).convert("RGB")
    names, boxes = [name for name, _ in texts], [box for _, box in texts]
    out = [reads_as(n, got, elided=not whole) for n, got in zip(names, _read_crops(image, boxes, timeout))]
    again = [k for k, ok in enumerate(out) if not ok]
    if again:
        got = _read_crops(image, [boxes[k] for k in again], timeout, RETRY_SCALE)
        for k, read in zip(again, got):
            out[k] = reads_as(names[k], read, elided=not whole)
    return out


RETRY_SCALE = 3.0


def _read_crops(image: Image.Image, boxes: list[tuple], timeout: float, scale: float = 2.0) -> list[str]:
    """OCR's text of each box's crop: the crops stitched on one page, one tesseract run."""
    page, rows = stitch(image, boxes, scale)
    out = io.BytesIO()
    page.save(out, "PNG")
    words = [w for w in read_text(out.getvalue(), timeout=timeout) if w.level == "word"]
    read = [[] for _ in rows]
    for w in words:
        cy = (w.box[1] + w.box[3]) / 2
        k = next(
            (
                k
                for k, (top, bottom) in enumerate(rows)
                if top - CROP_GAP_PX / 2 <= cy < bottom + CROP_GAP_PX / 2
            ),
            None,
        )
        if k is not None:
            read[k].append(w.text)
    return [" ".join(got) for got in read]


def crop_alignment(png: bytes, elements: list[dict], timeout: float = 60.0) -> tuple[int, int, int]:
    """(elements that show their name as text, those whose crop OCR reads as the name, icon-only
    controls apart) of one screenshot's published elements."""
    kinds = [shows_name(e) for e in elements]
    texts = [
        (e["text"], (e["x1"], e["y1"], e["x2"], e["y2"])) for e, k in zip(elements, kinds) if k == "text"
    ]
    return len(texts), sum(crop_reads(png, texts, timeout)), kinds.count("icon")
