"""Model verification, the way grounding models are evaluated: an OpenAI-compatible vision model is given
the screenshot and the phrase, and the row is kept only when the point it predicts falls in the box.

`ModelChecked` wraps any annotator: its grounding phrases go to the model (cached by request, like the
model annotator's), and a phrase whose predicted point misses its box, or that got no point, carries the
flag `model_missed`, which keeps the row out of the published dataset. Off unless
`annotate.model_check` is true.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path

from schemas.config import ModelParams
from transforms.annotate.chat import ChatClient, ModelError
from transforms.annotate.match import Screen
from transforms.annotate.phrases import Annotator, Phrase, Skip

PROMPT = (
    "You are a GUI grounding model. Find the element the instruction refers to on the screenshot "
    "({width}x{height} pixels) and reply with the point to click, as JSON: "
    '{{"x": <pixels from the left>, "y": <pixels from the top>}}.'
)
_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def read_point(reply: str, width: int, height: int, scale: str) -> tuple[float, float] | None:
    """The point of a reply ({"x": .., "y": ..}, [x, y] or "(x, y)"), in screenshot pixels; `scale` says
    how the model writes coordinates: pixels, norm1 (0..1) or norm1000 (0..1000)."""
    found = re.search(r"\{.*?\}", reply, re.DOTALL)
    point = None
    if found:
        try:
            value = json.loads(found.group(0))
            point = (float(value["x"]), float(value["y"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            point = None
    if point is None:
        numbers = _NUMBERS.findall(reply)
        if len(numbers) < 2:
            return None
        point = (float(numbers[0]), float(numbers[1]))
    factor = {"pixels": (1, 1), "norm1": (width, height), "norm1000": (width / 1000, height / 1000)}[scale]
    return point[0] * factor[0], point[1] * factor[1]


def grounding_messages(png: bytes, text: str, width: int, height: int) -> list[dict]:
    """The chat messages that ask a grounding model where `text` is on the screenshot `png`."""
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    return [
        {"role": "system", "content": PROMPT.format(width=width, height=height)},
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": url}},
                {"type": "text", "text": text},
            ],
        },
    ]


def _request(png: bytes, phrase: Phrase) -> list[dict]:
    return grounding_messages(png, phrase.text, *phrase.item.image)


class ModelChecked:
    """An annotator whose grounding phrases a grounding model must find, point inside the box."""

    def __init__(self, inner: Annotator, params: ModelParams, cache: Path, scale: str = "pixels"):
        self.inner, self.params, self.scale = inner, params, scale
        self.client = ChatClient(params, cache)
        self.name = inner.name

    def annotate(self, screen: Screen, png: bytes | None) -> tuple[list[Phrase], list[Skip]]:
        phrases, skips = self.inner.annotate(screen, png)
        asked = [i for i, p in enumerate(phrases) if p.table == "grounding" and png]
        replies = self.client.complete_all([_request(png, phrases[i]) for i in asked]) if asked else []
        for i, reply in zip(asked, replies):
            phrase = phrases[i]
            width, height = phrase.item.image
            point = None if isinstance(reply, ModelError) else read_point(reply, width, height, self.scale)
            x1, y1, x2, y2 = phrase.item.box
            if point is None or not (x1 <= point[0] <= x2 and y1 <= point[1] <= y2):
                phrases[i] = replace(phrase, flags=(*phrase.flags, "model_missed"))
        if not png:  # nothing to show the model: no grounding phrase can be confirmed
            phrases = [
                replace(p, flags=(*p.flags, "model_missed")) if p.table == "grounding" else p for p in phrases
            ]
        return phrases, skips

    def usage(self, source_id: str) -> dict:
        inner = self.inner.usage(source_id)
        mine = self.client.counts()
        return {**inner, **{k: inner.get(k, 0) + v for k, v in mine.items()}}

    def close(self) -> None:
        self.client.close()
        self.inner.close()
