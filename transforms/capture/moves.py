"""Pages that move themselves while they are captured: a script's redirect after load, a consent page's
reload. Such a page is captured where it lands, up to MAX_MOVES times; one more move is a loop."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlsplit

from playwright.async_api import Error as PlaywrightError

from transforms.capture.tab import Tab

MAX_MOVES = 2
MOVED_TOO_OFTEN = "page navigated away or reloaded itself during capture"
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Moved(PlaywrightError):
    """The page's main frame navigated, or began to, while it was being captured."""


def moving(exc: PlaywrightError) -> bool:
    """Whether an error of the browser library says the page was navigating (its document went away)."""
    text = str(exc)
    return isinstance(exc, Moved) or "Execution context was destroyed" in text or "navigation" in text.lower()


def origin(url: str) -> tuple[str, str | None, int | None]:
    """A URL's scheme, host and port."""
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def landing_key(page_key: str, asked: str, landed: str) -> str:
    """How a landing is recorded: a page given by its URL lands on a URL; a page of a dump (its key a
    path) on the path under the dump's server, which is the same on every run (its port is not)."""
    if urlsplit(page_key).scheme or origin(asked) != origin(landed):
        return landed
    parts = urlsplit(landed)
    return unquote(parts.path).lstrip("/") + (f"?{parts.query}" if parts.query else "")


async def land(tab: Tab, navigations: int, timeout_s: float) -> str | None:
    """Wait for the document the page moved to: its commit, when it has not come yet (the main frame has
    navigated `navigations` times before), then its load. Why it is not captured there, or None."""
    if tab.downloads:
        return None
    if tab.main_navigations == navigations:
        await asyncio.wait_for(tab.next_navigation(), timeout_s)
    await tab.page.wait_for_load_state("load", timeout=timeout_s * 1000)
    kind = await tab.page.evaluate("document.contentType")
    if kind not in HTML_TYPES:
        return f"page navigated away to {tab.page.url[:200]} ({kind}, not HTML)"
    return None
