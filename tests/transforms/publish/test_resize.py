"""The resize rule of Qwen2.5-VL-style models: sides in multiples of the factor, the area within its
bounds, the aspect kept, and a size that follows the rule left as it is."""

from __future__ import annotations

import io
import math
import random

import pytest
from PIL import Image

from schemas.config import ExportParams
from schemas.errors import InputError
from transforms.publish.resize import resized_png, smart_resize

SMALL = ExportParams(min_pixels=56 * 56, max_pixels=640 * 28 * 28)  # 501,760: 1280x800 shrinks
ODD = [(1279, 801), (333, 4000), (1, 1), (29, 27), (4000, 333), (1920, 1081), (7, 1300), (5000, 5000)]


def _scale(w: int, h: int, params: ExportParams) -> float:
    """The exact scale the rule aims at: 1, or what brings the area to its bound."""
    return min(max(1.0, math.sqrt(params.min_pixels / (w * h))), math.sqrt(params.max_pixels / (w * h)))


@pytest.mark.parametrize("params", [ExportParams(), SMALL, ExportParams(resize_factor=32, min_pixels=50_000)])
def test_sizes_follow_the_rule(params):
    sizes = [
        *ODD,
        *((random.Random(k).randint(1, 3000), random.Random(-k).randint(1, 3000)) for k in range(300)),
    ]
    f = params.resize_factor
    for w, h in sizes:
        if max(w, h) / min(w, h) > params.max_aspect:
            continue
        rw, rh = smart_resize(w, h, params)
        assert rw % f == 0 and rh % f == 0, (w, h)
        assert params.min_pixels <= rw * rh <= params.max_pixels, (w, h)
        s = _scale(w, h, params)
        assert abs(rw - w * s) <= f and abs(rh - h * s) <= f, (w, h, rw, rh)  # aspect kept within a factor
        assert smart_resize(rw, rh, params) == (rw, rh)  # the processor leaves a resized image alone


def test_odd_sizes_resize_as_expected():
    assert smart_resize(1279, 801, ExportParams()) == (1288, 812)  # nearest multiples of 28
    assert smart_resize(333, 4000, ExportParams()) == (336, 4004)
    assert smart_resize(1279, 801, SMALL) == (868, 560)  # 1,031,079 px brought under 501,760
    assert smart_resize(333, 4000, SMALL) == (196, 2436)
    assert smart_resize(10, 10, ExportParams()) == (56, 56)  # grown to min_pixels 3,136


def test_shapes_beyond_the_rule_are_refused_in_one_line():
    with pytest.raises(InputError, match=r"1x400 is more than 200 times longer than wide"):
        smart_resize(1, 400, ExportParams())
    with pytest.raises(InputError, match=r"no size of 28-pixel multiples"):
        smart_resize(100, 2000, ExportParams(min_pixels=784, max_pixels=784 * 2))


def test_a_png_is_resized_by_the_rule_and_kept_when_it_follows_it():
    out = io.BytesIO()
    Image.new("RGB", (1279, 801), "white").save(out, "PNG")
    resized = resized_png(out.getvalue(), ExportParams())
    assert Image.open(io.BytesIO(resized)).size == (1288, 812)
    assert resized_png(resized, ExportParams()) == resized
