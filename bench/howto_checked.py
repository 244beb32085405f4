"""The hand-checked how-to sample of bench/howto.py, and the miner groundmill had before (the baseline).

A checked entry is one extracted procedure as it was when a person compared it with its page: the corpus
and page, the goal and step texts, and the verdict (`right`: the goal, every step in order and nothing
that is not a step; `wrong`, with a note saying what is off). The benchmark extracts each page again; an
entry whose procedure is no longer extracted exactly so is `changed` and needs checking again.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import lxml.html

VERDICTS = ("right", "wrong")


def _order(seed: int, proc: dict) -> str:
    """A stable random order: the hash of the seed, page and goal (adding or dropping other procedures
    does not change which of the others are drawn)."""
    return hashlib.sha256(f"{seed}|{proc['corpus']}|{proc['page']}|{proc['goal']}".encode()).hexdigest()


def draw_sample(kept: list[dict], n: int, seed: int, path: Path, verdicts: list[dict] = ()) -> None:
    """Write `n` kept procedures to check by hand (verdict null), drawn per corpus in proportion (at
    least a third of an equal share each) in a stable random order. Entries of `verdicts` that are
    drawn again unchanged keep their verdict and note."""
    by_corpus: dict[str, list[dict]] = {}
    for proc in kept:
        by_corpus.setdefault(proc["corpus"], []).append(proc)
    quotas = {c: max(n // (3 * len(by_corpus)), round(n * len(p) / len(kept))) for c, p in by_corpus.items()}
    largest = max(quotas, key=quotas.get)
    quotas[largest] -= sum(quotas.values()) - n
    known = {_key(v): v for v in verdicts}
    entries = []
    for corpus, procs in sorted(by_corpus.items()):
        for proc in sorted(procs, key=lambda p: _order(seed, p))[: quotas[corpus]]:
            entry = {k: proc[k] for k in ("corpus", "page", "goal", "steps")}
            old = known.get(_key(entry), {})
            entries.append({**entry, "verdict": old.get("verdict"), "note": old.get("note", "")})
    path.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")
    new = sum(e["verdict"] is None for e in entries)
    print(f"wrote {len(entries)} procedures to check by hand to {path} ({new} without a verdict)")


def _key(entry: dict) -> tuple:
    return entry["corpus"], entry["page"], entry["goal"], tuple(entry["steps"])


def judge(checked: list[dict], kept: list[dict]) -> dict[str, int]:
    """Counts of checked entries still extracted as they were (right / wrong) and of changed ones."""
    current = {_key(p) for p in kept}
    counts = {"right": 0, "wrong": 0, "changed": 0}
    for entry in checked:
        counts[
            entry["verdict"] if _key(entry) in current and entry["verdict"] in VERDICTS else "changed"
        ] += 1
    return counts


def load_checked(path: Path | None) -> list[dict]:
    text = path.read_text().strip() if path and path.is_file() else ""
    return json.loads(text) if text else []


# --- the miner before issue 16: a "How to …" heading (or title) and the ordered list after it ---------

HOW_TO = re.compile(r"^\s*how to\b", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _text(node) -> str:
    return " ".join(node.text_content().split())


def baseline_procedures(html: str) -> int:
    """How many procedures the old miner found on a page."""
    try:
        root = lxml.html.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    except (lxml.etree.ParserError, ValueError):
        return 0
    found = 0
    for heading in (h for h in root.iter(*HEADINGS) if HOW_TO.match(_text(h))):
        for node in heading.itersiblings():
            if node.tag in HEADINGS and int(node.tag[1]) <= int(heading.tag[1]):
                break
            lists = [node] if node.tag == "ol" else node.findall(".//ol")
            if lists:
                found += len([li for li in lists[0].findall("li") if _text(li)]) >= 2
                break
    if not found:
        title = root.findtext(".//title") or ""
        ordered = root.find(".//ol")
        if HOW_TO.match(title) and ordered is not None and len(ordered.findall("li")) >= 2:
            found = 1
    return found
