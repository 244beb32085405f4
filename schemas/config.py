"""The two configuration files as typed models: params.yaml (`Params`) and sources.yaml (`Source`).

Every model is frozen and refuses unknown keys, so a misspelt setting is an error instead of a default
silently applied; booleans are strict, so a quoted "false" is refused instead of reading as true.
`load_params` and `load_sources` turn every YAML or validation problem into one ConfigError whose
message is a single line naming the file, the key and what is allowed.

Only pydantic, PyYAML and the standard library: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
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
from schemas.config_errors import ConfigError, SourceError, one_line, read_yaml

# --- params.yaml ---------------------------------------------------------------------------------------


class RunParams(Frozen):
    task_runner: str = "threads"  # threads, or dask
    max_workers: Count | None = None  # threads: tasks at once (default: Prefect's)
    dask_address: str | None = None  # dask: the scheduler of an existing cluster; none starts a local one
    dask_workers: Count = 2  # dask: processes of the local cluster, one thread each
    server_start_timeout_s: int = Field(120, ge=1)  # the temporary Prefect server's start, per try


class DeviceProfile(Frozen):
    """A screen pages are captured on, as params.yaml `devices:` describes it (the key is its name)."""

    width: Count
    height: Count
    scale: Positive = 1.0  # device pixels per CSS pixel: screenshots are width*scale wide
    mobile: StrictBool = False
    touch: StrictBool = False
    platform: str = "web"  # what the screenshot shows: web (desktop browser) or mobile
    user_agent: str | None = None

    def named(self, name: str) -> Device:
        return Device(name=name, **self.model_dump())


class Device(DeviceProfile):
    name: str

    def context_options(self) -> dict:
        """Keyword arguments for Playwright's browser.new_context that emulate this device."""
        options = {
            "viewport": {"width": self.width, "height": self.height},
            "device_scale_factor": self.scale,
            "is_mobile": self.mobile,
            "has_touch": self.touch,
        }
        if self.user_agent:
            options["user_agent"] = self.user_agent
        return options


MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Mobile Safari/537.36"
)
STANDARD = Device(name="standard", width=1280, height=800)
BUILT_IN = {
    d.name: d
    for d in [
        STANDARD,
        Device(name="desktop", width=1920, height=1080),
        Device(name="laptop", width=1366, height=768),
        Device(
            name="mobile",
            width=390,
            height=844,
            scale=3.0,
            mobile=True,
            touch=True,
            platform="mobile",
            user_agent=MOBILE_UA,
        ),
    ]
}


class DesktopParams(Frozen):
    """How desktop applications are explored (kind `desktop`)."""

    start_timeout_s: Seconds = 60.0  # for the application's first window to appear in its tree
    walk_timeout_s: Seconds = 30.0  # the watchdog on each tree walk: past it the application hangs
    settle_s: Pause = 3.0  # the longest wait for two identical frames
    dialog_timeout_s: Seconds = 6.0  # for a dialog's window after its menu item is clicked
    app_budget_s: Seconds = 600.0  # exploring one application on one screen, start to tear-down
    # A state this near (pHash bits) to one already captured is not captured; None: identical bytes only
    # (whole-screen pHashes of different menus of one application are 0-4 bits apart).
    phash_radius: Bits | None = None
    max_tabs: AnyCount = 4  # tabs of one tabbed dialog captured besides the active one
    max_startup: AnyCount = 4  # start-up windows (template picker, tips, welcome) dismissed one after another


class OcrParams(Frozen):
    """Tesseract: the `screenshots` source kind, and the alignment check of every capture."""

    min_confidence: float = Field(60.0, ge=0, le=100)  # words below it are excluded (reason low_confidence)
    check_screenshots: AnyCount = 3  # screenshots per application (web: per source) checked against OCR
    match_iou: Share = 0.5  # an accessible/DOM text box counts as found at this IoU with an OCR box
    align_min: Share = 0.9  # an application whose share of found boxes is lower is flagged
    timeout_s: Seconds = 60.0  # one tesseract run


class CaptureParams(Frozen):
    devices: tuple[Device, ...] = (STANDARD,)  # params.yaml names them (see Params._devices_by_name)
    pages_in_flight: Annotated[int, Field(ge=1, le=64)] = 2  # long-lived tabs at once, per device
    page_timeout_s: Seconds = 15.0  # navigation and load
    page_budget_s: Seconds = 60.0  # everything for one page on one device
    max_elements: Count = 5000
    max_slices: Count = 4
    max_page_mb: Positive = 20.0
    max_js_heap_mb: Count = 1024  # a page's JavaScript heap; past it the tab crashes and the page is an error
    # What Date.now() and new Date() give in every page, and where desktop applications' wall clock starts
    # (libfaketime; timers run on): the same page, the same pixels. None: the real clock.
    clock: datetime | None = datetime(2025, 1, 1, tzinfo=UTC)
    shard_pages: Count = 50  # pages per capture task
    retries: AnyCount = 2
    desktop: DesktopParams = DesktopParams()
    ocr: OcrParams = OcrParams()


class PerspectiveFactors(Frozen):
    """The perspective factor of each phrased perspective, in [0, 1]."""

    text: float = Field(default=0.0, ge=0, le=1)
    appearance: float = Field(default=0.25, ge=0, le=1)
    function: float = Field(default=0.25, ge=0, le=1)
    intent: float = Field(default=0.25, ge=0, le=1)
    spatial: float = Field(default=1.0, ge=0, le=1)


class EmpiricalParams(Frozen):
    """Optional empirical difficulty: a grounding model behind the OpenAI-compatible backend (`model`) is
    asked `samples` times per positive grounding row; its miss rate is blended into the score."""

    enabled: StrictBool = False
    samples: int = Field(default=4, ge=1)  # k: requests per row, each with its own seed
    temperature: float = Field(default=0.7, ge=0)
    blend: float = Field(default=0.5, ge=0, le=1)  # difficulty = (1 - blend) * formula + blend * miss rate
    scale: Literal["pixels", "norm1", "norm1000"] = "pixels"  # how the model writes its point
    model: ModelParams = ModelParams(cache_dir="data/cache/empirical")


class DifficultyParams(Frozen):
    weight_area: float = Field(default=0.9, ge=0, le=1)
    weight_resolution: float = Field(default=0.5, ge=0, le=1)
    weight_distractors: float = Field(default=0.45, ge=0, le=1)
    weight_clutter: float = Field(default=0.15, ge=0, le=1)
    weight_icon: float = Field(default=0.3, ge=0, le=1)
    weight_perspective: float = Field(default=0.5, ge=0, le=1)
    weight_implicit: float = Field(default=0.15, ge=0, le=1)
    area_easy: float = Field(default=0.01, gt=0, le=1)  # target / screen area where the area factor is 0
    area_hard: float = Field(default=0.0001, gt=0, le=1)  # ... and where it is 1 (log scale between)
    distractor_cap: int = Field(default=1, ge=1)
    clutter_cap: int = Field(default=30, ge=1)
    perspective: PerspectiveFactors = PerspectiveFactors()
    empirical: EmpiricalParams = EmpiricalParams()
    tier_medium: Share = 0.38  # score >= this is medium
    tier_hard: Share = 0.6  # score >= this is hard

    @model_validator(mode="after")
    def _tiers_in_order(self) -> DifficultyParams:
        if self.tier_medium > self.tier_hard:
            raise ValueError("tier_medium is above tier_hard: medium must start at or below hard")
        if self.area_hard >= self.area_easy:
            raise ValueError("area_hard is not below area_easy: the area factor needs area_hard < area_easy")
        return self

    @model_validator(mode="after")
    def ordered(self) -> DifficultyParams:
        if not self.area_hard < self.area_easy:
            raise ValueError(
                f"difficulty: area_hard {self.area_hard} must be below area_easy {self.area_easy}"
            )
        if not 0 < self.tier_medium < self.tier_hard <= 1:
            raise ValueError(
                f"difficulty: need 0 < tier_medium {self.tier_medium} < tier_hard {self.tier_hard} <= 1"
            )
        return self


class MinHashParams(Frozen):
    ngram: Count = 2  # words per shingle
    num_perm: Count = 64  # signature length
    bands: Count = 16  # bands x rows = num_perm; P(candidate) = 1 - (1 - J^rows)^bands
    threshold: Share = 0.7  # estimated Jaccard similarity at which two texts are near duplicates
    seed: AnyCount = 1


class NearDupParams(Frozen):
    phash_radius: Bits = 6  # Hamming radius (bits of 64); calibrated, see README
    iou: Share = 0.5  # boxes at least this much overlapping name the same target
    text: MinHashParams = MinHashParams()


class CurateParams(Frozen):
    difficulty: DifficultyParams = DifficultyParams()
    near_dup: NearDupParams = NearDupParams()
    workers: Count = Field(default_factory=lambda: os.cpu_count() or 1)  # threads decoding screenshots


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
