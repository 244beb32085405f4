"""Licence, provenance and language on every published row of captures, screenshots, grounding,
instructions and howto (their published forms: schemas/provenance.py).

`captured_at` must not make an identical rerun publish other bytes, so it is no wall-clock stamp of the
run: it is when a capture of the same content (the same capture_id, a hash of the page's bytes and the
device) was first made. That is the earliest of its time in the version published now (kept from version
to version), its start time in the capture run log (data/logs/capture_timings), and, for a capture
neither knows (an imported dataset record has no run log), the time of the publish that first
published it."""

from __future__ import annotations

import importlib.metadata
import threading
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from schemas import registry

CAPTURE_TIME = pl.Datetime("us", "UTC")
# The column of each table whose words the language is detected on.
TEXT_OF = {"grounding": "expression", "instructions": "instruction", "howto": "goal"}


def pipeline_version() -> str:
    """The version of the groundmill package (pyproject.toml): one per release, not one per commit."""
    try:
        return importlib.metadata.version("groundmill")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        return tomllib.loads(pyproject.read_text())["project"]["version"]


def first_captured(
    captures: pl.DataFrame, previous: pl.DataFrame, timings: pl.DataFrame, now: datetime
) -> pl.DataFrame:
    """capture_id and captured_at for each of `captures`: the earliest of its `captured_at` published
    before (`previous`), its `started_at` in the run log (`timings`; a start at the epoch is no time),
    and `now` where neither knows it."""
    known = pl.concat(
        [
            previous.select("capture_id", pl.col("captured_at").cast(CAPTURE_TIME)),
            timings.select("capture_id", pl.col("started_at").cast(CAPTURE_TIME).alias("captured_at")),
        ]
    ).filter(pl.col("captured_at") > pl.lit(0).cast(CAPTURE_TIME))
    earliest = known.group_by("capture_id").agg(pl.col("captured_at").min())
    return (
        captures.select("capture_id")
        .unique(maintain_order=True)
        .join(earliest, on="capture_id", how="left")
        .with_columns(pl.col("captured_at").fill_null(pl.lit(now).cast(CAPTURE_TIME)))
    )


_LOCK = threading.Lock()  # one identifier per process, restricted to one set of languages at a time
_IDENTIFIER: list = []


def _identifier(languages: tuple[str, ...]):
    """py3langid's identifier with normalised probabilities, loaded once per process (about 2 s) and
    restricted to `languages` (all it knows where empty); call it holding _LOCK."""
    if not _IDENTIFIER:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    identifier = _IDENTIFIER[0]
    identifier.set_languages(list(languages) or None)
    return identifier


def detect_languages(texts: pl.Series, min_confidence: float, languages: tuple[str, ...] = ()) -> pl.Series:
    """The ISO 639-1 code of each text among `languages` (py3langid, offline and deterministic); null
    where the detector's probability for its best language is under `min_confidence` (short texts:
    'Save', 'OK'), or where that language has no two-letter code."""
    distinct = [t for t in texts.unique().to_list() if t]
    found = {}
    if distinct:
        with _LOCK:
            identifier = _identifier(languages)
            for text in distinct:
                code, probability = identifier.classify(text)
                found[text] = code if probability >= min_confidence and len(code) == 2 else None
    return texts.replace_strict(found, default=None, return_dtype=pl.String).alias("language")


@dataclass(frozen=True)
class Stamp:
    """What publish writes on every row of one source: its licence, the pipeline version, and how sure
    the language detector must be."""

    license: str
    pipeline_version: str
    language_min_confidence: float
    languages: tuple[str, ...] = ()  # the languages a row may be detected in (all py3langid knows: ())


def with_provenance(
    tables: dict[str, pl.DataFrame], captured: pl.DataFrame, stamp: Stamp
) -> dict[str, pl.DataFrame]:
    """A source's curated tables in; the same tables with captures, screenshots, grounding, instructions
    and howto in their published forms (`captured`: capture_id -> captured_at, from `first_captured`)."""
    out = dict(tables)
    common = [
        pl.lit(stamp.license).alias("license"),
        pl.lit(stamp.pipeline_version).alias("pipeline_version"),
    ]
    captures = (
        tables["captures"]
        .join(captured, on="capture_id", how="left", maintain_order="left")
        .with_columns(common)
    )
    out["captures"] = captures
    of_capture = captures.select("capture_id", "page_path", "captured_at").unique("capture_id", keep="first")
    screenshots = (
        tables["screenshots"]
        .join(of_capture, on="capture_id", how="left", maintain_order="left")
        .with_columns(common)
    )
    out["screenshots"] = screenshots
    # a screenshot's first capture (by id) names its page where two captures made the same image
    of_screenshot = (
        screenshots.sort("capture_id")
        .unique("screenshot_id", keep="first")
        .select("screenshot_id", "page_path", "captured_at")
    )
    for table in ("grounding", "instructions"):
        out[table] = (
            tables[table]
            .join(of_screenshot, on="screenshot_id", how="left", maintain_order="left")
            .with_columns(common)
        )
    out["howto"] = (
        tables["howto"]
        .join(captured, on="capture_id", how="left", maintain_order="left")
        .with_columns(common)
    )
    for table, text in TEXT_OF.items():
        out[table] = out[table].with_columns(
            detect_languages(out[table][text], stamp.language_min_confidence, stamp.languages)
        )
    for table in registry.PUBLISHED_FORM:
        out[table] = registry.table(registry.PUBLISHED_FORM[table]).conform(out[table])
    return out
