"""What exploration saw a control do: the dialog a desktop item opened, the page a link led to.

Desktop: a state whose `action_path` ends in `item:Print…` or `button:Options` was reached by acting on
that control on the state before it (the path without its last step; the main window for a first step).
Where the state's window title is known and is not the window before it, the control opens a dialog of
that title. A state reached by `menu:File` (`submenu:`, `dropdown:`) shows the menu its control opened.
Web: a link on a captured page whose address is another captured page of the source leads
to that page, named by its one main heading (`h1`), else by its title up to the site's name.

The effect is keyed by the control's element id; `purpose` turns it into words. A name that cannot sit
in a phrase (too long, with quotes or commas) gives no effect.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

import polars as pl

# The path steps whose control, acted on, can open a dialog, and those that open a menu.
OPENING_STEPS = ("item", "button")
MENU_STEPS = ("menu", "submenu", "dropdown")
# What joins a page's name to its site's in a title ("Contact | ACME", "Pricing – ACME").
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+")
MAX_CHARS, MAX_WORDS = 40, 6


def address(page_path: str, href: str | None = None) -> str:
    """A page's address, absolute (a relative page path is read under file:///), without its fragment."""
    base = page_path if re.match(r"^[a-z]+://", page_path) else "file:///" + page_path.lstrip("/")
    return urldefrag(urljoin(base, href) if href is not None else base).url


def phrase_name(text: str | None) -> str | None:
    """`text` as a name inside a phrase: trimmed, short (40 characters, 6 words), no quotes or commas."""
    name = " ".join((text or "").split()).rstrip(":.…").strip()
    if not name or len(name) > MAX_CHARS or len(name.split()) > MAX_WORDS or re.search(r"[\"“”„,]", name):
        return None
    return name


def _actions(path: list[str] | None) -> tuple[str, ...]:
    """The actions of a path; start-up windows dismissed lead to the main window, as `start` does."""
    return tuple(a for a in path or () if a != "start" and not a.startswith("dismiss:"))


def _control(elements: pl.DataFrame, screenshot_ids: list[str], label: str) -> str | None:
    """The one interactive element of those screenshots whose name or drawn text is `label`."""
    named = elements.filter(
        pl.col("screenshot_id").is_in(screenshot_ids)
        & pl.col("interactive")
        & ((pl.col("name") == label) | (pl.col("text") == label))
    )
    return named["element_id"][0] if named.height == 1 else None


def desktop_effects(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: ("dialog", title)} of the desktop controls whose explored state is a new window, and
    ("menu", name) of those whose state is the menu they opened."""
    states = captures.filter(
        (pl.col("platform") == "desktop") & (pl.col("status") == "ok") & pl.col("action_path").is_not_null()
    )
    if states.is_empty():
        return {}
    shots = screenshots.group_by("capture_id").agg("screenshot_id")
    shots = dict(shots.iter_rows())
    by_path: dict[tuple, dict] = {}
    for s in states.sort("capture_id").iter_rows(named=True):
        key = (s["app"], _actions(s["action_path"]))
        here = by_path.get(key)
        if here is None or (not key[1] and len(s["action_path"]) > len(here["action_path"])):
            by_path[key] = s  # the main window: the state after the most start-up windows dismissed
    found = {}
    for (app, path), state in by_path.items():
        if not path or ":" not in path[-1]:
            continue
        kind, label = path[-1].split(":", 1)
        before = by_path.get((app, path[:-1]))
        if before is None:
            continue
        title = phrase_name(state["title"])
        if kind in MENU_STEPS and (name := phrase_name(label)):
            effect = ("menu", name)
        elif kind in OPENING_STEPS and title is not None and state["title"] != before["title"]:
            effect = ("dialog", title)
        else:
            continue
        element = _control(elements, shots.get(before["capture_id"], []), label)
        if element is not None:
            found[element] = effect
    return found


def page_name(title: str | None, headings: list[str]) -> str | None:
    """What a page is called: its one main heading, else its title before the site's name."""
    distinct = {" ".join(h.split()) for h in headings if h and h.strip()}
    if len(distinct) == 1 and (name := phrase_name(distinct.pop())):
        return name
    return phrase_name(TITLE_SEPARATORS.split(title or "", maxsplit=1)[0])


def page_effects(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: ("page", name)} of the links from one captured page to another."""
    pages = captures.filter((pl.col("platform") != "desktop") & (pl.col("status") == "ok"))
    if pages.is_empty() or "href" not in elements.columns:
        return {}
    page_of = dict(screenshots.select("screenshot_id", "capture_id").iter_rows())
    h1 = elements.filter(pl.col("tag") == "h1").group_by("capture_id").agg("text")
    headings = dict(h1.iter_rows())
    by_address, named = {}, {}
    for p in pages.iter_rows(named=True):
        by_address.setdefault(address(p["page_path"]), p)
        named[p["capture_id"]] = page_name(p["title"], headings.get(p["capture_id"], []))
    paths = dict(pages.select("capture_id", "page_path").iter_rows())
    links = elements.filter(pl.col("href").is_not_null() & pl.col("interactive"))
    found = {}
    for element_id, screenshot_id, href in links.select("element_id", "screenshot_id", "href").iter_rows():
        here = page_of.get(screenshot_id)
        if here not in paths:
            continue
        target = by_address.get(address(paths[here], href))
        if target is not None and target["capture_id"] != here and named[target["capture_id"]]:
            found[element_id] = ("page", named[target["capture_id"]])
    return found


def observed_effects(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: (kind, name)}: the dialogs desktop controls opened and the pages links led to, as
    exploration and capture saw them (`screenshots` needs screenshot_id and capture_id)."""
    return desktop_effects(captures, screenshots, elements) | page_effects(captures, screenshots, elements)
