"""Reading an imported dataset's files: ScreenSpot-style JSON (ScreenSpot v1/v2, ScreenSpot-Pro and the
benchmarks in its format, SeeClick / OS-Atlas) with its image folder, or a local Hugging Face `datasets`
folder (Parquet shards as on the Hub, or `save_to_disk` output).

Every record comes out as a `Found`: its image name and a reader of the image's bytes, or the reason it is
refused (not a record, an image path that is absolute or leaves the image folder). A file that cannot be
read (truncated, not UTF-8, not a list) comes out as a `BadFile`, and the files beside it are still read.
Nothing outside the image folder is ever opened: names are checked before any path is built, and the path
they name must still lie inside the folder once symlinks are resolved.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from schemas.config import Source
from transforms.ids import sha256_hex
from transforms.sources import SourceError

HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # save_to_disk output
ANNOTATIONS = "annotations"  # ScreenSpot-Pro's layout: annotations/*.json beside images/


@dataclass(frozen=True)
class Found:
    """One record as read: the file (or split) it came from, the record as parsed, its image name and a
    reader of the image's bytes; or, for a refused record, `refused` and `message` instead of a reader."""

    file: str
    where: str  # its place in the file: "record 12", "record 12, element 3", "row 5"
    record: Any
    image: str = ""
    read: Callable[[], bytes] | None = None
    refused: str | None = None
    message: str = ""


@dataclass(frozen=True)
class BadFile:
    """A file of the source that could not be read at all, and why."""

    name: str
    message: str


def unsafe_name(name: str) -> str | None:
    """Why an image name may not be used as a path under the image folder (None when it may): absolute
    (POSIX or Windows), climbing out with `..` (either separator), empty, or holding a NUL."""
    if not name.strip() or "\x00" in name:
        return "is empty or holds a NUL character"
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or windows.root:
        return "is an absolute path"
    if ".." in posix.parts or ".." in windows.parts:
        return "climbs out of the image folder with '..'"
    return None


def inside(folder: Path, name: str) -> Path | None:
    """folder/name when it lies inside `folder` once symlinks are resolved, else None."""
    path = folder / name
    return path if path.resolve().is_relative_to(folder.resolve()) else None


def found(file: str, where: str, record: Any, folder: Path) -> Found:
    """A ScreenSpot-style record whose image is `img_filename` under `folder`."""
    if not isinstance(record, dict):
        why = f"a record is a JSON object, not {type(record).__name__}"
        return Found(file, where, record, refused="not_a_record", message=why)
    name = record.get("img_filename")
    if not isinstance(name, str) or not name:
        return Found(file, where, record, refused="not_a_record", message="the record has no img_filename")
    why = unsafe_name(name)
    path = None if why else inside(folder, name)
    if path is None:
        why = f"img_filename {name!r} {why or 'leads out of the image folder (a symbolic link)'}"
        return Found(file, where, record, name, refused="image_path_unsafe", message=why)
    return Found(file, where, record, name, path.read_bytes)


def is_hf_folder(path: Path) -> bool:
    """A datasets folder: `save_to_disk` output, or Parquet shards (as `snapshot_download` leaves them)."""
    return path.is_dir() and (any((path / m).exists() for m in HF_MARKERS) or any(path.rglob("*.parquet")))


def record_files(source: Source) -> list[Path]:
    """The JSON files of a source: the file it names, or the *.json of its folder (or of the folder's
    annotations/, as ScreenSpot-Pro is published)."""
    path = source.path
    if path.is_file():
        return [path]
    files = sorted(f for f in path.glob("*.json") if f.is_file()) if path.is_dir() else []
    if not files and (path / ANNOTATIONS).is_dir():
        files = sorted(f for f in (path / ANNOTATIONS).glob("*.json") if f.is_file())
    if not files:
        raise SourceError(f"source {source.id!r}: no ScreenSpot JSON at {path}")
    return files


def image_folder(source: Source) -> Path:
    """The folder image names are relative to: `images` when the source names one, else images/ beside
    the JSON (or beside its annotations/ folder), else the JSON's own folder."""
    if source.images:
        return Path(source.images)
    base = source.path if source.path.is_dir() else source.path.parent
    if (base / "images").is_dir():
        return base / "images"
    if base.name == ANNOTATIONS and (base.parent / "images").is_dir():
        return base.parent / "images"
    return base


def _load(file: Path, name: str) -> list | BadFile:
    try:
        doc = json.loads(file.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return BadFile(name, f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except json.JSONDecodeError as exc:
        return BadFile(
            name, f"{name} is not valid JSON, truncated? ({exc.msg}: line {exc.lineno} column {exc.colno})"
        )
    except OSError as exc:
        return BadFile(name, f"{name} could not be read: {exc}")
    if not isinstance(doc, list):
        return BadFile(name, f"{name} holds a JSON {type(doc).__name__}, not a list of records")
    return doc


def _flat(record: Any, where: str) -> list[tuple[str, Any]]:
    """(place, record): the record, or, in the SeeClick / OS-Atlas layout (an image with a list of
    `elements`), one record per element: the image's fields with the element's."""
    elements = record.get("elements") if isinstance(record, dict) and "bbox" not in record else None
    if not isinstance(elements, list):
        return [(where, record)]
    image = {k: v for k, v in record.items() if k != "elements"}
    return [
        (f"{where}, element {k}", image | e if isinstance(e, dict) else e) for k, e in enumerate(elements)
    ]


def json_items(source: Source) -> Iterator[Found | BadFile]:
    """The records of a source's JSON files, in file order; a file that cannot be read as a `BadFile`."""
    folder = image_folder(source)
    base = source.path if source.path.is_dir() else source.path.parent
    for file in record_files(source):
        name = file.relative_to(base).as_posix()
        doc = _load(file, name)
        if isinstance(doc, BadFile):
            yield doc
            continue
        for i, record in enumerate(doc):
            for where, flat in _flat(record, f"record {i}"):
                yield found(name, where, flat, folder)


def _hf_path(source: Source, where: str) -> Path | None:
    """The file a datasets Image names by path, when it lies inside the source's folder or image folder."""
    folders = [source.path, *([Path(source.images)] if source.images else [])]
    path = Path(where)
    if not where or (not path.is_absolute() and unsafe_name(where)):
        return None
    candidates = [path] if path.is_absolute() else [f / where for f in folders]
    ok = [c for c in candidates if any(c.resolve().is_relative_to(f.resolve()) for f in folders)]
    return next((c for c in ok if c.exists()), ok[0] if ok else None)


def _hf_found(source: Source, file: str, index: int, row: dict, column: str) -> Found:
    """A datasets row: its image's bytes (embedded, or a file inside the source's folders), named by
    `img_filename` or `file_name`, else by the hash of its bytes (or its path)."""
    image, where = row.pop(column) or {}, f"row {index}"
    name = row.get("img_filename") or row.get("file_name")
    if name is not None and (not isinstance(name, str) or unsafe_name(name)):
        why = f"image name {name!r} {unsafe_name(name) if isinstance(name, str) else 'is not a string'}"
        return Found(file, where, row, str(name), refused="image_path_unsafe", message=why)
    if image.get("bytes"):
        raw = image["bytes"]
        return Found(file, where, row, name or f"{sha256_hex(raw)}.png", lambda: raw)
    path = _hf_path(source, image.get("path") or "")
    if path is None:
        shown = image.get("path")
        why = f"image path {shown!r} lies outside the dataset's folders" if shown else "the row has no image"
        return Found(file, where, row, name or "", refused="image_path_unsafe", message=why)
    return Found(file, where, row, name or str(path), path.read_bytes)


def hf_items(source: Source) -> Iterator[Found | BadFile]:
    """The rows of a local datasets folder, every split, the first `Image` column as the image and the
    other columns as the record; a shard that cannot be read as a `BadFile`, the others still read."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # a local folder: never the Hub
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = source.path
    if any((path / m).exists() for m in HF_MARKERS):
        parts = [(path.name, lambda: _saved_splits(path))]
    else:
        parts = [
            (name, lambda shard=shard, name=name: _shard_rows(pq, datasets, shard, name))
            for shard, name in ((s, s.relative_to(path).as_posix()) for s in sorted(path.rglob("*.parquet")))
        ]
    for name, rows in parts:
        try:
            for file, index, row, column in rows():
                yield _hf_found(source, file, index, row, column)
        except (OSError, ValueError, pa.ArrowException, datasets.exceptions.DatasetsError) as exc:
            yield BadFile(name, f"{name} could not be read: {type(exc).__name__}: {exc}")


def _image_column(datasets, features) -> str:
    column = next((c for c, f in features.items() if isinstance(f, datasets.Image)), None)
    if column is None:
        raise ValueError("no Image column")
    return column


def _saved_splits(path: Path) -> Iterator[tuple[str, int, dict, str]]:
    import datasets

    loaded = datasets.load_from_disk(str(path))
    splits = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [("train", loaded)]
    for split, table in splits:
        column = _image_column(datasets, table.features)
        for index, row in enumerate(table.cast_column(column, datasets.Image(decode=False))):
            yield split, index, row, column


def _shard_rows(pq, datasets, shard: Path, name: str) -> Iterator[tuple[str, int, dict, str]]:
    """A Parquet shard's rows, batch by batch."""
    file = pq.ParquetFile(shard)
    column = _image_column(datasets, datasets.Features.from_arrow_schema(file.schema_arrow))
    index = 0
    for batch in file.iter_batches(batch_size=64):
        for row in batch.to_pylist():
            yield name, index, row, column
            index += 1
