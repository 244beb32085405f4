"""The capture sections of params.yaml: device profiles, desktop exploration, OCR and the capture stage
(schemas/config.py imports them: callers import them from there).

Only pydantic and the standard library: the CLI imports this before anything heavy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, StrictBool

from schemas.config_annotate import AnyCount, Bits, Count, Frozen, Pause, Positive, Seconds, Share


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
    # For a window after a popup item without "…" is clicked (one with "…" waits dialog_timeout_s): each
    # item is clicked to see whether it opens a dialog, so this is paid by every item that opens none.
    item_wait_s: Annotated[float, Field(ge=0, le=30)] = 2.0
    max_items: Annotated[int, Field(ge=0, le=200)] = 40  # items followed in one menu, submenu or popup
    max_pages: Annotated[int, Field(ge=0, le=100)] = 6  # pages of a settings dialog's page list captured
    max_dropdowns: Annotated[int, Field(ge=0, le=100)] = 8  # tool-bar drop-downs and combo boxes opened


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
    # A see-through overlay fixed above the page and covering this share of the viewport (a modal's
    # backdrop, a consent wall) is removed before the page is read (transforms/capture/remove_overlays.js).
    overlay_cover: Share = 0.9
    max_js_heap_mb: Count = 1024  # a page's JavaScript heap; past it the tab crashes and the page is an error
    # Where every page's clock starts, paused (Date, timers and animation frames run only as far as the
    # capture advances them: settle_ms, scroll_settle_ms), and where desktop applications' wall clock
    # stands (libfaketime; timers run on the real monotonic clock): the same page, the same pixels. None:
    # the real clock, running.
    clock: datetime | None = datetime(2025, 1, 1, tzinfo=UTC)
    settle_ms: Annotated[int, Field(ge=0, le=60_000)] = 1000  # page timers run after load (virtual ms)
    scroll_settle_ms: Annotated[int, Field(ge=0, le=10_000)] = 250  # and after each scroll
    shard_pages: Count = 50  # pages per capture task
    # Browsers alive at once in one process, whatever the number of shards; None: from the machine's cores
    # and memory (transforms/capture/pool.py). Shards past it wait for a browser to close.
    browsers: Annotated[int, Field(ge=1, le=64)] | None = None
    recycle_pages: Annotated[int, Field(ge=1, le=100_000)] = 500  # pages per browser, then a fresh one
    retries: AnyCount = 2
    desktop: DesktopParams = DesktopParams()
    ocr: OcrParams = OcrParams()
