"""How-to: procedures mined from pages — a 'How to …' heading or title, then its ordered steps."""

from __future__ import annotations

import re

import lxml.html
import polars as pl

from schemas.registry import schema
from transforms.ids import row_id

HOW_TO = re.compile(r"^\s*how to\b", re.IGNORECASE)
STEP_HEADING = re.compile(r"^\s*(?:step\s*)?(\d+)\s*[:.)\-–]\s*(.+)$", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _text(node: lxml.html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _after(heading: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Elements after `heading` in document order, up to the next heading of the same or higher rank."""
    rank = int(heading.tag[1])
    out = []
    for node in heading.itersiblings():
        if node.tag in HEADINGS and int(node.tag[1]) <= rank:
            break
        out.append(node)
    return out


def _steps_after(heading: lxml.html.HtmlElement) -> list[str]:
    following = _after(heading)
    for node in following:
        lists = [node] if node.tag == "ol" else node.findall(".//ol")
        if lists:
            return [_text(li) for li in lists[0].findall("li") if _text(li)]
    numbered = [STEP_HEADING.match(_text(n)) for n in following if n.tag in HEADINGS]
    numbered = [m for m in numbered if m]
    if len(numbered) >= 2 and [int(m.group(1)) for m in numbered] == list(range(1, len(numbered) + 1)):
        return [m.group(2).strip() for m in numbered]
    return []


def mine_procedures(html: str) -> list[tuple[str, list[str]]]:
    """(goal, ordered steps) for each 'How to …' heading (or title) followed by steps."""
    if not html or not html.strip():
        return []
    root = lxml.html.fromstring(html)
    found = []
    headings = [h for h in root.iter(*HEADINGS) if HOW_TO.match(_text(h))]
    for heading in headings:
        steps = _steps_after(heading)
        if len(steps) >= 2:
            found.append((_text(heading), steps))
    if not found:
        title = root.findtext(".//title") or ""
        ordered = root.find(".//ol")
        if HOW_TO.match(title) and ordered is not None:
            steps = [_text(li) for li in ordered.findall("li") if _text(li)]
            goal = re.split(r"\s[·|–-]\s", title)[0].strip()
            if len(steps) >= 2:
                found.append((goal, steps))
    return found


def mine_howto(captures: pl.DataFrame, screenshots: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Captures and their screenshots in; (how-to rows, number of pages that had no procedure).
    A procedure points at the page's first screenshot (part 0), where its heading usually is."""
    first = (
        screenshots.filter(pl.col("part_index") == 0)
        .select("capture_id", "screenshot_id")
        .unique("capture_id")
    )
    rows, without = [], 0
    ok = captures.filter(pl.col("status") == "ok").join(first, on="capture_id", how="left")
    for cap in ok.iter_rows(named=True):
        procedures = mine_procedures(cap["html"] or "")
        without += not procedures
        for goal, steps in procedures:
            rows.append(
                {
                    "howto_id": row_id(
                        "howto", {"capture_id": cap["capture_id"], "goal": goal, "steps": steps}
                    ),
                    "source_id": cap["source_id"],
                    "capture_id": cap["capture_id"],
                    "screenshot_id": cap["screenshot_id"],
                    "page_path": cap["page_path"],
                    "goal": goal,
                    "steps": steps,
                    "n_steps": len(steps),
                }
            )
    return pl.DataFrame(rows, schema=schema("howto")), without
