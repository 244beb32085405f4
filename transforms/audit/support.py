"""Visible support: is every content word of a phrase found in the screenshot's own OCR text?"""

from __future__ import annotations

from difflib import SequenceMatcher

from transforms.audit.words import content_words, latin, tokens

FUZZY = 0.8  # similarity at which a word of 5+ letters counts as read with an OCR slip
SHORT = 2  # words this short (a letter, a footnote number) need support only when a phrase has no other
SHORT_NUMBER = 3  # numbers this short (footnotes, list numbers): the OCR misses them, so they are not read


# Characters OCR takes for one another in small text (0/o, 1/l/i, 5/s): compared in one shape.
SHAPES = str.maketrans("01i5", "olls")


class OcrText:
    """The OCR words of one screenshot, folded (and in one shape), with a memo of words looked up."""

    def __init__(self, words: list[dict], min_conf: float):
        kept = [w["text"] for w in words if w["conf"] >= min_conf]
        self.tokens = {t.translate(SHAPES) for w in kept for t in tokens(w)}
        self.joined = "".join(t.translate(SHAPES) for w in kept for t in tokens(w))
        self.by_length: dict[int, list[str]] = {}
        for t in self.tokens:
            self.by_length.setdefault(len(t), []).append(t)
        self._memo: dict[str, bool] = {}

    def has(self, word: str) -> bool:
        if word not in self._memo:
            self._memo[word] = self._has(word.translate(SHAPES))
        return self._memo[word]

    def _has(self, word: str) -> bool:
        if word in self.tokens:
            return True
        if len(word) >= 3 and word in self.joined:  # split or run together by the OCR
            return True
        if len(word) < 5 or word.isdigit():
            return False
        near = (t for n in range(len(word) - 2, len(word) + 3) for t in self.by_length.get(n, ()))
        return any(SequenceMatcher(None, word, t).ratio() >= FUZZY for t in near)


def unsupported(phrase: str, ocr: OcrText) -> tuple[list[str], list[str]]:
    """(content words the OCR text lacks, content words it cannot read: not in Latin script, or short
    numbers)."""
    missing, unreadable = [], []
    words = content_words(phrase)
    if any(len(w) > SHORT for w in words):
        words = [w for w in words if len(w) > SHORT]
    for word in words:
        if not latin(word) or (word.isdigit() and len(word) <= SHORT_NUMBER):
            unreadable.append(word)
        elif not ocr.has(word):
            missing.append(word)
    return missing, unreadable
