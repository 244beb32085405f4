"""A page element's visible text as one line, with the spans of the words its markup singles out.

A step's text is read as a person sees it: hidden variants left out, whitespace collapsed, figures,
tables and nested lists (sub-steps of their own) not part of it. Markup that names a control ("<b>Save</b>",
DocBook's guilabel and guimenu, LibreOffice's emph), text to type (code, userinput) or a key (kbd,
keycap) is kept as a mark: a [start, end) span into that text and its kind (ui, input, key, link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

SKIPPED_TAGS = {"script", "style", "noscript", "template", "ol", "ul", "figure", "img", "svg", "table"}
# Figures and their captions, and the "¶" links documentation generators put in headings.
SKIPPED_CLASSES = {
    "figure",
    "mediaobject",
    "informalfigure",
    "figure-contents",
    "caption",
    "screenshot",
    "headerlink",
}
BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "dd",
    "dt",
    "section",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
UI_CLASSES = {
    "emph",
    "guilabel",
    "guibutton",
    "guimenu",
    "guimenuitem",
    "guisubmenu",
    "guiicon",
    "menuitem",
    "menuchoice",
    "uicontrol",
    "wintitle",
    "ui",
}
INPUT_CLASSES = {"userinput", "input", "literal", "command", "filename"}
KEY_CLASSES = {"keycap", "keycode", "keycombo", "key", "shortcut"}
MARK_TAGS = {"b": "ui", "strong": "ui", "code": "input", "samp": "input", "kbd": "key", "a": "link"}


@dataclass
class Flat:
    """Visible text of an element and the marked spans in it."""

    text: str
    marks: list[tuple[int, int, str]] = field(default_factory=list)

    def marked(self, kind: str) -> list[tuple[int, int]]:
        return [(s, e) for s, e, k in self.marks if k == kind]


def _shown_variant(node: lxml.html.HtmlElement) -> bool:
    """Is this hidden element the variant a page's script reveals? Among siblings that are all hidden
    variants (LibreOffice's help: one per application or system), the one whose id starts "default", else
    the first (the script shows the first application's)."""
    if (node.get("id") or "").startswith("default"):
        return True
    parent = node.getparent()
    group = [n for n in parent if isinstance(n.tag, str)] if parent is not None else []
    if len(group) < 2 or any(n.get("hidden") is None for n in group):
        return False
    return not any((n.get("id") or "").startswith("default") for n in group) and group[0] is node


def hidden(node: lxml.html.HtmlElement) -> bool:
    """Not shown: `hidden` (except the variant a page's script reveals) or display:none."""
    if node.get("hidden") is not None and not _shown_variant(node):
        return True
    style = (node.get("style") or "").replace(" ", "").lower()
    return "display:none" in style


def _kind(node: lxml.html.HtmlElement) -> str | None:
    classes = set((node.get("class") or "").split())
    if classes & KEY_CLASSES:
        return "key"
    if classes & INPUT_CLASSES:
        return "input"
    if classes & UI_CLASSES:
        return "ui"
    if node.tag == "a" and not node.get("href"):
        return None
    return MARK_TAGS.get(node.tag)


def skipped(node: lxml.html.HtmlElement) -> bool:
    if not isinstance(node.tag, str) or node.tag in SKIPPED_TAGS or hidden(node):
        return True
    return bool(set((node.get("class") or "").split()) & SKIPPED_CLASSES)


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = True  # the text so far ends in a space (or is empty)

    def write(self, raw: str | None) -> None:
        if not raw:
            return
        text = re.sub(r"\s+", " ", raw)
        if self.space and text.startswith(" "):
            text = text[1:]
        if text:
            self.parts.append(text)
            self.length += len(text)
            self.space = text.endswith(" ")

    def walk(self, node: lxml.html.HtmlElement, marks: list, top: bool = False) -> None:
        if not top and skipped(node):
            self.write(node.tail)
            return
        if node.tag in BLOCKS:
            self.write(" ")
        kind, start = _kind(node), self.length
        self.write(node.text)
        for child in node:
            self.walk(child, marks)
        if kind:
            marks.append((start, self.length, kind))
        if node.tag in BLOCKS:
            self.write(" ")
        if not top:
            self.write(node.tail)


def flatten(node: lxml.html.HtmlElement) -> Flat:
    """`node`'s visible text on one line (nested lists, figures and tables left out) and its marks."""
    writer, marks = _Writer(), []
    writer.walk(node, marks, top=True)
    raw = "".join(writer.parts)
    text = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    kept = []
    for s, e, kind in marks:
        s, e = max(s - lead, 0), min(e - lead, len(text))
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if s < e:
            kept.append((s, e, kind))
    return Flat(text, sorted(kept))


def plain(node: lxml.html.HtmlElement) -> str:
    return flatten(node).text
