"""The two configuration files as typed models: params.yaml (`Params`) and sources.yaml (`Source`).

Every model is frozen and refuses unknown keys, so a misspelt setting is an error instead of a default
silently applied; booleans are strict, so a quoted "false" is refused instead of reading as true.
`load_params` and `load_sources` turn every YAML or validation problem into one ConfigError whose
message is a single line naming the file, the key and what is allowed.

Only pydantic, PyYAML and the standard library: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from schemas.config_annotate import (  # noqa: F401 (ModelParams, HowtoParams: imported from here too)
    AnnotateParams,
    AnyCount,
    AuditParams,
    Bits,
    Count,
    Frozen,
    HowtoParams,
    ModelParams,
    Pause,
    Positive,
    Seconds,
    Share,
)
from schemas.config_capture import (  # noqa: F401 (the capture sections: imported from here too)
    BUILT_IN,
    STANDARD,
    CaptureParams,
    DesktopParams,
    Device,
    DeviceProfile,
    OcrParams,
)
from schemas.config_curate import (  # noqa: F401 (the curate sections: imported from here too)
    CurateParams,
    DifficultyParams,
    EmpiricalParams,
    MinHashParams,
    NearDupParams,
    PerspectiveFactors,
)
from schemas.config_errors import ConfigError, SourceError, one_line, read_yaml

# --- params.yaml ---------------------------------------------------------------------------------------


class RunParams(Frozen):
    task_runner: str = "threads"  # threads, or dask
    max_workers: Count | None = None  # threads: tasks at once (default: Prefect's)
    dask_address: str | None = None  # dask: the scheduler of an existing cluster; none starts a local one
    dask_workers: Count = 2  # dask: processes of the local cluster, one thread each
    server_start_timeout_s: int = Field(120, ge=1)  # the temporary Prefect server's start, per try


class ExportParams(Frozen):
    validation: Share = 0.05  # share of clusters in the validation split
    test: Share = 0.05  # and in the test split; the rest is train
    shard_mb: Positive = 500  # Parquet shards of the HF export stay under this size (MB)
    # The resize rule of Qwen2.5-VL-style models (`export chat --coords absolute`): each side a multiple of
    # resize_factor (patch 14 x merge 2), the area between min_pixels and max_pixels, the aspect kept.
    resize_factor: int = Field(28, ge=1)
    min_pixels: int = Field(3136, ge=1)
    max_pixels: int = Field(12845056, ge=1)
    max_aspect: float = Field(200.0, gt=1)  # a longer side over the shorter beyond this is refused

    @model_validator(mode="after")
    def _in_order(self) -> ExportParams:
        if self.validation + self.test >= 1:
            raise ValueError("validation + test take every cluster: their shares must add up to under 1")
        if self.min_pixels > self.max_pixels:
            raise ValueError(f"min_pixels {self.min_pixels} is above max_pixels {self.max_pixels}")
        if self.max_pixels < self.resize_factor**2:
            raise ValueError(f"max_pixels {self.max_pixels} holds no {self.resize_factor}-pixel square")
        return self


# The languages of user interfaces a row's text is detected among: the detector, left to all the ~100 it
# knows, names Welsh or Frisian for short English commands ('add a todo', 'search in gitlab').
LANGUAGES = tuple(
    "en de fr es it pt nl ru zh ja ko ar pl tr sv da no fi cs uk el he hi id vi th hu ro".split()
)


Cap = AnyCount  # a cap of 0 keeps no row of that value
Weight = Annotated[float, Field(ge=0)]  # made relative over the values named


class MixParams(Frozen):
    """What the exports keep (transforms/publish/mix.py): caps on rows per source, screenshot, perspective
    and action type (one number for every value, or a number per value, the values not named uncapped),
    then target shares of element kinds and languages (weights, made relative over the values named;
    values not named keep all their rows). Nothing set: every row is kept."""

    per_source: Cap | dict[str, Cap] | None = None
    per_screenshot: Cap | None = None
    per_perspective: Cap | dict[str, Cap] | None = None
    per_action_type: Cap | dict[str, Cap] | None = None
    kinds: dict[Literal["icon", "text", "field"], Weight] = {}
    languages: dict[str, Weight] = {}  # ISO 639-1 codes of the rows' `language` column
    seed: AnyCount = 0  # salts the hash that picks the rows kept

    @field_validator("kinds", "languages")
    @classmethod
    def _some_weight(cls, value: dict[str, float]) -> dict[str, float]:
        if value and not any(value.values()):
            raise ValueError("every share is 0: give one share above 0, or none at all")
        return value


class ReleaseParams(Frozen):
    release: StrictBool = True  # commit, tag and push each published version
    push: StrictBool = True  # dvc push to the default remote
    tag_prefix: str = "dataset/"  # git tag = prefix + version
    # a row's language: the detector's best guess among `languages` (ISO 639-1), where it is at least
    # `language_min_confidence` sure (else null)
    language_min_confidence: float = Field(0.6, ge=0, le=1)
    languages: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], ...] = LANGUAGES


class Params(Frozen):
    """params.yaml. `devices` comes before `capture`: fields validate in order, and capture's device
    names are looked up among the profiles already validated."""

    run: RunParams = RunParams()
    devices: dict[str, DeviceProfile] = {}
    capture: CaptureParams = CaptureParams()
    annotate: AnnotateParams = AnnotateParams()
    difficulty: DifficultyParams = DifficultyParams()
    near_dup: NearDupParams = NearDupParams()
    publish: ReleaseParams = ReleaseParams()
    export: ExportParams = ExportParams()
    mix: MixParams = MixParams()
    audit: AuditParams = AuditParams()

    @field_validator("capture", mode="before")
    @classmethod
    def _devices_by_name(cls, capture: Any, info: ValidationInfo) -> Any:
        if not isinstance(capture, dict) or not isinstance(capture.get("devices"), list):
            return capture
        profiles = info.data.get("devices")
        if profiles is None:  # the devices section itself is wrong: that error is the one to show
            return capture
        known = {**BUILT_IN, **{name: profile.named(name) for name, profile in profiles.items()}}
        unknown = [n for n in capture["devices"] if isinstance(n, str) and n not in known]
        if unknown:
            raise ValueError(
                f"devices: unknown profile {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}"
            )
        return {
            **capture,
            "devices": [known.get(n, n) if isinstance(n, str) else n for n in capture["devices"]],
        }

    @property
    def curate(self) -> CurateParams:
        return CurateParams(difficulty=self.difficulty, near_dup=self.near_dup)


# --- sources.yaml --------------------------------------------------------------------------------------

SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # matched whole: fullmatch (a "$" lets "abc\n" through)
KINDS = ("html_dir", "url_list", "sitemap", "warc", "dataset", "desktop", "screenshots")
Box = Literal["xyxy", "xywh", "norm1", "norm1000"]
Role = Literal["train", "benchmark"]
BOX_CONVENTIONS = get_args(Box)


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


class Politeness(Frozen):
    per_domain: Count = 1  # pages loading at once from one domain
    delay_s: Pause = 1.0  # between page loads from one domain


class DesktopApp(Frozen):
    """One application of a `desktop` source: its command, and files (in the source folder, or
    absolute) copied into the session's HOME and named after the command."""

    name: str
    command: tuple[str, ...]
    files: tuple[str, ...] = ()
    max_states: Count | None = None  # the source's max_states when not set

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not SAFE_ID.match(value):
            raise ValueError(f"app name {value!r} is not a safe name: lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("command", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return value.split() if isinstance(value, str) else value


# The licence of a source whose entry names none: its rows are published with it and the run summary warns;
# `groundmill sources add` refuses such an entry.
UNKNOWN_LICENSE = "unknown"


class Source(Frozen):
    """One source. `location` is a folder (html_dir), a URL list file (url_list), a sitemap URL or
    file (sitemap), a WARC file or folder (warc), or ScreenSpot(-Pro) JSON, a file or a folder of them
    (dataset, with `images` beside it or named, and `box` its convention). Live sources (url_list,
    sitemap) may reach loopback and private addresses only when declared `local`. Relative paths are
    resolved against the folder named `base` in the validation context (the sources file's)."""

    id: str
    kind: str
    location: Path | str
    license: str = UNKNOWN_LICENSE  # an SPDX id (CC-BY-4.0) or a name (proprietary); see UNKNOWN_LICENSE
    # benchmark: its rows are exported only as test rows, and every other source's rows that share its
    # screens or its instructions on its screens are withheld from exports (docs/sources.md#benchmarks)
    role: Role = "train"
    local: StrictBool = False
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()
    politeness: Politeness = Politeness()
    robots: StrictBool = True  # honour robots.txt
    images: Path | None = None  # dataset: the image folder (default: images/ beside the JSON)
    box: Box = "xyxy"  # dataset: xyxy or xywh pixels, norm1 (0..1) or norm1000 (0..1000)
    apps: tuple[DesktopApp, ...] = ()  # desktop: the applications, each in its own session
    screens: tuple[tuple[int, int], ...] = ((1280, 800),)  # desktop: screen sizes, width x height
    max_states: Count = 40  # desktop: states captured per application and screen
    # html sources: the desktop application their help pages describe; their UI how-to procedures are
    # replayed there (transforms/howto/replay.py)
    application: DesktopApp | None = None

    @property
    def path(self) -> Path:
        return Path(self.location)

    @field_validator("license")
    @classmethod
    def _named_license(cls, value: str) -> str:
        return value.strip() or UNKNOWN_LICENSE  # `license: ""` names no licence either

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        # ids name folders: nothing that could climb out of data/ or clash by case
        if not SAFE_ID.fullmatch(value):
            raise ValueError(
                f"source id {value!r} is not a safe name: use 1-64 lowercase letters, digits, '-' or '_', "
                "starting with a letter or digit"
            )
        return value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"kind {value!r} is not one of {', '.join(KINDS)}")
        return value

    @field_validator("location", "images", mode="before")
    @classmethod
    def _resolve(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or is_url(value):
            return value
        if not value.strip():  # Path("") would quietly be the sources file's own folder
            if info.field_name == "images":
                return None
            raise ValueError("empty: name a folder, a file or a URL")
        base = (info.context or {}).get("base")
        return base / value if base is not None and not Path(value).is_absolute() else Path(value)

    @model_validator(mode="after")
    def _url_only_for_sitemaps(self) -> Source:
        if isinstance(self.location, str) and self.kind != "sitemap":
            raise ValueError(f"a {self.kind} location is a local path, not a URL")
        if self.kind == "desktop" and not self.apps:
            raise ValueError("a desktop source lists its apps (name and command)")
        if self.application is not None and self.kind in ("desktop", "dataset", "screenshots"):
            raise ValueError(f"application: a {self.kind} source has no help pages to replay")
        return self


class SourcesFile(Frozen):
    sources: tuple[Source, ...] = ()

    @field_validator("sources", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return () if value is None else value  # `sources:` with nothing under it


# --- loading -------------------------------------------------------------------------------------------


def load_params(path: Path) -> Params:
    """params.yaml; every setting at its default where the file or a key is absent."""
    doc = read_yaml(path, ConfigError) if path.exists() else None
    with one_line(str(path), Params, doc):
        return Params.model_validate(doc or {})


def load_sources(path: Path) -> list[Source]:
    """All sources listed in a sources.yaml; paths are resolved against the file's folder."""
    if not path.exists():
        raise SourceError(f"sources file not found: {path}")
    doc = read_yaml(path, SourceError)
    with one_line(str(path), SourcesFile, doc, SourceError):
        sources = list(SourcesFile.model_validate(doc or {}, context={"base": path.parent}).sources)
    ids = [s.id for s in sources]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SourceError(f"{path}: source ids listed more than once: {', '.join(dupes)}")
    return sources


def parse_source(entry: Any, base: Path, where: str = "source", at: str = "") -> Source:
    """One sources.yaml entry (relative paths against `base`); problems are one SourceError line,
    '<where>: <at>.<key>: <problem>'."""
    with one_line(where, Source, entry, SourceError, at):
        return Source.model_validate(entry, context={"base": base})
