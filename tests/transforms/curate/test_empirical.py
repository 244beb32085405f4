"""Empirical difficulty against a loopback server that answers like a sampled grounding model (a test
double at the hosted-model boundary: no vision model runs here). For "Save" every sample lands in the
box; for "Cancel" only even seeds do; "Help" gets no point at all."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import polars as pl

from schemas.config import DifficultyParams, EmpiricalParams, ModelParams, load_params
from tests.conftest import REPO
from tests.transforms.elements import annotated, el, frames, png
from transforms.annotate.chat import ChatClient
from transforms.capture.server import Quiet, serve
from transforms.curate.difficulty import grade_difficulty
from transforms.curate.empirical import model_success, refine

ROWS = (
    el(1, "button", "button", text="Save", box=(100, 100, 200, 140)),
    el(2, "button", "button", text="Cancel", box=(300, 100, 400, 140)),
    el(3, "a", "link", text="Help", box=(500, 100, 560, 120)),
)


class SampledGrounder:
    def __init__(self):
        self.bodies: list[dict] = []

    def __enter__(self) -> str:
        fake = self

        class Handler(Quiet, BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.bodies.append(body)
                phrase = next(p["text"] for p in body["messages"][1]["content"] if p["type"] == "text")
                if "Save" in phrase:
                    content = '{"x": 150, "y": 120}'
                elif "Cancel" in phrase:
                    content = '{"x": 350, "y": 120}' if body["seed"] % 2 == 0 else '{"x": 700, "y": 700}'
                else:
                    content = "I cannot find it."
                data = json.dumps({"choices": [{"message": {"content": content}}], "usage": {}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.serving = serve(Handler)
        return self.serving.__enter__() + "v1"

    def __exit__(self, *exc) -> None:
        self.serving.__exit__(*exc)


def test_success_over_k_samples_refines_the_score_and_samples_are_cached(tmp_path):
    elements, shots = frames(*ROWS)
    shots = shots.with_columns(png=pl.lit(png(), dtype=pl.Binary))
    text = annotated(*ROWS).grounding.filter(pl.col("perspective") == "text")
    params = DifficultyParams()
    graded = grade_difficulty(text, elements, shots, params)
    empirical = EmpiricalParams(enabled=True, samples=4, blend=0.5)
    server = SampledGrounder()
    with server as url:
        client = ChatClient(ModelParams(base_url=url, retry_backoff_s=0.01), tmp_path / "cache")
        try:
            success = model_success(graded, shots, client, empirical)
            again = model_success(graded, shots, client, empirical)
        finally:
            client.close()
    by_label = dict(graded.join(success, on="grounding_id").select("label", "model_success").iter_rows())
    assert by_label == {"Save": 1.0, "Cancel": 0.5, "Help": 0.0}
    assert len(server.bodies) == 3 * 4  # k requests per row, then all from the cache
    assert (
        sorted({b["seed"] for b in server.bodies}) == [0, 1, 2, 3] and server.bodies[0]["temperature"] == 0.7
    )
    assert again.equals(success)
    refined = refine(graded, success, params.model_copy(update={"empirical": empirical}))
    before = dict(graded.select("label", "difficulty").iter_rows())
    after = dict(refined.select("label", "difficulty").iter_rows())
    assert after["Save"] == round(0.5 * before["Save"], 4)  # never missed: half the formula
    assert after["Help"] == round(0.5 * before["Help"] + 0.5, 4)  # always missed
    assert dict(refined.select("label", "tier").iter_rows())["Help"] in ("medium", "hard")
    assert refined.columns == graded.columns and refined["grounding_id"].equals(graded["grounding_id"])


def test_it_is_off_by_default_and_rows_without_an_answer_keep_the_formula():
    assert load_params(REPO / "params.yaml").difficulty.empirical.enabled is False
    graded = pl.DataFrame({"grounding_id": ["a", "b"], "difficulty": [0.3, None], "tier": ["easy", None]})
    kept = refine(graded, pl.DataFrame({"grounding_id": ["z"], "model_success": [1.0]}), DifficultyParams())
    assert kept.equals(graded)
