"""schema.org HowTo and Recipe procedures written as JSON-LD in a page's <script> blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import lxml.html

TYPES = {"HowTo", "Recipe"}


def _types(thing: dict) -> set[str]:
    kind = thing.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _things(data) -> Iterator[dict]:
    """Every object in a JSON-LD document, @graph members and nested values included."""
    if isinstance(data, list):
        for item in data:
            yield from _things(item)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, list | dict):
                yield from _things(value)


def _text(value) -> str:
    """Plain text of a JSON-LD string (some sites put HTML in it)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" in value:
        try:
            value = lxml.html.fromstring(value).text_content()
        except (lxml.etree.ParserError, ValueError):
            pass
    return " ".join(value.split())


def _steps(value) -> list[str]:
    """Step texts of a `step` or `recipeInstructions` value: a string (one step a line), a list, a
    HowToStep (text, else name, else its directions), or a HowToSection (its steps in order)."""
    if isinstance(value, str):
        return [t for line in value.splitlines() if (t := _text(line))]
    if isinstance(value, list):
        return [t for item in value for t in _steps(item)]
    if not isinstance(value, dict):
        return []
    if "HowToSection" in _types(value) or ("itemListElement" in value and "text" not in value):
        return _steps(value.get("itemListElement") or value.get("steps") or [])
    text = _text(value.get("text")) or _text(value.get("name"))
    return [text] if text else []


def jsonld_procedures(root: lxml.html.HtmlElement) -> list[tuple[str, list[str]]]:
    """(name, step texts) of every HowTo and Recipe in the page's JSON-LD; unreadable blocks are skipped."""
    found = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for thing in _things(data):
            if not _types(thing) & TYPES:
                continue
            steps = _steps(thing.get("step") or thing.get("recipeInstructions") or [])
            if steps:
                found.append((_text(thing.get("name")), steps))
    return found
