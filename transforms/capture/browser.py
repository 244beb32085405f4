"""Render pages in one headless Chromium with a few long-lived tabs; one PageResult per page."""
from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium keeps calling home on a closed network and every start is slower.
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    "--font-render-hinting=none", "--hide-scrollbars",
]
# Stable pixels: no animations, transitions or blinking carets in the screenshot.
FREEZE_CSS = ("*,*::before,*::after{animation:none!important;transition:none!important;"
              "caret-color:transparent!important}")
EXTRACT_JS = files("transforms.capture").joinpath("extract_elements.js").read_text()


@dataclass(frozen=True)
class CaptureParams:
    viewport_width: int = 1280
    viewport_height: int = 800
    pages_in_flight: int = 2
    page_timeout_s: float = 15.0
    max_elements: int = 5000
    retries: int = 2


@dataclass
class PageResult:
    """What one attempt at one page produced. `status` is ok, empty, timeout or error."""

    page_path: str
    status: str
    message: str = ""
    started_at: float = 0.0
    load_ms: float = 0.0
    extract_ms: float = 0.0
    screenshot_ms: float = 0.0
    png: bytes | None = None
    width: int = 0
    height: int = 0
    title: str = ""
    html: str | None = None
    elements: list[dict] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    script_errors: list[str] = field(default_factory=list)


def chromium_executable() -> str | None:
    """The system Chromium when installed, else None (Playwright's managed browser is used)."""
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    found = shutil.which("chromium")
    return found


async def _block_other_hosts(route: Route, allowed_netloc: str) -> None:
    if urlsplit(route.request.url).netloc == allowed_netloc:
        await route.continue_()
    else:
        await route.abort("blockedbyclient")


async def _render(tab: _Tab, url: str, page_path: str, params: CaptureParams) -> PageResult:
    result = PageResult(page_path=page_path, status="ok", started_at=time.time())
    page, errors = tab.page, tab.script_errors
    errors.clear()
    t0 = time.perf_counter()
    try:
        response = await page.goto(url, wait_until="load", timeout=params.page_timeout_s * 1000)
        if response is not None and response.status >= 400:
            result.status, result.message = "error", f"HTTP {response.status} for {page_path}"
            return result
        await page.evaluate("document.fonts.ready.then(() => true)")
        await page.add_style_tag(content=FREEZE_CSS)
        result.load_ms = (time.perf_counter() - t0) * 1000

        t1 = time.perf_counter()
        extracted = await page.evaluate(EXTRACT_JS, params.max_elements)
        result.extract_ms = (time.perf_counter() - t1) * 1000
        result.elements, result.excluded = extracted["elements"], extracted["excluded"]
        result.title, result.width, result.height = extracted["title"], extracted["width"], extracted["height"]
        if not result.elements:
            result.status, result.message = "empty", "page has no visible elements"
            return result

        t2 = time.perf_counter()
        async with tab.screenshot_lock:
            await page.bring_to_front()
            result.png = await page.screenshot(type="png", animations="disabled", caret="hide")
        result.screenshot_ms = (time.perf_counter() - t2) * 1000
        result.html = await page.content()
    except PlaywrightTimeout:
        result.status = "timeout"
        result.message = f"page did not finish loading within {params.page_timeout_s:g} s"
    except PlaywrightError as exc:
        result.status, result.message = "error", str(exc).splitlines()[0][:300]
    result.script_errors = list(errors)
    if errors and result.status in ("ok", "empty"):
        note = f"{len(errors)} script error(s), first: {errors[0]}"
        result.message = f"{result.message}; {note}" if result.message else note
    return result


@dataclass
class _Tab:
    """A long-lived browser page and the script errors it reported for the current URL."""

    page: Page
    script_errors: list[str]
    # A background tab can be painted from stale tiles (seen: a heading drawn twice), so each
    # screenshot brings its tab to the front, one tab at a time.
    screenshot_lock: asyncio.Lock

    @classmethod
    async def open(cls, context: BrowserContext, screenshot_lock: asyncio.Lock) -> _Tab:
        page = await context.new_page()
        tab = cls(page, [], screenshot_lock)
        page.on("pageerror", lambda exc: tab.script_errors.append(str(exc).splitlines()[0][:200]))
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        return tab


async def _capture_all(base_url: str, page_paths: list[str], params: CaptureParams) -> list[PageResult]:
    netloc = urlsplit(base_url).netloc
    async with async_playwright() as pw:
        browser: Browser = await pw.chromium.launch(
            headless=True, executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": params.viewport_width, "height": params.viewport_height},
                device_scale_factor=1, accept_downloads=False, service_workers="block")
            await context.route("**/*", lambda route: _block_other_hosts(route, netloc))
            queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
            for item in enumerate(page_paths):
                queue.put_nowait(item)
            results: list[PageResult | None] = [None] * len(page_paths)
            screenshot_lock = asyncio.Lock()

            async def worker() -> None:
                tab = await _Tab.open(context, screenshot_lock)
                while not queue.empty():
                    index, path = queue.get_nowait()
                    results[index] = await _render(tab, base_url + path, path, params)
                    if results[index].status in ("timeout", "error"):
                        # A page that failed may still be spinning: go on in a fresh tab.
                        await tab.page.close(run_before_unload=False)
                        tab = await _Tab.open(context, screenshot_lock)
                await tab.page.close()

            await asyncio.gather(*(worker() for _ in range(max(1, min(params.pages_in_flight, len(page_paths))))))
            await context.close()
        finally:
            await browser.close()
    return [r for r in results if r is not None]


def capture_pages(base_url: str, page_paths: list[str], params: CaptureParams) -> list[PageResult]:
    """Render each page under `base_url` once; requests to any other host are aborted."""
    if not page_paths:
        return []
    return asyncio.run(_capture_all(base_url, page_paths, params))
