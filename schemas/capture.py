"""Contracts for the capture tables: captures (one row per attempt), screenshots, elements."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.boxes import Boxed

CAPTURE_STATUSES = ["ok", "empty", "timeout", "error", "refused"]
# How a desktop application's exploration can end short (transforms/capture/desktop/explore.py), or a
# state whose action could not be confirmed (unverified: it publishes nothing, drive.py).
DESKTOP_FAILURES = ["no_start", "no_atspi", "hang", "crash", "left_open", "unverified"]
# A web address a desktop application asked to open: recorded by the session's browser stub, no browser
# started (transforms/capture/desktop/isolation.py).
DESKTOP_EVENTS = ["url_blocked"]
CAPTURE_STATUSES += DESKTOP_FAILURES + DESKTOP_EVENTS
PLATFORMS = ["web", "mobile", "desktop"]
SCOPES = ["document", "shadow", "iframe"]
# Why an element is left out (low_confidence: OCR text under the confidence floor; not_a_word: an OCR
# token that is no word, read off an icon: transforms/capture/screenshots.py): these are listed in
# excluded_elements, over_cap only counted.
EXCLUSION_REASONS = ["hidden", "transparent", "zero_size", "off_screen", "covered", "low_confidence"]
EXCLUSION_REASONS += ["not_a_word"]
COUNTED_EXCLUSIONS = [*EXCLUSION_REASONS, "over_cap"]
# Why an imported record is not imported: its image cannot be read, its img_filename is absolute or leaves
# the image folder, it is not a record (no object, no img_filename), or a positive record has no usable box.
RECORD_REFUSALS = ["image_unreadable", "image_path_unsafe", "not_a_record", "box_malformed"]
HEX64 = r"^[0-9a-f]{64}$"
HEX32 = r"^[0-9a-f]{32}$"


class Captures(pa.DataFrameModel):
    capture_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    page_path: str
    page_sha256: str
    device: str
    platform: str = pa.Field(isin=PLATFORMS)
    status: str = pa.Field(isin=CAPTURE_STATUSES)
    message: str = pa.Field(nullable=True)
    viewport_width: pl.Int32 = pa.Field(gt=0)
    viewport_height: pl.Int32 = pa.Field(gt=0)
    device_scale_factor: float = pa.Field(gt=0)
    n_parts: pl.Int32 = pa.Field(ge=0)
    title: str = pa.Field(nullable=True)
    n_elements: pl.Int32 = pa.Field(ge=0)
    excluded_hidden: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_transparent: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_zero_size: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_off_screen: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_covered: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_over_cap: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_low_confidence: pl.Int32 = pa.Field(ge=0, nullable=True)
    excluded_not_a_word: pl.Int32 = pa.Field(ge=0, nullable=True)
    script_errors: pl.Int32 = pa.Field(ge=0)
    html: str = pa.Field(nullable=True)
    # Where a web page that moved itself after loading (a script's redirect, a reload) was captured: a
    # path of the dump it belongs to, or a URL; null when it stayed where it was asked for.
    landed_page: str = pa.Field(nullable=True)
    # Desktop states: the application, its toolkit, and the actions that reached the state from start.
    app: str = pa.Field(nullable=True)
    toolkit: str = pa.Field(nullable=True)
    action_path: pl.List(pl.String) = pa.Field(nullable=True)
    # The OCR alignment check. Web: text boxes of the DOM checked, and how many OCR found at IoU >= 0.5.
    # Desktop: elements that show their name as text, how many of their crops OCR reads as the name,
    # and the icon-only controls counted apart (transforms/capture/alignment.py).
    ocr_text_boxes: pl.Int32 = pa.Field(ge=0, nullable=True)
    ocr_matched: pl.Int32 = pa.Field(ge=0, nullable=True)
    ocr_icon_only: pl.Int32 = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check
    def ok_has_screenshots(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A capture with status ok has at least one screenshot; any other status has none."""
        return data.lazyframe.select((pl.col("status") == "ok") == (pl.col("n_parts") > 0))

    class Config:
        strict = True


class CaptureTimings(pa.DataFrameModel):
    """When each page was captured and how long its steps took: a run log, kept out of the dataset
    version (data/logs/), so that an identical rerun publishes identical tables."""

    capture_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    page_path: str
    device: str
    started_at: pl.Datetime("us", "UTC")
    load_ms: float = pa.Field(ge=0, nullable=True)
    extract_ms: float = pa.Field(ge=0, nullable=True)
    screenshot_ms: float = pa.Field(ge=0, nullable=True)
    # desktop: the memory of the session's processes together, the largest sampled up to this state
    peak_rss_mb: float = pa.Field(ge=0, nullable=True)

    class Config:
        strict = True


class Screenshots(pa.DataFrameModel):
    screenshot_id: str = pa.Field(str_matches=HEX64)
    source_id: str
    capture_id: str = pa.Field(str_matches=HEX32)
    device: str
    platform: str = pa.Field(isin=PLATFORMS)
    part_index: pl.Int32 = pa.Field(ge=0)
    scroll_y: float = pa.Field(ge=0)
    width: pl.Int32 = pa.Field(gt=0)
    height: pl.Int32 = pa.Field(gt=0)
    png: pl.Binary
    # The PNG's 64-bit pHash as Parquet stores it (signed), taken where the screenshot was made so curate
    # never decodes the PNG again; null where the producer did not take it (curate hashes those).
    phash: pl.Int64 = pa.Field(nullable=True)

    # Column checks only: pandera cannot print a whole failing row that holds bytes.
    @pa.check("png")
    def is_png(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The bytes are a PNG file."""
        return data.lazyframe.select(pl.col(data.key).bin.starts_with(b"\x89PNG\r\n\x1a\n"))

    class Config:
        strict = True


class ClusteredScreenshots(Screenshots):
    """Screenshots after curation: their pHash and the near-duplicate cluster they belong to (named by the
    cluster's representative screenshot)."""

    phash: pl.Int64 = pa.Field(nullable=False)
    cluster_id: str = pa.Field(str_matches=HEX64)


class Elements(Boxed):
    element_id: str = pa.Field(str_matches=HEX32)
    screenshot_id: str = pa.Field(str_matches=HEX64)
    capture_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    part_index: pl.Int32 = pa.Field(ge=0)
    element_index: pl.Int32 = pa.Field(ge=0)
    tag: str
    role: str
    dom_id: str = pa.Field(nullable=True)
    text: str = pa.Field(nullable=True)
    name: str = pa.Field(nullable=True)
    aria_label: str = pa.Field(nullable=True)
    alt: str = pa.Field(nullable=True)
    title: str = pa.Field(nullable=True)
    placeholder: str = pa.Field(nullable=True)
    href: str = pa.Field(nullable=True)
    input_type: str = pa.Field(nullable=True)
    input_name: str = pa.Field(nullable=True)
    options: pl.List(pl.String) = pa.Field(nullable=True)
    form_name: str = pa.Field(nullable=True)
    has_popup: bool = pa.Field(nullable=True)
    bg_color: str = pa.Field(nullable=True)
    fg_color: str = pa.Field(nullable=True)
    radius_ratio: float = pa.Field(ge=0, le=0.5, nullable=True)
    font_weight: pl.Int32 = pa.Field(nullable=True)
    interactive: bool
    center_hit: bool
    visible_ratio: float = pa.Field(ge=0, le=1)
    in_viewport: bool
    scope: str = pa.Field(isin=SCOPES)
    css_path: str
    # Desktop (AT-SPI) elements: the accessible description, states and action names; OCR elements:
    # the recogniser's confidence (0-100).
    description: str = pa.Field(nullable=True)
    states: pl.List(pl.String) = pa.Field(nullable=True)
    actions: pl.List(pl.String) = pa.Field(nullable=True)
    confidence: float = pa.Field(ge=0, le=100, nullable=True)

    class Config:
        strict = True


class ExcludedElements(pa.DataFrameModel):
    """An element left out of `elements`, and why; its box (when it has one) as the page laid it out."""

    source_id: str
    capture_id: str = pa.Field(str_matches=HEX32)
    screenshot_id: str = pa.Field(str_matches=HEX64)
    part_index: pl.Int32 = pa.Field(ge=0)
    tag: str
    role: str
    dom_id: str = pa.Field(nullable=True)
    name: str = pa.Field(nullable=True)
    reason: str = pa.Field(isin=EXCLUSION_REASONS)
    css_path: str
    x1: float = pa.Field(nullable=True)
    y1: float = pa.Field(nullable=True)
    x2: float = pa.Field(nullable=True)
    y2: float = pa.Field(nullable=True)

    class Config:
        strict = True


class Records(pa.DataFrameModel):
    """An imported dataset's records (kind `dataset`), every one read: each the original record, kept whole
    as JSON in `origin` (its keys in their order), on the screenshot of its image and with the element its
    box became (null for a negative). A record that cannot be imported is here too, without a screenshot,
    with `refused` (one of RECORD_REFUSALS) and the detail in `message`."""

    source_id: str
    record_index: pl.Int32 = pa.Field(ge=0)
    file: str
    capture_id: str = pa.Field(str_matches=HEX32, nullable=True)
    screenshot_id: str = pa.Field(str_matches=HEX64, nullable=True)
    element_id: str = pa.Field(str_matches=HEX32, nullable=True)
    instruction: str
    gt_type: str
    is_icon: bool
    origin: str
    refused: str = pa.Field(isin=RECORD_REFUSALS, nullable=True)
    message: str = pa.Field(nullable=True)

    @pa.dataframe_check
    def refused_has_no_screenshot(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A record is imported (a screenshot, no refusal) or refused (a reason, no screenshot)."""
        return data.lazyframe.select(pl.col("refused").is_null() == pl.col("screenshot_id").is_not_null())

    class Config:
        strict = True


# A move of a how-to replay as the runner made it (transforms/howto/replay_run.py): the procedure's step it
# comes from, its kind (menu, item, click, type, key), the label acted on, the value typed or key pressed,
# the step's words, the path step, the state it was made from and its target's tree path there.
REPLAY_MOVE = pl.Struct(
    {
        "step": pl.Int32,
        "kind": pl.String,
        "target": pl.String,
        "value": pl.String,
        "words": pl.String,
        "path_step": pl.String,
        "capture_id": pl.String,
        "css_path": pl.String,
    }
)


class Replays(pa.DataFrameModel):
    """A how-to procedure of an html source replayed in the source's `application` (capture writes it with
    the replay's screens; annotate turns it into a `replayed` trajectory or a skipped row): the moves made,
    and either the state it ended on (`reason` null) or why it stopped, at which step and on which state."""

    howto_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    goal: str
    moves: pl.List(REPLAY_MOVE)
    capture_id: str = pa.Field(str_matches=HEX32, nullable=True)  # the state it ended (or stopped) on
    reason: str = pa.Field(nullable=True)  # null: replayed to its end
    step: pl.Int32 = pa.Field(ge=1, nullable=True)  # the procedure's step it stopped at

    @pa.dataframe_check
    def reached_has_an_end(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A procedure replayed to its end names its last state and no step; one that stopped, its step."""
        done = pl.col("reason").is_null()
        return data.lazyframe.select(
            (~done | pl.col("capture_id").is_not_null()) & (done == pl.col("step").is_null())
        )

    class Config:
        strict = True
