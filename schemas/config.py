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
from typing import Any, Literal, get_args

from pydantic import (
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from schemas.config_annotate import (  # noqa: F401 (ModelParams, HowtoParams: imported from here too)
    AnnotateParams,
    AuditParams,
    Frozen,
    HowtoParams,
    ModelParams,
)
from schemas.config_errors import ConfigError, SourceError, one_line, read_yaml

# --- params.yaml ---------------------------------------------------------------------------------------


class RunParams(Frozen):
    task_runner: str = "threads"  # threads, or dask
    max_workers: int | None = None  # threads: tasks at once (default: Prefect's)
    dask_address: str | None = None  # dask: the scheduler of an existing cluster; none starts a local one
    dask_workers: int = 2  # dask: processes of the local cluster, one thread each
    server_start_timeout_s: int = Field(120, ge=1)  # the temporary Prefect server's start, per try


class DeviceProfile(Frozen):
    """A screen pages are captured on, as params.yaml `devices:` describes it (the key is its name)."""

    width: int
    height: int
    scale: float = 1.0  # device pixels per CSS pixel: screenshots are width*scale wide
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

    start_timeout_s: float = 60.0  # for the application's first window to appear in its tree
    walk_timeout_s: float = 30.0  # the watchdog on each tree walk: past it the application hangs
    settle_s: float = 3.0  # the longest wait for two identical frames
    dialog_timeout_s: float = 6.0  # for a dialog's window after its menu item is clicked
    app_budget_s: float = 600.0  # exploring one application on one screen, start to tear-down
    # A state this near (pHash bits) to one already captured is not captured; None: identical bytes only
    # (whole-screen pHashes of different menus of one application are 0-4 bits apart).
    phash_radius: int | None = None
    max_tabs: int = 4  # tabs of one tabbed dialog captured besides the active one


class OcrParams(Frozen):
    """Tesseract: the `screenshots` source kind, and the alignment check of every capture."""

    min_confidence: float = 60.0  # words below it are excluded (reason low_confidence)
    check_screenshots: int = 3  # screenshots per application (web: per source) checked against OCR
    match_iou: float = 0.5  # an accessible/DOM text box counts as found at this IoU with an OCR box
    align_min: float = 0.9  # an application whose share of found boxes is lower is flagged
    timeout_s: float = 60.0  # one tesseract run


class CaptureParams(Frozen):
    devices: tuple[Device, ...] = (STANDARD,)  # params.yaml names them (see Params._devices_by_name)
    pages_in_flight: int = 2  # long-lived tabs working at once, per device
    page_timeout_s: float = 15.0  # navigation and load
    page_budget_s: float = 60.0  # everything for one page on one device
    max_elements: int = 5000
    max_slices: int = 4
    max_page_mb: float = 20.0
    max_js_heap_mb: int = 1024  # a page's JavaScript heap; past it the tab crashes and the page is an error
    # What Date.now() and new Date() give in every page (timers run on): the same page, the same pixels.
    # None: the real clock.
    clock: datetime | None = datetime(2025, 1, 1, tzinfo=UTC)
    shard_pages: int = 50  # pages per capture task
    retries: int = 2
    desktop: DesktopParams = DesktopParams()
    ocr: OcrParams = OcrParams()


class DifficultyParams(Frozen):
    weight_area: float = 0.9
    weight_resolution: float = 0.15
    weight_distractors: float = 0.3
    weight_clutter: float = 0.2
    weight_icon: float = 0.2
    weight_perspective: float = 0.2
    weight_implicit: float = 0.15
    distractor_cap: int = 10
    clutter_cap: int = 30
    tier_medium: float = 0.35  # score >= this is medium
    tier_hard: float = 0.6  # score >= this is hard


class MinHashParams(Frozen):
    ngram: int = 2  # words per shingle
    num_perm: int = 64  # signature length
    bands: int = 16  # bands x rows = num_perm; P(candidate) = 1 - (1 - J^rows)^bands
    threshold: float = 0.7  # estimated Jaccard similarity at which two texts are near duplicates
    seed: int = 1


class NearDupParams(Frozen):
    phash_radius: int = 6  # Hamming radius (bits of 64); calibrated, see README
    iou: float = 0.5  # boxes at least this much overlapping name the same target
    text: MinHashParams = MinHashParams()


class CurateParams(Frozen):
    difficulty: DifficultyParams = DifficultyParams()
    near_dup: NearDupParams = NearDupParams()
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1)  # threads decoding screenshots


class ExportParams(Frozen):
    validation: float = 0.05  # share of clusters in the validation split
    test: float = 0.05  # and in the test split; the rest is train
    shard_mb: int = 500  # Parquet shards of the HF export stay under this size


class ReleaseParams(Frozen):
    release: StrictBool = True  # commit, tag and push each published version
    push: StrictBool = True  # dvc push to the default remote
    tag_prefix: str = "dataset/"  # git tag = prefix + version


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
    per_domain: int = 1  # pages loading at once from one domain
    delay_s: float = 1.0  # between page loads from one domain


class DesktopApp(Frozen):
    """One application of a `desktop` source: its command, and files (in the source folder, or
    absolute) copied into the session's HOME and named after the command."""

    name: str
    command: tuple[str, ...]
    files: tuple[str, ...] = ()
    max_states: int | None = None  # the source's max_states when not set

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


class Source(Frozen):
    """One source. `location` is a folder (html_dir), a URL list file (url_list), a sitemap URL or
    file (sitemap), a WARC file or folder (warc), or ScreenSpot(-Pro) JSON, a file or a folder of them
    (dataset, with `images` beside it or named, and `box` its convention). Live sources (url_list,
    sitemap) may reach loopback and private addresses only when declared `local`. Relative paths are
    resolved against the folder named `base` in the validation context (the sources file's)."""

    id: str
    kind: str
    location: Path | str
    license: str = "unknown"
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
    max_states: int = 40  # desktop: states captured per application and screen

    @property
    def path(self) -> Path:
        return Path(self.location)

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
