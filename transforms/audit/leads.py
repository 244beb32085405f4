"""Claims about another screen: what a phrase says a control opens or leads to, and where the captures
show each control leads.

A function or goal may name the screen a control leads to rather than the control ('the link to the
"Contact" page', 'the menu item that opens the "Page Setup" dialog', 'Go to the Contact page', 'Open the
Page Setup dialog'). That name is drawn on the other screen, not on this one, so the audit checks it
against the source's own captures, read here by the audit's own rules (no annotator code):

- Web: a link whose address (its href on its page's address) is a captured page of the source leads
  to that page, called by its title, any part of its title ("Contact | ACME"), or any of its `h1`
  headings.
- Desktop: a state whose `action_path` ends in `item:X` or `button:X` was reached by the control named X
  on the state its path without that step reached (for a first step, any start-up state); where its
  window title is not the one before, the control opens a dialog of that title (else it is known to
  open none). A state reached by
  `menu:X` (`submenu:`, `dropdown:`) is the menu its control X opened.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

import polars as pl

from transforms.audit.words import fold

# (the claim's grammar, the kind of screen it names); the name is the group `name`.
_CLAIMS = (
    (re.compile(r'^the link to the "(?P<name>[^"]+)" page$'), "page"),
    (re.compile(r'^the (?:button|menu item) that opens the "(?P<name>[^"]+)" (?P<kind>dialog|menu)$'), None),
    (re.compile(r"^go to the (?P<name>.+) page$"), "page"),
    (re.compile(r"^open the (?P<name>.+) (?P<kind>dialog|menu)$"), None),
)
START_STEPS = ("start", "dismiss")  # the steps that bring an application to its main window
OPENING_STEPS = ("item", "button")
MENU_STEPS = ("menu", "submenu", "dropdown")
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+")
# The columns of the captures table read here.
LEAD_COLUMNS = ("capture_id", "source_id", "page_path", "platform", "status", "title", "app", "action_path")


def name_form(text: str | None) -> str:
    """A screen's name as names are compared: folded, spaces collapsed, without a closing ':', '.' or
    '…' ("Print…" is the "Print" dialog)."""
    return " ".join(fold(text or "").split()).rstrip(" :.…")


def claim(phrase: str) -> tuple[str, str, tuple[int, int]] | None:
    """(kind of screen, its name as compared, where the name stands in `phrase`) of a claim about the
    screen a control leads to; None for a phrase that makes none."""
    text = " ".join(phrase.split())
    lower = text[:1].lower() + text[1:]
    for pattern, kind in _CLAIMS:
        m = pattern.match(lower)
        if m and (name := name_form(m["name"])):
            return kind or m["kind"], name, m.span("name")
    return None


def quoted_claim(phrase: str) -> bool:
    """Whether the phrase quotes the name of the screen it claims ('the link to the "Contact" page'): a
    name that only that screen can show. A goal ('Go to the Contact page') may as well be read from the
    control's own words, as goals are."""
    found = claim(phrase)
    return found is not None and " ".join(phrase.split())[found[2][0] - 1] == '"'


def without_name(phrase: str) -> str:
    """The phrase without the name of the screen it claims (that name is not drawn on this screen)."""
    text = " ".join(phrase.split())
    found = claim(text)
    return text if found is None else text[: found[2][0]] + text[found[2][1] :]


def _address(page_path: str, href: str | None = None) -> str:
    base = page_path if re.match(r"^[a-z][a-z0-9+.-]*://", page_path) else "file:///" + page_path.lstrip("/")
    return urldefrag(urljoin(base, href) if href is not None else base).url


def page_leads(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: {("page", name)...}} of the links to a captured page of the same source."""
    pages = captures.filter((pl.col("platform") != "desktop") & (pl.col("status") == "ok"))
    if pages.is_empty() or "href" not in elements.columns:
        return {}
    h1 = elements.filter(pl.col("tag") == "h1").group_by("capture_id").agg("text")
    headings = dict(h1.iter_rows())
    at, names = {}, {}
    for p in pages.iter_rows(named=True):
        at[(p["source_id"], _address(p["page_path"]))] = p["capture_id"]
        title = p["title"] or ""
        called = {title, *TITLE_SEPARATORS.split(title), *(headings.get(p["capture_id"]) or [])}
        names[p["capture_id"]] = {("page", n) for n in map(name_form, called) if n}
    page = {c: (s, path) for c, s, path in pages.select("capture_id", "source_id", "page_path").iter_rows()}
    capture_of = dict(screenshots.select("screenshot_id", "capture_id").iter_rows())
    links = elements.filter(pl.col("href").is_not_null() & pl.col("interactive"))
    leads = {}
    for element_id, screenshot_id, href in links.select("element_id", "screenshot_id", "href").iter_rows():
        here = capture_of.get(screenshot_id)
        if here not in page:
            continue
        source, path = page[here]
        there = at.get((source, _address(path, href)))
        # The page it is on too, where its address names it; a bare fragment ("#", "#top") goes nowhere.
        if there is not None and (there != here or not href.strip().startswith("#") and href.strip()):
            leads[element_id] = names[there]
    return leads


def _start_only(path: tuple[str, ...]) -> bool:
    return all(step.split(":", 1)[0] in START_STEPS for step in path)


def desktop_leads(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: {("dialog", title) or ("menu", name)...}} of the desktop controls exploration acted on."""
    states = captures.filter(
        (pl.col("platform") == "desktop") & (pl.col("status") == "ok") & pl.col("action_path").is_not_null()
    )
    if states.is_empty():
        return {}
    shots: dict[str, list[str]] = {}
    for screenshot_id, capture_id in screenshots.select("screenshot_id", "capture_id").iter_rows():
        shots.setdefault(capture_id, []).append(screenshot_id)
    rows = [{**s, "path": tuple(s["action_path"])} for s in states.iter_rows(named=True)]
    leads: dict[str, set] = {}
    for s in rows:
        if not s["path"] or ":" not in s["path"][-1] or _start_only(s["path"]):
            continue
        step, label = s["path"][-1].split(":", 1)
        before = [
            b
            for b in rows
            if (b["source_id"], b["app"]) == (s["source_id"], s["app"])
            and (b["path"] == s["path"][:-1] or (_start_only(s["path"][:-1]) and _start_only(b["path"])))
        ]
        if step in MENU_STEPS:
            effect = ("menu", name_form(label))
        elif step in OPENING_STEPS and s["title"] and all(b["title"] != s["title"] for b in before):
            effect = ("dialog", name_form(s["title"]))
        elif step in OPENING_STEPS:  # no new window: it opens no dialog, as far as the captures show
            effect = ("window", name_form(s["title"]))
        else:
            continue
        where = [i for b in before for i in shots.get(b["capture_id"], [])]
        label = " ".join(label.split())
        control = elements.filter(
            pl.col("screenshot_id").is_in(where)
            & pl.col("interactive")
            & ((pl.col("name").str.strip_chars() == label) | (pl.col("text").str.strip_chars() == label))
        )
        for element_id in control["element_id"]:
            leads.setdefault(element_id, set()).add(effect)
    return leads


def observed_leads(captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame) -> dict:
    """{element id: frozenset of (kind, name)}: where the captures show each control leads."""
    found = page_leads(captures, screenshots, elements)
    for element_id, effects in desktop_leads(captures, screenshots, elements).items():
        found[element_id] = found.get(element_id, set()) | effects
    return {k: frozenset(v) for k, v in found.items()}
