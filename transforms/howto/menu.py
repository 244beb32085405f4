"""Menu paths and key names written inline in a step: "Edit ▸ Preferences", "Format - Character",
"File → Save As", "“Image/Color Management/Assign Color Profile”", "Ctrl+Shift+Z", "F2", "Enter".

A path is two or more capitalised items joined by separators of one kind. Arrows (→ ▸ ► » ⇒ › and a
spaced > or ->) always make a path; so does DocBook's "Layer+Transparency → …". A spaced hyphen or dash,
a bar or a slash make one only after a verb or word that leads to menus ("Choose Format - Character",
"via", "under"), inside quotes, or where the page marks the words as interface text. The first item is
at most three capitalised words; later items run over capitalised words and the small words between them
("Table of Contents and Index") and stop at punctuation or a lower-case word ("Insert - Frame and click
OK" is the path Insert, Frame).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.howto.verbs import ACTION_OF

SEP = re.compile(r"\s*(→|▸|►|»|⇒|›)\s*| +(->|>|[-–—|]) +|(/) ?|(\+)")
ARROWS = {"→", "▸", "►", "»", "⇒", "›", "->", ">", "+"}
LINKS = {
    "of",
    "and",
    "&",
    "from",
    "to",
    "as",
    "for",
    "with",
    "in",
    "on",
    "the",
    "a",
    "an",
    "by",
    "or",
    "into",
}
LEADS = {
    "choose",
    "select",
    "go",
    "click",
    "open",
    "use",
    "navigate",
    "access",
    "pick",
    "run",
    "invoke",
    "via",
    "through",
    "under",
    "menu",
    "from",
    "command",
    "in",
    "at",
}
NOT_ITEMS = LEADS | {"then", "and", "or", "first", "next", "now", "finally", "press", "type", "enter"}
WORD = re.compile(r"[^\s,.;:()\[\]{}“”\"‘’!?/+|→▸►»⇒›]+(?:\.{3}|…)?")
KEY_NAMES = (
    r"Ctrl|Control|Alt|AltGr|Shift|Cmd|Command|Option|Opt|Meta|Super|Win|Windows|Fn|Enter|Return|Esc|Escape|"
    r"Tab|Space|Spacebar|Backspace|Delete|Del|Insert|Ins|Home|End|Page ?Up|Page ?Down|PgUp|PgDn|F\d{1,2}|"
    r"(?:Up|Down|Left|Right) Arrow|Arrow (?:Up|Down|Left|Right)|Print Screen"
)
MODIFIERS = r"Ctrl|Control|Alt|AltGr|Shift|Cmd|Command|Option|Opt|Meta|Super|Win|Fn"
COMBO = re.compile(
    rf"(?<![\w+])(?:(?:{KEY_NAMES}|[A-Z0-9])\s*\+\s*)+(?:{KEY_NAMES}|[A-Za-z0-9]|[^\w\s])(?![\w+])"
)
KEY = re.compile(
    rf"{COMBO.pattern}|(?<![\w+])(?:{KEY_NAMES})(?: key)?(?![\w+])"
    r"|\b(?:(?:up|down|left|right) )?arrow keys?\b"
)


@dataclass(frozen=True)
class MenuPath:
    items: list[str]
    span: tuple[int, int]  # the whole path
    last: tuple[int, int]  # its last item


def _capital(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _left_item(text: str, end: int) -> int | None:
    """Start of the first item, which ends at `end`: up to three capitalised words, no verb among them."""
    words = list(WORD.finditer(text, 0, end))
    start = None
    for m in reversed(words[-3:]):
        between = text[m.end() : start if start is not None else end]
        if between.strip() or not _capital(m.group()) or m.group().lower() in NOT_ITEMS:
            break
        start = m.start()
    return start


def _right_item(text: str, start: int, limit: int | None) -> int | None:
    """End of an item starting at `start`: capitalised words and the small words between them, up to
    punctuation or the next separator; inside interface markup (`limit`, where it ends) any word."""
    end, pos = None, start
    loose = limit is not None
    while (m := WORD.match(text, pos, limit or len(text))) is not None:
        word = m.group()
        following = WORD.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
        small = word.lower() in LINKS and following is not None and _capital(following.group())
        if not (_capital(word) or small or (loose and end is not None)):
            if end is not None:
                end = _lower_tail(text, pos) or end
            break
        end = m.end()
        if text[end : end + 1] != " " or SEP.match(text, end):
            break
        pos = end + 1
    return end


TAIL_STOPS = {
    "and",
    "or",
    "then",
    "but",
    "you",
    "your",
    "it",
    "this",
    "that",
    "if",
    "when",
    "which",
    "is",
    "are",
}


def _lower_tail(text: str, pos: int) -> int | None:
    """End of up to three lower-case words from `pos` that close an item ("Crop to content.", "Layer
    boundary size:"): they must run to a punctuation mark or the end, with no verb or conjunction."""
    tail = re.match(r"((?:[a-z][\w'’-]*)(?: [a-z][\w'’-]*){0,2})(?=[.:;,)]|$)", text[pos:])
    if tail is None or set(tail.group(1).split()) & (TAIL_STOPS | set(ACTION_OF)):
        return None
    return pos + tail.end(1)


def _kind(sep: str) -> str:
    return "arrow" if sep in ARROWS else sep if sep in "/|" else "dash"


def _leads_in(text: str, start: int, marks: list[tuple[int, int]], words: bool = True) -> bool:
    """Is there a reason to read a dash- or slash-separated run at `start` as a menu path: quotes or
    interface markup around it, or (`words`) a word that leads to menus just before it?"""
    before = text[max(0, start - 30) : start]
    quoted = before.rstrip().endswith(("“", '"', "‘", "'"))
    if quoted or any(s <= start < e for s, e in marks):
        return True
    return words and bool(set(re.findall(r"[a-z]+", before.lower())[-3:]) & LEADS)


SLASH_LEADS = {"choose", "select", "open", "via", "click", "under", "menu", "pick"}  # not "use TCP/IP"


def _menu_verb_before(text: str, start: int) -> bool:
    """A two-item slash path ("Configuration/Preferences…") right after a word that leads to menus; a
    slash elsewhere ("Yes/No", "Input/Output") is read as one only in quotes or marked."""
    before = re.findall(r"[a-z]+", text[max(0, start - 15) : start].lower())
    return bool(before) and before[-1] in SLASH_LEADS and text[start - 1 : start] == " "


def _chain(text: str, seps: list, i: int, marks: list[tuple[int, int]]) -> tuple[MenuPath | None, int]:
    """The path whose first separator is seps[i], and the index of its last separator."""
    s, e, sep = seps[i]
    start = _left_item(text, s)
    if start is None or not (e < len(text) and _capital(text[e])):
        return None, i
    # A path the page marks as one piece of interface text ("Format - Character") ends where the marking does.
    mark_end = next((me for ms, me in marks if ms <= start < me and me > s), None)
    spans, j, kind = [(start, s)], i, _kind(sep)
    while (end := _right_item(text, seps[j][1], mark_end)) is not None:
        spans.append((seps[j][1], end))
        nxt = j + 1
        if (
            nxt < len(seps)
            and seps[nxt][0] == end
            and _kind(seps[nxt][2]) == kind
            and _capital(text[seps[nxt][1] :])
        ):
            j = nxt
            continue
        break
    seps_used = {seps[k][2] for k in range(i, j + 1)}
    if len(spans) < 2:
        return None, j
    items = [text[a:b] for a, b in spans]
    if seps_used == {"+"} and all(re.fullmatch(MODIFIERS, item) for item in items[:-1]):
        return None, j  # Ctrl+Alt+Key is a key combination
    led = _leads_in(text, start, marks, words=kind != "/") or (
        kind == "/" and (len(items) > 2 or _menu_verb_before(text, start))
    )
    if (kind != "arrow" or seps_used == {"+"}) and not led:
        return None, j
    return MenuPath(items, (spans[0][0], spans[-1][1]), spans[-1]), j


def _continued(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Marks with a marked continuation joined: LibreOffice's help marks "Tools - Options" (its macOS
    twin hidden beside it) and then " - LibreOffice Writer - General", one path in two pieces; or the
    first piece holds the separator ("Tools - Options - " then a link "LibreOffice - Paths")."""
    joined: list[tuple[int, int]] = []
    for s, e in sorted(marks):
        gap = text[joined[-1][1] : s] if joined else ""
        ends = joined and re.search(r"(?:\s[-–—>]|[→▸►»⇒›])\s*$", text[joined[-1][0] : joined[-1][1]])
        if joined and not gap.strip() and (SEP.match(text, joined[-1][1]) or ends):
            joined[-1] = (joined[-1][0], e)
        else:
            joined.append((s, e))
    return joined


def menu_paths(text: str, marks: list[tuple[int, int]] = ()) -> list[MenuPath]:
    """Every menu path in `text`, left to right; `marks` are spans the page marked as interface text."""
    seps = [(m.start(), m.end(), next(g for g in m.groups() if g)) for m in SEP.finditer(text)]
    found, i, marks = [], 0, _continued(text, list(marks))
    while i < len(seps):
        path, last = _chain(text, seps, i, marks)
        if path is not None:
            found.append(path)
        i = last + 1
    return found


def keys(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of key names and combinations ("Enter", "Ctrl+S", "the arrow keys") in text[start:end]."""
    return [(m.start(), m.end()) for m in KEY.finditer(text, start, len(text) if end is None else end)]
