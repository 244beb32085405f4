"""The model annotator against a loopback server speaking the chat-completions protocol subset.

The server is a test double: a real vision-language model cannot run here. It answers from the element
facts in the prompt, as a model would from the pixels, and records every request it gets.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import polars as pl
import pytest

from schemas.bookkeeping import ModelUsage
from schemas.config import ModelParams
from schemas.datasets import Grounding, Instructions
from tests.transforms.elements import el, frames, png
from transforms.annotate.annotators import usage_table
from transforms.annotate.model import ModelAnnotator
from transforms.annotate.tables import annotate_tables
from transforms.capture.server import Quiet, serve


class FakeModel:
    """Fails the first `fail_first` requests with 503, then describes and judges elements."""

    def __init__(self, fail_first: int = 1, refuse_with: int | None = None):
        self.requests: list[dict] = []
        self.fail_first, self.refuse_with = fail_first, refuse_with
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()

    def answer(self, body: dict) -> tuple[int, dict]:
        system = body["messages"][0]["content"]
        text = next(p["text"] for p in body["messages"][1]["content"] if p["type"] == "text")
        if system.startswith("You write"):
            name = json.loads(re.search(r"name (\".*?\"), box", text).group(1))
            role = re.search(r"role (\w+)", text).group(1)
            kind = {"button": "button", "link": "link"}.get(role, "element")
            reply = {
                "text": f'the "{name}" {kind}',
                "appearance": f"the {kind}",  # too vague on purpose
                "intent": name,
                "function": None,
            }
        else:
            asked = json.loads(text)
            reply = {k: k != "appearance" for k in asked}
        return 200, {
            "choices": [
                {"message": {"role": "assistant", "content": "```json\n" + json.dumps(reply) + "\n```"}}
            ],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 50},
        }

    def __enter__(self) -> str:
        fake = self

        class Handler(Quiet, BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.requests.append(body)
                    fake.in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                    n = len(fake.requests)
                try:
                    if self.path != "/v1/chat/completions":
                        status, reply = 404, {"error": "no such path"}
                    elif fake.refuse_with:
                        status, reply = fake.refuse_with, {"error": "bad request"}
                    elif n <= fake.fail_first:
                        status, reply = 503, {"error": "warming up"}
                    else:
                        status, reply = fake.answer(body)
                    data = json.dumps(reply).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1

        self.serving = serve(Handler)
        return self.serving.__enter__() + "v1"

    def __exit__(self, *exc) -> None:
        self.serving.__exit__(*exc)


def elements_and_shots():
    elements, shots = frames(
        el(1, "button", "button", text="Save", box=(100, 100, 200, 140)),
        el(2, "button", "button", text="Cancel", box=(220, 100, 320, 140)),
        el(3, "a", "link", text="Help", box=(1100, 10, 1160, 30)),
    )
    return elements, shots.with_columns(png=pl.lit(png(), dtype=pl.Binary))


def run(url: str, root: Path, **settings):
    params = ModelParams(
        base_url=url,
        model="test-vlm",
        retry_backoff_s=0.01,
        max_in_flight=2,
        batch_size=2,
        price_in_per_mtok=2.0,
        price_out_per_mtok=8.0,
        **settings,
    )
    annotator = ModelAnnotator(params, (root / params.cache_dir).resolve())
    elements, shots = elements_and_shots()
    try:
        return annotate_tables(elements, shots, annotator, 0), usage_table(annotator, "t")
    finally:
        annotator.close()


def test_model_phrases_are_verified_counted_cached_and_retried(tmp_path):
    model = FakeModel(fail_first=1)
    with model as url:
        out, usage = run(url, tmp_path)
        Grounding.validate(out.grounding, lazy=True)
        Instructions.validate(out.instructions, lazy=True)
        ModelUsage.validate(usage, lazy=True)
        rows = {(r["label"], r["perspective"]): r for r in out.grounding.iter_rows(named=True)}
        assert rows[("Save", "text")]["expression"] == 'the "Save" button'
        assert (
            rows[("Save", "text")]["quality_flags"] == []
            and rows[("Save", "text")]["annotator"] == "model:test-vlm"
        )
        # "the button" fits two elements: groundmill's reading flags it, and so did the model's own judge.
        assert rows[("Save", "appearance")]["quality_flags"] == ["model_rejected", "ambiguous"]
        # The link is the only link: the reading accepts "the link" though the model's judge said no.
        assert rows[("Help", "appearance")]["quality_flags"] == ["model_rejected"]
        instructions = {
            (r["label"], r["perspective"]): r["instruction"] for r in out.instructions.iter_rows(named=True)
        }
        assert instructions[("Save", "text")] == 'Click the "Save" button'
        for book in out.books:
            assert book["rows_in"] == book["rows_out"] + book["skipped"], book
        # 3 descriptions + 3 judgements, one of them retried after the 503.
        u = usage.row(0, named=True)
        assert (u["requests"], u["retries"], u["cache_hits"], u["failures"]) == (7, 1, 0, 0)
        assert (u["prompt_tokens"], u["completion_tokens"]) == (6000, 300)
        assert u["cost_usd"] == pytest.approx(6000 * 2 / 1e6 + 300 * 8 / 1e6)
        assert model.most_in_flight <= 2
        first = model.requests[1]
        images = [p for p in first["messages"][1]["content"] if p["type"] == "image_url"]
        assert len(images) == 2 and all(
            p["image_url"]["url"].startswith("data:image/png;base64,") for p in images
        )

        again, usage_again = run(url, tmp_path)
        assert len(model.requests) == 7  # the rerun paid for nothing
        assert usage_again.row(0, named=True)["cache_hits"] == 6
        assert again.grounding.equals(out.grounding)


def test_a_refusing_endpoint_leaves_every_element_skipped_with_the_reason(tmp_path):
    model = FakeModel(refuse_with=400)
    with model as url:
        out, usage = run(url, tmp_path)
    assert out.grounding.filter(pl.col("gt_type") == "positive").height == 0
    reasons = set(out.skipped.get_column("reason"))
    assert any(r.startswith("model_failed:") and "HTTP 400" in r for r in reasons)
    assert usage.row(0, named=True)["failures"] == 3 and usage.row(0, named=True)["retries"] == 0


def test_unknown_model_settings_are_refused():
    with pytest.raises(ValueError, match="temprature"):
        ModelParams.model_validate({"base_url": "http://127.0.0.1:1/v1", "temprature": 0})
