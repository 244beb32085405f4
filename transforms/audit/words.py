"""The audit's own reading of a phrase's words: which need support from the screen, and which belong to
the fixed vocabulary of roles, places, colours, looks and actions a person can see without reading.

Written apart from the annotators on purpose: the audit shares no matching code with what it checks.
"""

from __future__ import annotations

import re
import unicodedata

# Words that carry no claim about the screen.
STOPWORDS = frozenset(
    "a an the of to in on at for with and or from into by as is its your you it this that than".split()
)
ROLE_WORDS = frozenset(
    """button buttons link links field fields search box heading headings title text image picture photo
    icon icons tab tabs option options checkbox checkboxes switch toggle drop down dropdown list menu item items
    element control page section form entry logo label input""".split()
)
PLACE_WORDS = frozenset(
    """top bottom left right centre center middle corner corners side screen above below under over beside
    next near first second third fourth fifth sixth seventh eighth ninth tenth last row column""".split()
)
COLOUR_WORDS = frozenset(
    "black white gray grey red orange yellow green teal blue purple pink brown dark light".split()
)
LOOK_WORDS = frozenset(
    """large small big tiny bold round rounded pill shaped square symbol shape arrow cross plus minus star
    heart bell gear check mark magnifying glass cart shopping more dots hamburger""".split()
)
ACTION_WORDS = frozenset(
    """click tap press type enter select choose tick untick toggle open hover scroll go visit turn on off
    show view use""".split()
)
VOCABULARY = ROLE_WORDS | PLACE_WORDS | COLOUR_WORDS | LOOK_WORDS | ACTION_WORDS
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents, the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_words(phrase: str) -> list[str]:
    """The words of a phrase that name something only the screen's text can show."""
    return [w for w in tokens(phrase) if w not in STOPWORDS and w not in VOCABULARY]


def latin(word: str) -> bool:
    """Whether the OCR (English model, Latin script) could read the word at all."""
    return all(ch.isdigit() or "a" <= ch <= "z" or ch in "'’" for ch in word)


# Mojibake: UTF-8 bytes read as Windows-1252 or Latin-1 ("TÃ©rminos", "donâ€™t"), or a replacement character.
_LEAD2, _LEAD3 = range(0xC2, 0xE0), range(0xE0, 0xF0)


def _byte(ch: str) -> int | None:
    for codec in ("cp1252", "latin-1"):
        try:
            return ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
    return None


def mojibake(text: str) -> bool:
    """True when the text shows the marks of a wrong character set: a lead byte of UTF-8 and its
    continuation bytes, each shown as its own Windows-1252 character, that decode as UTF-8."""
    if "\ufffd" in text:
        return True
    for i, ch in enumerate(text):
        lead = _byte(ch) if "\u00c2" <= ch <= "\u00ef" else None
        if lead is None:
            continue
        need = 1 if lead in _LEAD2 else 2 if lead in _LEAD3 else 0
        tail = [_byte(c) for c in text[i + 1 : i + 1 + need]]
        if need and len(tail) == need and all(b is not None and 0x80 <= b <= 0xBF for b in tail):
            try:
                bytes([lead, *tail]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False
