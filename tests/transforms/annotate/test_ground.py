"""Model verification against a loopback server that answers like a grounding model: a point for a phrase.

The server is a test double (no vision model runs here): it points at the element whose quoted name the
phrase holds, except for "Cancel", where it points beside the box, as a model that got it wrong would.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler

import polars as pl

from schemas.config import AnnotateParams, ModelParams
from schemas.datasets import Grounding
from tests.transforms.elements import el, frames, png
from transforms.annotate.annotators import build_annotator, usage_table
from transforms.annotate.ground import ModelChecked, read_point
from transforms.annotate.tables import annotate_tables
from transforms.annotate.template import TemplateAnnotator
from transforms.capture.server import Quiet, serve

ROWS = (
    el(1, "button", "button", text="Save", box=(100, 100, 200, 140)),
    el(2, "button", "button", text="Cancel", box=(300, 100, 400, 140)),
)
POINTS = {"Save": '{"x": 150, "y": 120}', "Cancel": "I would click at (450, 120)."}


class Grounder:
    def __init__(self):
        self.asked: list[str] = []

    def __enter__(self) -> str:
        fake = self

        class Handler(Quiet, BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                phrase = next(p["text"] for p in body["messages"][1]["content"] if p["type"] == "text")
                fake.asked.append(phrase)
                name = next((n for n in POINTS if re.search(rf"\b{n}\b", phrase)), None)
                content = POINTS.get(name, "no idea")
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


def checked_run(url: str, tmp_path):
    params = AnnotateParams(model=ModelParams(base_url=url, retry_backoff_s=0.01), model_check=True)
    annotator = build_annotator(params, tmp_path / "cache")
    assert isinstance(annotator, ModelChecked)
    elements, shots = frames(*ROWS)
    image = png(fills=[((100, 100, 200, 140), (37, 99, 235)), ((300, 100, 400, 140), (22, 163, 74))])
    shots = shots.with_columns(png=pl.lit(image, dtype=pl.Binary))
    try:
        return annotate_tables(elements, shots, annotator, 0), usage_table(annotator, "t")
    finally:
        annotator.close()


def test_a_row_is_kept_only_when_the_models_point_falls_in_its_box_and_replies_are_cached(tmp_path):
    grounder = Grounder()
    with grounder as url:
        out, usage = checked_run(url, tmp_path)
        Grounding.validate(out.grounding, lazy=True)
        text = {
            r["label"]: r for r in out.grounding.filter(pl.col("perspective") == "text").iter_rows(named=True)
        }
        assert text["Save"]["quality_flags"] == []
        assert text["Cancel"]["quality_flags"] == ["model_missed"]  # (450, 120) lies beside its box
        asked = len(grounder.asked)
        assert asked == out.grounding.height and usage["requests"][0] == asked
        again, usage = checked_run(url, tmp_path)  # the same requests: answered from the cache
        assert len(grounder.asked) == asked and usage["cache_hits"][0] == asked
        assert again.grounding.equals(out.grounding)


def test_points_are_read_in_the_models_coordinates_and_it_is_off_by_default():
    assert read_point('{"x": 0.5, "y": 0.25}', 1280, 800, "norm1") == (640.0, 200.0)
    assert read_point("click(500, 500)", 1280, 800, "norm1000") == (640.0, 400.0)
    assert read_point("nothing here", 1280, 800, "pixels") is None
    assert isinstance(build_annotator(AnnotateParams(), None), TemplateAnnotator)
