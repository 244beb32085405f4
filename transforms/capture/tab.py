"""A long-lived tab of a capture browser: the events its page reported for the current URL (script
errors, dialogs, downloads, navigations), its own DevTools session, and the screenshot lock its browser's
tabs share."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from playwright.async_api import BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from transforms.capture.render import PageResult


class ScreenshotLock(asyncio.Lock):
    """One screenshot at a time among a browser's tabs, and the tab last brought to the front."""

    front: Page | None = None
    pages: int = 0  # the browser's pages at the time: a popup may have come to the front since

    async def bring_to_front(self, page: Page) -> None:
        """Brings `page` to the front unless it is there already (one round trip less per page)."""
        pages = sum(len(c.pages) for c in page.context.browser.contexts)
        if self.front is not page or self.pages != pages:
            await page.bring_to_front()
            self.front, self.pages = page, pages


@dataclass
class Tab:
    """A long-lived page, the events it reported for the current URL, and the shared screenshot lock."""

    page: Page
    screenshot_lock: ScreenshotLock
    cdp: CDPSession | None = None  # the page's own DevTools session, for screenshots
    script_errors: list[str] = field(default_factory=list)
    main_navigations: int = 0
    downloads: int = 0
    dialogs: int = 0
    crashed: bool = False
    html: str | None = None  # the document as the last extraction read it
    _watching: list[asyncio.Future] = field(default_factory=list)  # resolved at the next main navigation
    _dialog_watch: list[asyncio.Future] = field(default_factory=list)  # resolved at the next dialog

    @classmethod
    async def open(cls, context: BrowserContext, screenshot_lock: ScreenshotLock) -> Tab:
        page = await context.new_page()
        screenshot_lock.front = None  # a new tab may have come to the front
        tab = cls(page, screenshot_lock, await context.new_cdp_session(page))
        page.on("pageerror", lambda exc: tab.script_errors.append(str(exc).splitlines()[0][:200]))
        page.on("dialog", lambda dialog: tab._dialog(dialog))
        page.on("download", lambda download: tab._downloaded(download))
        page.on("crash", lambda _: setattr(tab, "crashed", True))
        page.on("framenavigated", lambda frame: tab._navigated(frame))
        return tab

    def _dialog(self, dialog) -> None:
        self.dialogs += 1
        self._wake(self._dialog_watch)
        asyncio.ensure_future(_answer(dialog))

    def _downloaded(self, download) -> None:
        self.downloads += 1
        asyncio.ensure_future(download.cancel())

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.main_navigations += 1
            self._wake(self._watching)

    @staticmethod
    def _wake(watchers: list[asyncio.Future]) -> None:
        for waiting in watchers:
            if not waiting.done():
                waiting.set_result(True)
        watchers.clear()

    def next_navigation(self) -> asyncio.Future:
        """Resolves when the main frame next navigates (a new document committed)."""
        waiting = asyncio.get_running_loop().create_future()
        self._watching.append(waiting)
        return waiting

    def next_dialog(self) -> asyncio.Future:
        """Resolves when the page next opens a JavaScript dialog."""
        waiting = asyncio.get_running_loop().create_future()
        self._dialog_watch.append(waiting)
        return waiting

    def reset(self) -> None:
        self.script_errors.clear()
        self.html = None
        self.main_navigations = self.downloads = self.dialogs = 0

    def report(self, result: PageResult) -> PageResult:
        """What the page did besides rendering (script errors, dialogs), added to its result."""
        result.script_errors = list(self.script_errors)
        if self.dialogs:  # how many a looping page opens before the capture ends is timing, not data
            result.notes.append("JavaScript dialogs dismissed")
        if result.script_errors and result.status in ("ok", "empty"):
            note = f"{len(result.script_errors)} script error(s), first: {result.script_errors[0]}"
            result.message = f"{result.message}; {note}" if result.message else note
        return result

    def spent(self) -> bool:
        """A page that opened dialogs may open more while the next page loads: use a fresh tab."""
        return self.dialogs > 0 or self.crashed


async def _answer(dialog) -> None:
    """Dismiss a JavaScript dialog; a page leaving is let go (accepting beforeunload). The dialog may
    be gone by the time the answer arrives (its page navigated or closed): nothing left to do then."""
    try:
        await (dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
    except PlaywrightError:
        pass
