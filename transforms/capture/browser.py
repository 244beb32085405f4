"""One headless Chromium, one context per device, a few long-lived tabs: capture a list of pages. The
browser takes one of the process's browser slots (transforms/capture/pool.py) for as long as it lives,
and is started afresh every `recycle_pages` pages."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, Route, async_playwright

from schemas.config import CaptureParams, Device
from transforms.capture.pool import browser_slot, default_browsers
from transforms.capture.render import PageResult, RenderLimits, render, settle_hashes
from transforms.capture.scratch import browser_scratch, temp_dir_for_children
from transforms.capture.steady import EAGER_JS, NATIVE_FRAME_JS, SEEDED_RANDOM_JS
from transforms.capture.tab import ScreenshotLock, Tab

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium keeps calling home on a closed network and every start is slower.
QUIET_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--font-render-hinting=none",
    "--hide-scrollbars",
]
# The same page, the same PNG bytes, in every run. Partial raster repaints only the changed part of a
# tile over the pixels already there, so anti-aliased edges (rounded corners) came out a level apart
# depending on whether the page had been painted before the capture restyled it (3 of 21 sample
# screenshots differed between runs). The colour profile and Skia's CPU-specific code paths would
# make the bytes depend on the machine.
REPRODUCIBLE_ARGS = ["--disable-partial-raster", "--force-color-profile=srgb", "--disable-skia-runtime-opts"]
CHROMIUM_ARGS = QUIET_ARGS + REPRODUCIBLE_ARGS
# Playwright turns Chromium's popup blocker off; on, a page cannot open windows without a click.
IGNORED_DEFAULT_ARGS = ["--disable-popup-blocking"]
RequestPolicy = Callable[[Route], Awaitable[None]]


def launch_args(params: CaptureParams, policy: RequestPolicy) -> list[str]:
    """Chromium's flags: quiet, reproducible, a JavaScript heap cap (a memory bomb crashes its own tab
    early), and the request policy's own."""
    heap = f"--js-flags=--max-old-space-size={params.max_js_heap_mb}"
    return [*CHROMIUM_ARGS, heap, *getattr(policy, "browser_args", [])]


def render_limits(params: CaptureParams) -> RenderLimits:
    return RenderLimits(
        params.page_timeout_s,
        params.max_elements,
        params.max_slices,
        params.max_page_mb,
        overlay_cover=params.overlay_cover,
        clock=params.clock,
        settle_ms=params.settle_ms,
        scroll_settle_ms=params.scroll_settle_ms,
    )


@dataclass(frozen=True)
class Target:
    """A page to capture: `key` names it in the tables (a relative path or the URL), `url` loads it."""

    key: str
    url: str


@dataclass
class Politeness:
    """Per-domain limits for live sources: pages loading at once, and the gap between their starts."""

    per_domain: int = 1
    delay_s: float = 1.0
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _next_start: dict[str, float] = field(default_factory=dict)
    starts: dict[str, list[float]] = field(default_factory=dict)  # per host, when each page load began

    @contextlib.asynccontextmanager
    async def slot(self, url: str):
        host = urlsplit(url).hostname or ""
        async with self._slots.setdefault(host, asyncio.Semaphore(self.per_domain)):
            loop = asyncio.get_running_loop()
            wait = self._next_start.get(host, 0.0) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)  # a crawl delay the site asked for, not synchronisation
            self._next_start[host] = loop.time() + self.delay_s
            self.starts.setdefault(host, []).append(loop.time())
            yield


def chromium_executable() -> str | None:
    """The system Chromium when installed, else None (Playwright's managed browser is used)."""
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    return shutil.which("chromium")


async def _close_popup(page: Page) -> None:
    if await page.opener() is not None:
        await page.close()


async def _discard(tab: Tab) -> None:
    """Close a tab; one that keeps reloading itself can make close() hang, so give up after 5 s."""
    try:
        await asyncio.wait_for(tab.page.close(run_before_unload=False), 5)
    except (TimeoutError, Exception):  # noqa: BLE001 - the tab is gone either way
        pass


async def _close(context: BrowserContext) -> None:
    """Close a tab's context; give up after 5 s (the browser's end closes it then)."""
    try:
        await asyncio.wait_for(context.close(), 5)
    except (TimeoutError, Exception):  # noqa: BLE001 - the context is left to the browser either way
        pass


@dataclass
class _Session:
    """The browser and one context per device; relaunched when the browser process dies."""

    pw: Playwright
    policy: RequestPolicy
    params: CaptureParams
    browser: Browser | None = None
    restarts: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def context(self, device: Device) -> BrowserContext:
        """A context of its own for one tab. A context has one page clock, and a tab's paused clock must
        move only when its own page's timers are run, whatever the other tab is doing."""
        async with self.lock:
            if self.browser is None or not self.browser.is_connected():
                if self.browser is not None:
                    self.restarts += 1
                self.browser = await self.pw.chromium.launch(
                    headless=True,
                    executable_path=chromium_executable(),
                    args=launch_args(self.params, self.policy),
                    ignore_default_args=IGNORED_DEFAULT_ARGS,
                )
            context = await self.browser.new_context(
                **device.context_options(), accept_downloads=False, service_workers="block"
            )
        if getattr(self.policy, "routed", True):  # a local dump's policy is Chromium's own (SameHost)
            await context.route("**/*", self.policy)
        await context.add_init_script(SEEDED_RANDOM_JS)  # the same draws in every run
        await context.add_init_script(NATIVE_FRAME_JS)  # before the clock replaces requestAnimationFrame
        await context.add_init_script(EAGER_JS)  # lazy images load (or fail) in every run alike
        if self.params.clock is not None:  # a page that prints the time prints the same one
            await context.clock.install(time=self.params.clock)
            await context.clock.pause_at(self.params.clock)
        context.on("page", lambda p: asyncio.ensure_future(_close_popup(p)))
        return context

    def alive(self) -> bool:
        return self.browser is not None and self.browser.is_connected()

    async def close(self) -> None:
        if self.alive():
            await self.browser.close()


async def _capture_device(
    session: _Session,
    device: Device,
    targets: Sequence[Target],
    params: CaptureParams,
    politeness: Politeness | None,
    results: dict[tuple[str, str], PageResult],
    on_page: Callable[[PageResult], None] | None,
) -> None:
    queue: asyncio.Queue[Target] = asyncio.Queue()
    for target in targets:
        queue.put_nowait(target)
    screenshot_lock = ScreenshotLock()

    async def attempt(tab: Tab, target: Target) -> PageResult:
        started = time.time()
        try:
            async with politeness.slot(target.url) if politeness else contextlib.nullcontext():
                started = time.time()
                page = render(tab, target.url, target.key, device, render_limits(params))
                return await asyncio.wait_for(page, params.page_budget_s)
        except TimeoutError:
            stopped = PageResult(target.key, device, started_at=started)
            return tab.report(
                stopped.fail("timeout", f"page took longer than its {params.page_budget_s:g} s budget")
            )
        except Exception as exc:  # noqa: BLE001 - a dead browser surfaces as many kinds of error
            if session.alive():
                raise
            failed = PageResult(target.key, device, started_at=started)
            return failed.fail("error", f"browser crashed: {str(exc)[:200]}")

    async def worker() -> None:
        context = await session.context(device)
        tab = await Tab.open(context, screenshot_lock)
        while not queue.empty():
            target = queue.get_nowait()
            result = await attempt(tab, target)
            if not session.alive():
                # The browser died under this page: start a new one and give the page one more try.
                context = await session.context(device)
                tab = await Tab.open(context, screenshot_lock)
                retry = await attempt(tab, target)
                retry.notes.append("browser crashed and was restarted; this is the second try")
                result = retry
            elif result.status in ("timeout", "error") or tab.spent():
                # A page that failed may still be spinning, one that opened dialogs may open more
                # while the next one loads: go on in a fresh tab, in a fresh context (the clock's calls
                # reach every page of a context, and would wait on a spinning one).
                await _discard(tab)
                await _close(context)
                context = await session.context(device)
                tab = await Tab.open(context, screenshot_lock)
            results[(target.key, device.name)] = result
            if on_page:
                on_page(result)
        await _discard(tab)
        await _close(context)

    tabs = max(1, min(params.pages_in_flight, len(targets)))
    await asyncio.gather(*(worker() for _ in range(tabs)))


async def _capture_all(
    targets: Sequence[Target],
    params: CaptureParams,
    policy: RequestPolicy,
    politeness: Politeness | None,
    on_page: Callable[[PageResult], None] | None,
) -> list[PageResult]:
    results: dict[tuple[str, str], PageResult] = {}
    with browser_scratch() as scratch:
        with temp_dir_for_children(scratch):
            driver = await async_playwright().start()
        try:
            # A long-lived browser grows (caches, leaked renderers): a fresh one every recycle_pages pages.
            for start in range(0, len(targets), params.recycle_pages):
                batch = targets[start : start + params.recycle_pages]
                session = _Session(driver, policy, params)
                try:
                    for device in params.devices:
                        await _capture_device(session, device, batch, params, politeness, results, on_page)
                finally:
                    await session.close()
        finally:
            await driver.stop()
        await settle_hashes(results.values())
    return [results[(t.key, d.name)] for d in params.devices for t in targets if (t.key, d.name) in results]


def capture_pages(
    targets: Sequence[Target],
    params: CaptureParams,
    policy: RequestPolicy,
    politeness: Politeness | None = None,
    on_page: Callable[[PageResult], None] | None = None,
) -> list[PageResult]:
    """Capture every target on every device; requests go through `policy` (continue or abort).
    `on_page` hears of each page as it is done (for progress). Waits for a browser slot first."""
    if not targets:
        return []
    with browser_slot(params.browsers or default_browsers()):
        return asyncio.run(_capture_all(targets, params, policy, politeness, on_page))
