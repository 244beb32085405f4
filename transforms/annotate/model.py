"""The model annotator: a vision-language model writes the perspective phrases for each element, from
its crop and the screenshot with the element marked in red, then judges whether each phrase picks out
only that element (the UI-Ins recipe). Its phrases still go through groundmill's own verification."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

from PIL import Image, ImageDraw

from schemas.config import ModelParams
from transforms.annotate.chat import ChatClient, ModelError
from transforms.annotate.features import Item
from transforms.annotate.match import Screen
from transforms.annotate.phrases import PERSPECTIVES, VARIANTS, Phrase, Skip, action_of
from transforms.annotate.pixels import COLOUR_NAMES

DESCRIBE = (
    "You write phrases that refer to one element of a screenshot, to train GUI grounding models. The element "
    "is marked with a red box on the screenshot; a crop of it is attached too. Reply with one "
    "JSON object with "
    "the keys text, appearance, function, spatial and intent. Each phrase must fit only the "
    "marked element on "
    "this screen; use null where a perspective does not apply.\n"
    '- text: its visible text or accessible name in double quotes, then its kind: the "Sign in" button.\n'
    f"- appearance: its look, not its text: the [small|large] [{'|'.join(COLOUR_NAMES)}] [round|pill-shaped] "
    "kind [with a … symbol].\n"
    "- function: what it is for: the field for the e-mail address, the link to the pricing page.\n"
    '- spatial: its place: the icon right of the "Search" field, the second tab from the left, '
    "the button in the top right of the screen.\n"
    "- intent: the user goal it serves as a short imperative sentence that does not name it: Sign in."
)
JUDGE = (
    "For each phrase below, answer whether it refers to the element in the red box and to no other element "
    "on this screen. Reply with one JSON object mapping each key to true or false."
)


def _png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _views(image: Image.Image, item: Item) -> tuple[str, str]:
    """(crop around the element, screenshot with the element boxed in red) as data URLs."""
    x1, y1, x2, y2 = item.box
    pad = 8
    crop = image.crop(
        (
            max(0, int(x1) - pad),
            max(0, int(y1) - pad),
            min(image.width, int(x2) + pad),
            min(image.height, int(y2) + pad),
        )
    )
    marked = image.copy()
    ImageDraw.Draw(marked).rectangle((x1, y1, x2, y2), outline=(255, 0, 0), width=3)
    return _png(crop), _png(marked)


def _json_object(reply: str) -> dict:
    found = re.search(r"\{.*\}", reply, re.DOTALL)
    try:
        value = json.loads(found.group(0)) if found else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise ModelError(f"reply is not a JSON object: {reply[:120]!r}")
    return value


def _image_part(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url}}


class ModelAnnotator:
    name = "model"

    def __init__(self, params: ModelParams, cache: Path):
        self.params = params
        self.client = ChatClient(params, cache)
        self.name = f"model:{params.model}"

    def annotate(self, screen: Screen, png: bytes | None) -> tuple[list[Phrase], list[Skip]]:
        image = Image.open(io.BytesIO(png)).convert("RGB") if png else None
        usable = [i for i in screen.items if i.center_hit and (i.key or i.kind == "icon")]
        chosen = usable[: self.params.max_elements_per_screenshot] if image else []
        reasons = {
            i.element_id: "model_not_sent: covered centre, or nothing to name it by" for i in screen.items
        }
        reasons.update(
            {
                i.element_id: "model_not_sent: over the model's per-screenshot element cap"
                for i in usable[len(chosen) :]
            }
        )
        if image is None:
            reasons = {i.element_id: "model_failed: screenshot could not be read" for i in screen.items}
        phrases, skips = [], []
        for start in range(0, len(chosen), max(1, self.params.batch_size)):
            batch = chosen[start : start + self.params.batch_size]
            views = [_views(image, item) for item in batch]
            replies = self.client.complete_all([self._describe(item, v) for item, v in zip(batch, views)])
            described = [(item, self._read(reply)) for item, reply in zip(batch, replies)]
            judged = self._judge(
                [(item, got) for item, got in described if isinstance(got, dict)], views, batch
            )
            for item, got in described:
                if isinstance(got, ModelError):
                    reasons[item.element_id] = f"model_failed: {got}"
                    continue
                reasons.pop(item.element_id, None)
                made, missing = self._phrases(item, got, judged.get(item.element_id, {}))
                phrases += made
                skips += missing
        for item in screen.items:
            if item.element_id in reasons:
                tables = ("grounding", "instructions") if item.interactive else ("grounding",)
                skips += [Skip(item, t, v, reasons[item.element_id]) for t in tables for v in VARIANTS[t]]
        return phrases, skips

    @staticmethod
    def _read(reply: str | ModelError) -> dict[str, str] | ModelError:
        """The perspective phrases of a reply, or the error that stands in for them."""
        if isinstance(reply, ModelError):
            return reply
        try:
            got = _json_object(reply)
        except ModelError as exc:
            return exc
        return {k: v for k, v in got.items() if k in PERSPECTIVES and isinstance(v, str) and v.strip()}

    def _describe(self, item: Item, views: tuple[str, str]) -> list[dict]:
        width, height = item.image
        facts = (
            f"Element: role {item.role}, tag {item.tag}, name {json.dumps(item.label)}, box "
            f"{[round(v) for v in item.box]} on a {width}x{height} screenshot."
        )
        return [
            {"role": "system", "content": DESCRIBE},
            {
                "role": "user",
                "content": [{"type": "text", "text": facts}, _image_part(views[0]), _image_part(views[1])],
            },
        ]

    def _judge(
        self, described: list[tuple[Item, dict]], views: list[tuple[str, str]], batch: list[Item]
    ) -> dict[str, dict[str, bool]]:
        """element id -> perspective -> the model's yes/no on uniqueness (empty when not asked)."""
        if not self.params.verify or not described:
            return {}
        marked = {item.element_id: v[1] for item, v in zip(batch, views)}
        requests = [
            [
                {"role": "system", "content": JUDGE},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": json.dumps(got, ensure_ascii=False)},
                        _image_part(marked[item.element_id]),
                    ],
                },
            ]
            for item, got in described
        ]
        out = {}
        for (item, _), reply in zip(described, self.client.complete_all(requests)):
            try:
                answer = _json_object(reply) if not isinstance(reply, ModelError) else {}
            except ModelError:
                answer = {}
            out[item.element_id] = {k: v for k, v in answer.items() if isinstance(v, bool)}
        return out

    def _phrases(
        self, item: Item, got: dict[str, str], judged: dict[str, bool]
    ) -> tuple[list[Phrase], list[Skip]]:
        flags = {p: ("model_rejected",) if judged.get(p) is False else () for p in PERSPECTIVES}
        phrases, skips = [], []
        for perspective in PERSPECTIVES:
            if perspective in got:
                phrases.append(
                    Phrase(item, "grounding", perspective, got[perspective].strip(), flags=flags[perspective])
                )
            else:
                skips.append(
                    Skip(item, "grounding", perspective, f"model_no_phrase: no {perspective} phrase")
                )
        if not item.interactive:
            return phrases, skips
        action = action_of(item)
        for variant in VARIANTS["instructions"]:
            perspective = variant.split("/")[0]
            text = got.get(perspective, "").strip()
            np = text[:1].lower() + text[1:] if text[:4].lower() == "the " else ""
            if action is None:
                skips.append(Skip(item, "instructions", variant, f"no_action: role {item.role!r}"))
            elif variant == "intent/implicit" and text:
                phrases.append(
                    Phrase(
                        item,
                        "instructions",
                        variant,
                        text,
                        action.action_type,
                        action.args,
                        flags=flags["intent"],
                    )
                )
            elif variant in PERSPECTIVES and np:
                phrases.append(
                    Phrase(
                        item,
                        "instructions",
                        variant,
                        action.instruct(np),
                        action.action_type,
                        action.args,
                        flags=flags[perspective],
                    )
                )
            else:
                skips.append(
                    Skip(item, "instructions", variant, f"model_no_phrase: no {variant} instruction")
                )
        return phrases, skips

    def close(self) -> None:
        self.client.close()

    def usage(self, source_id: str) -> dict:
        return {"source_id": source_id, "annotator": self.name, **self.client.counts()}
