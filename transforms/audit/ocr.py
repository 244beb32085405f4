"""The screenshot's own text as tesseract reads it: independent of the DOM the annotators read.

Each screenshot is read once (grey, scaled up so that small web text reaches tesseract's preferred
x-height), page segmentation mode 11 (sparse text: a web page is not a column of prose), one OpenMP thread
per process, and several processes at once. The words are cached by screenshot id, as JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from transforms.storage import write_bytes_atomic

TESSERACT = "tesseract"


class OcrUnavailable(RuntimeError):
    """tesseract is not installed (scripts/bootstrap installs it)."""


def _prepared(png: bytes, scale: float) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        if scale != 1:
            grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.LANCZOS)
        out = io.BytesIO()
        grey.save(out, "PNG")
        return out.getvalue()


SHEET_GAP = 24  # white around each region stacked for a closer read: tesseract reads text with a margin best
MAX_SIDE = 32000  # tesseract reads no image with a side over 32,767 pixels


def _stacked(crops) -> int:
    return sum(c.height + SHEET_GAP for c in crops) + SHEET_GAP


def _sheets(crops: list, max_height: float) -> list[list[int]]:
    """The crops (by index) in sheets no taller than `max_height` stacked; a crop too tall for a sheet of
    its own is read in none (it gets no words)."""
    sheets: list[list[int]] = []
    for i, crop in enumerate(crops):
        if _stacked([crop]) > max_height:
            continue
        if not sheets or _stacked([crops[j] for j in sheets[-1]] + [crop]) > max_height:
            sheets.append([])
        sheets[-1].append(i)
    return sheets


def crop_png(png: bytes, box: tuple[int, int, int, int]) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.crop(box).save(out, "PNG")
        return out.getvalue()


def read_words(png: bytes, scale: float, min_conf: float, timeout_s: float) -> list[dict]:
    """The words tesseract reads on one screenshot: text, confidence and box in screenshot pixels."""
    if shutil.which(TESSERACT) is None:
        raise OcrUnavailable("tesseract not found: install tesseract-ocr (scripts/bootstrap does)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [TESSERACT, "stdin", "stdout", "--psm", "11", "-l", "eng", "tsv"],
        input=_prepared(png, scale),
        capture_output=True,
        env=env,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.decode(errors='replace')[:200]}")
    words = []
    table = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=3)
    for row in table:
        text = (row.get("text") or "").strip()
        conf = float(row.get("conf") or -1)
        if not text or conf < min_conf:
            continue
        box = [int(row[k]) / scale for k in ("left", "top", "width", "height")]
        words.append({"text": text, "conf": round(conf, 1), "box": [round(v, 1) for v in box]})
    return words


class OcrCache:
    """Words per screenshot id, read once and kept as JSON files under `folder`."""

    def __init__(self, folder: Path, scale: float, min_conf: float, timeout_s: float = 300.0):
        self.folder = folder
        self.scale, self.min_conf, self.timeout_s = scale, min_conf, timeout_s
        self.hits = self.reads = 0

    def _path(self, screenshot_id: str) -> Path:
        tag = f"s{self.scale:g}-c{self.min_conf:g}"
        return self.folder / tag / screenshot_id[:2] / f"{screenshot_id}.json"

    def words(self, screenshot_id: str, png: bytes) -> list[dict]:
        path = self._path(screenshot_id)
        if path.exists():
            self.hits += 1
            return json.loads(path.read_text())
        words = read_words(png, self.scale, self.min_conf, self.timeout_s)
        write_bytes_atomic(json.dumps(words, ensure_ascii=False).encode(), path)
        self.reads += 1
        return words

    def _regions_path(self, screenshot_id: str) -> Path:
        return self._path(screenshot_id).with_suffix(".regions.json")

    def regions(self, screenshot_id: str, png: bytes, boxes: list[tuple[int, int, int, int]]) -> dict:
        """A second, closer read (twice the page-wide scale) of regions of one screenshot, for small text
        the page-wide read missed: the regions not read before are stacked into images (as few as tesseract's
        largest side allows) and each read at once. Returns {box: words}; cached with the screenshot."""
        path = self._regions_path(screenshot_id)
        known = json.loads(path.read_text()) if path.exists() else {}
        key = {box: ",".join(map(str, box)) for box in boxes}
        new = [b for b in dict.fromkeys(boxes) if key[b] not in known]
        if new:
            with Image.open(io.BytesIO(png)) as image:
                crops = [image.convert("L").crop(b) for b in new]
            known.update({key[b]: [] for b in new})  # a region too tall for a sheet of its own: no words
            for sheet in _sheets(crops, MAX_SIDE / (2 * self.scale)):
                known.update(self._read_sheet([(key[new[i]], crops[i]) for i in sheet]))
            write_bytes_atomic(json.dumps(known, ensure_ascii=False).encode(), path)
            self.reads += 1
        else:
            self.hits += 1
        return {b: known[key[b]] for b in boxes}

    def _read_sheet(self, crops: list[tuple[str, Image.Image]]) -> dict[str, list]:
        """The words of crops stacked into one image, read at once, by the key of each crop."""
        gap = SHEET_GAP
        size = (max(c.width for _, c in crops) + 2 * gap, _stacked([c for _, c in crops]))
        image = Image.new("L", size, 255)
        tops, y = [], gap
        for _, crop in crops:
            image.paste(crop, (gap, y))
            tops.append(y)
            y += crop.height + gap
        out = io.BytesIO()
        image.save(out, "PNG")
        words = read_words(out.getvalue(), 2 * self.scale, self.min_conf, self.timeout_s)
        return {
            k: [w for w in words if top <= w["box"][1] + w["box"][3] / 2 < top + crop.height]
            for (k, crop), top in zip(crops, tops)
        }

    def all_regions(self, wanted: dict[str, tuple[bytes, list]], workers: int) -> dict[str, dict]:
        """`regions` for many screenshots ({id: (png, boxes)}), `workers` tesseract processes at once."""
        ids = sorted(wanted)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(zip(ids, pool.map(lambda s: self.regions(s, *wanted[s]), ids)))

    def all_words(self, pngs: dict[str, bytes], workers: int) -> dict[str, list[dict]]:
        """Words of every screenshot in `pngs`, `workers` tesseract processes at once."""
        ids = sorted(pngs)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(zip(ids, pool.map(lambda s: self.words(s, pngs[s]), ids)))
