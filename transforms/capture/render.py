"""Render one page in one tab: load it, then screenshot and extract it slice by slice down the page."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files

from PIL import Image
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from schemas.config import Device
from transforms.capture.moves import MAX_MOVES, MOVED_TOO_OFTEN, Moved, land, landing_key, moving, origin
from transforms.capture.tab import Tab
from transforms.curate.phash import phashes

# Stable pixels: no animations, transitions or blinking carets in the screenshot.
FREEZE_CSS = (
    "*,*::before,*::after{animation:none!important;transition:none!important;"
    "caret-color:transparent!important;scroll-behavior:auto!important}"
)
EXTRACT_JS = files("transforms.capture").joinpath("extract_elements.js").read_text()
# The extraction and the page's HTML in one call (extract_elements.js put inside read_page.js): JSON
# crosses faster than Playwright's own serialisation of a large object, each element a nested object
# tagged value by value (bench/capture_profile.py: 1.5 s round trip for 0.34 s in the page).
READ_PAGE_JS = files("transforms.capture").joinpath("read_page.js").read_text()
REMOVE_OVERLAYS_JS = files("transforms.capture").joinpath("remove_overlays.js").read_text()
# Holds a frame still for a screenshot (carets, animations) and lets it go afterwards.
STILL_JS = files("transforms.capture").joinpath("still.js").read_text()
assert READ_PAGE_JS.count("EXTRACT_ELEMENTS") == READ_PAGE_JS.count("REMOVE_OVERLAYS") == 1
assert READ_PAGE_JS.count("STILL") == 1
READ_SCRIPT = (
    READ_PAGE_JS.replace("STILL", STILL_JS)
    .replace("EXTRACT_ELEMENTS", EXTRACT_JS)
    .replace("REMOVE_OVERLAYS", REMOVE_OVERLAYS_JS)
)
# Lets the main frame go from its last screenshot's stillness (still.js), scrolls, then resolves after the
# next two frames have been produced: the scroll has been painted. The frames are the browser's own (saved
# by steady.NATIVE_FRAME_JS before the paused clock replaces the page's requestAnimationFrame, which then
# only runs when the clock is advanced).
SCROLL_JS = (
    "(y) => new Promise(r => { const k = Symbol.for('groundmill.still'), undo = window[k];"
    " if (undo) { delete window[k]; undo(); } window.scrollTo(0, y);"
    " const f = window[Symbol.for('groundmill.frame')] || requestAnimationFrame;"
    " f(() => f(() => r(true))); })"
)


@dataclass(frozen=True)
class RenderLimits:
    page_timeout_s: float = 15.0  # navigation and load
    max_elements: int = 5000  # elements kept per slice
    max_slices: int = 4  # viewport-high slices per page, from the top
    max_page_mb: float = 20.0  # a bigger HTML document is refused
    overlay_cover: float = 0.9  # share of the viewport a see-through fixed overlay covers to be removed
    clock: datetime | None = None  # the paused page clock's time at each navigation (None: real time)
    settle_ms: int = 1000  # the page's own timers run this far (virtual time) after it has loaded
    scroll_settle_ms: int = 250  # and this far after each scroll (throttled scroll handlers, lazy loads)


@dataclass
class Slice:
    part_index: int
    scroll_y: float
    png: bytes
    width: int
    height: int
    elements: list[dict]
    excluded: list[dict]
    counts: dict[str, int]
    title: str = ""  # the document's title when the slice was taken
    css_scale: float = 1.0  # screenshot pixels per CSS pixel
    css_height: float = 0.0  # the viewport's height in CSS pixels
    page_height: float = 0.0  # the document's scroll height in CSS pixels
    phash: int | None = None  # the PNG's 64-bit pHash (unsigned), taken once the page is captured


@dataclass
class PageResult:
    """One attempt at one page on one device. `status` is ok, empty, timeout, error, or refused
    (not fetched: a private address, a domain not allowed, robots.txt)."""

    page_key: str
    device: Device
    status: str = "ok"
    message: str = ""
    started_at: float = 0.0
    load_ms: float = 0.0
    extract_ms: float = 0.0
    screenshot_ms: float = 0.0
    title: str = ""
    html: str | None = None
    slices: list[Slice] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hashing: asyncio.Future | None = None  # the slices' pHashes, being taken (see settle_hashes)
    landed: str | None = None  # where the page moved itself and was captured (landing_key); None: it stayed

    def fail(self, status: str, message: str) -> PageResult:
        self.status, self.message, self.slices, self.landed = status, message, [], None
        return self


def _out_of_reach(page: Page) -> list[Frame]:
    """The page's frames of other web origins than its own: the page's script cannot reach into them."""
    home = origin(page.url)
    return [
        frame
        for frame in page.frames[1:]
        if frame.url.startswith(("http:", "https:")) and origin(frame.url) != home
    ]


async def _still(frame: Frame) -> None:
    """Holds a child frame still for the screenshot (still.js); a frame gone meanwhile needs nothing."""
    try:
        await frame.evaluate(STILL_JS, True)
    except PlaywrightError:
        pass


async def screenshot(tab: Tab, device: Device) -> bytes:
    """The viewport as PNG. On a device of one pixel per CSS pixel, straight from the browser (DevTools'
    Page.captureScreenshot): one call where Playwright's page.screenshot makes about five inside its
    driver, and the same bytes (43 of 43 corpus pages, every slice; 144 against 257 ms a shot, median,
    docs/capture.md). The frame is held still by read_page.js and still.js as Playwright held it.
    Denser and mobile devices keep Playwright's screenshot: the density is emulated on Playwright's own
    DevTools session, and a capture from another one at the device's scale re-lays the page out."""
    if device.scale == 1 and not device.mobile:
        return base64.b64decode((await tab.cdp.send("Page.captureScreenshot", {"format": "png"}))["data"])
    return await tab.page.screenshot(type="png", animations="disabled", caret="hide")


async def _shoot(tab: Tab, result: PageResult, limits: RenderLimits, part: int) -> Slice:
    page = tab.page
    t1 = time.perf_counter()
    freeze = FREEZE_CSS if part == 0 else None
    args = [limits.max_elements, freeze, limits.overlay_cover]
    extracted = json.loads(await page.evaluate(READ_SCRIPT, args))
    tab.html = extracted["html"]
    if extracted["overlays"]:
        result.notes.append(f"removed overlays covering the page: {', '.join(extracted['overlays'])[:300]}")
    # The main frame, and the frames it can reach, are held still by read_page.js; frames of other origins
    # need a call each (blocked ones show an error page, which does not move).
    await asyncio.gather(*(_still(frame) for frame in _out_of_reach(page)))
    result.extract_ms += (time.perf_counter() - t1) * 1000
    t2 = time.perf_counter()
    # A background tab can be painted from stale tiles (seen: a heading drawn twice), so each
    # screenshot brings its tab to the front, one tab at a time (unless it is there already).
    async with tab.screenshot_lock:
        await tab.screenshot_lock.bring_to_front(page)
        png = await screenshot(tab, result.device)
    result.screenshot_ms += (time.perf_counter() - t2) * 1000
    width, height = png_size(png)
    # CSS pixels to screenshot pixels: the device's density, and on a mobile page without a
    # viewport meta tag also the zoom-out of its 980 px layout viewport.
    return Slice(
        part,
        extracted["scroll_y"],
        png,
        width,
        height,
        extracted["elements"],
        extracted["excluded"],
        extracted["counts"],
        title=extracted["title"],
        css_scale=width / extracted["width"],
        css_height=extracted["height"],
        page_height=extracted["scroll_height"],
    )


def _hash_later(result: PageResult) -> None:
    """Starts each slice's pHash from the PNG in hand, so curate never decodes it again: in a thread
    (Pillow lets go of the GIL while it decodes), off the page's path; `settle_hashes` collects them."""
    pngs = [s.png for s in result.slices]
    result.hashing = asyncio.get_running_loop().run_in_executor(None, phashes, pngs, 1)


async def settle_hashes(results: Iterable[PageResult]) -> None:
    """Waits for the pHashes `render` started and puts them on the slices."""
    for result in results:
        if result.hashing is not None:
            hashes = await result.hashing
            for s, h in zip(result.slices, hashes, strict=True):
                s.phash = int(h)
            result.hashing = None


def blank(png: bytes) -> bool:
    """Every pixel of the screenshot the same colour."""
    with Image.open(io.BytesIO(png)) as image:
        extrema = image.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(low == high for low, high in bands)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# Runs the frame's due timers on the clock Playwright installed in it (context.clock.install): the
# controller's own call, as page.clock.run_for makes it in every frame, without what run_for adds: each of
# its calls (and set_system_time's) becomes one more init script of the context, run in every document
# and frame created afterwards, so a tab's pages got slower the more it had captured (a 500-page browser
# ran 1,000 such scripts per frame), and the clock of each new page started at a later tick (the logged
# calls replayed: requestAnimationFrame's phase depended on how many pages the tab had taken before).
RUN_TIMERS_JS = files("transforms.capture").joinpath("run_timers.js").read_text()


async def _run_in_frame(frame: Frame, ms: int) -> list[str]:
    """Runs the timers of a frame and of the frames it reaches for `ms`; the errors they threw. A child
    frame gone meanwhile has none left to run."""
    try:
        return await frame.evaluate(RUN_TIMERS_JS, ms)
    except PlaywrightError:
        if frame is frame.page.main_frame:
            raise
        return []


async def _capture_here(tab: Tab, result: PageResult, limits: RenderLimits) -> None:
    """The page's timers run, then its slices; Moved when its main frame navigated meanwhile."""
    navigations = tab.main_navigations
    if limits.clock is not None:
        await _run_timers(tab, limits.settle_ms)
    await _slices(tab, result, limits)
    if tab.main_navigations != navigations:
        raise Moved("the page navigated while it was read")


async def _run_timers(tab: Tab, ms: int) -> None:
    """Advance the tab's paused clock by `ms`, running the page's timers due in that span, in every frame.
    A timer that throws is the page's script error, as it would be on the wall clock (ehow-2's ad timer
    calls an undefined `googletag`): the fake clock runs the rest and then raises the first error. A
    timer that navigates the page (a reload loop) can leave the call unanswered: the navigation ends it."""
    moved, dialog = tab.next_navigation(), tab.next_dialog()
    reached = [tab.page.main_frame, *_out_of_reach(tab.page)]
    frames = asyncio.gather(*(_run_in_frame(frame, ms) for frame in reached))
    frames.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved, even if left
    try:
        await asyncio.wait({frames, moved, dialog}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        moved.cancel()
        dialog.cancel()
    if frames.done():
        tab.script_errors.extend(error[:200] for errors in frames.result() for error in errors)
    elif tab.dialogs:
        # The page's timers open dialogs (an alert loop): they go on running while each is dismissed;
        # the capture does not wait for them (as Playwright's own clock calls do not while one is open).
        frames.cancel()
    else:
        frames.cancel()
        raise Moved("the page's timers started a navigation")


async def _slices(tab: Tab, result: PageResult, limits: RenderLimits) -> None:
    """Viewport-high slices from the top, as many as the page's height and `max_slices` allow. How many
    is decided by the page alone, never by how fast this machine is: a slower machine takes the same
    slices (the page budget still ends a page that takes longer, as a timeout)."""
    page = tab.page
    first = await _shoot(tab, result, limits, 0)
    result.slices.append(first)
    height, total = first.css_height, first.page_height
    last_y = 0.0
    for part in range(1, limits.max_slices):
        target = min(part * height, max(0, total - height))
        if target <= last_y:
            break
        await page.evaluate(SCROLL_JS, target)
        if limits.clock is not None:
            await _run_timers(tab, limits.scroll_settle_ms)
        shot = await _shoot(tab, result, limits, part)
        if shot.scroll_y <= last_y:  # the page did not scroll any further
            break
        last_y = shot.scroll_y
        result.slices.append(shot)


async def render(tab: Tab, url: str, page_key: str, device: Device, limits: RenderLimits) -> PageResult:
    """Load `url` in `tab` and capture it; every failure becomes a status and a message.

    With a clock (`limits.clock`), the page's time is paused: each navigation starts at that time, and
    the page's own timers (setTimeout, setInterval, requestAnimationFrame, Date) advance only when the
    capture runs them, `settle_ms` after load and `scroll_settle_ms` after each scroll, as fast as they
    run. So a web-font loader's 3 s timeout, a carousel, an ad script's delayed insert come out the same
    on a fast machine and on a loaded one (4 of 130 corpus pages differed at load 10, with timers
    on the wall clock)."""
    result = PageResult(page_key=page_key, device=device, started_at=time.time())
    tab.reset()
    page = tab.page
    t0 = time.perf_counter()
    try:
        # With a clock, each document starts at its time: the context's clock replays only its install.
        response = await page.goto(url, wait_until="load", timeout=limits.page_timeout_s * 1000)
        if response is None:
            return result.fail("error", "no response for the page")
        if response.status >= 400:
            return result.fail("error", f"HTTP {response.status} for {page_key}")
        ctype = (response.headers.get("content-type") or "text/html").split(";")[0].strip().lower()
        if ctype not in ("text/html", "application/xhtml+xml"):
            return result.fail("error", f"non-HTML content ({ctype})")
        size = int(response.headers.get("content-length") or 0) or len(await response.body())
        if size > limits.max_page_mb * 1_000_000:
            return result.fail(
                "error", f"page is {size / 1e6:.1f} MB, over the {limits.max_page_mb:g} MB cap"
            )
        result.load_ms = (time.perf_counter() - t0) * 1000
        moves, navigations = 0, tab.main_navigations
        moved = page.url.split("#")[0] != response.url.split("#")[0]  # already, before its load
        if moved:
            navigations = -1  # its new document has come: only its load is waited for
        while True:
            if moved:
                moves += 1
                if moves > MAX_MOVES:
                    return result.fail("error", MOVED_TOO_OFTEN)
                why = await land(tab, navigations, limits.page_timeout_s)
                if why is not None or tab.downloads:
                    return result.fail("error", why or "page triggered a download")
                result.slices.clear()
                result.landed = landing_key(page_key, url, page.url)
                navigations = tab.main_navigations
            try:
                await _capture_here(tab, result, limits)
                break
            except PlaywrightError as exc:
                if not moving(exc):
                    raise
                moved = True
        if result.landed is not None:
            result.notes.append(f"moved itself {moves} time(s) after loading; captured where it landed")
        result.title = result.slices[0].title  # read by the extraction script: one round trip less
        if not any(s.elements for s in result.slices):
            if all(blank(s.png) for s in result.slices):
                return result.fail("empty", "page has no visible elements")
            result.notes.append("no visible element found, but the screenshot is not blank")
        result.html = tab.html  # read by the last extraction
        _hash_later(result)
    except (PlaywrightTimeout, TimeoutError):
        result.fail("timeout", f"page did not finish loading within {limits.page_timeout_s:g} s")
    except PlaywrightError as exc:
        text = str(exc).splitlines()[0][:300]
        if tab.downloads or "Download is starting" in text:
            result.fail("error", "page triggered a download")
        elif tab.crashed or "crash" in text.lower():
            result.fail("error", "page crashed")
        elif moving(exc):
            result.fail("error", MOVED_TOO_OFTEN)
        else:
            result.fail("error", text)
    return tab.report(result)
