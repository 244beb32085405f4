"""Mojibake: text whose UTF-8 bytes were read in another character set ("TÃ©rminos", "donâ€™t"), or that
lost characters to the replacement character. Annotation leaves such text out; the audit counts it."""

from __future__ import annotations

_LEAD2, _LEAD3 = range(0xC2, 0xE0), range(0xE0, 0xF0)


def _byte(ch: str) -> int | None:
    for codec in ("cp1252", "latin-1"):
        try:
            return ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
    return None


def mojibake(text: str) -> bool:
    """True when the text shows the marks of a wrong character set: a replacement character, or a lead
    byte of UTF-8 and its continuation bytes, each shown as its own Windows-1252 character, that decode as
    UTF-8."""
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
