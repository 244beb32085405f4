"""The image-resize rule of Qwen2.5-VL-style models, and image coordinates carried through it.

Such a model's processor cuts an image into patches of `resize_factor` pixels (patch 14 merged 2 x 2), so
it first resizes the image: each side to the nearest multiple of the factor, then, where the area left
[min_pixels, max_pixels], both sides scaled by one factor (down, rounding down; up, rounding up) until it
fits. The aspect ratio is kept to within one factor on each side. Its absolute coordinates are pixels of
that resized image, so an export in that convention resizes its images by the same rule: a size that
already follows the rule is left as it is, so the model's processor leaves those images alone.
"""

from __future__ import annotations

import io
import math

from schemas.config import ExportParams
from schemas.errors import InputError


def smart_resize(width: int, height: int, params: ExportParams) -> tuple[int, int]:
    """(width, height) of a `width` x `height` image as the model sees it: each side a multiple of
    params.resize_factor, the area within [min_pixels, max_pixels], the aspect ratio kept."""
    f = params.resize_factor
    if width < 1 or height < 1:
        raise InputError(f"export: an image of {width}x{height} pixels has no area")
    if max(width, height) / min(width, height) > params.max_aspect:
        raise InputError(
            f"export: an image of {width}x{height} is more than {params.max_aspect:g} times longer than wide"
            " (export.max_aspect)"
        )
    w, h = max(f, round(width / f) * f), max(f, round(height / f) * f)
    if w * h > params.max_pixels:
        scale = math.sqrt(params.max_pixels / (width * height))
        w, h = max(f, math.floor(width * scale / f) * f), max(f, math.floor(height * scale / f) * f)
    elif w * h < params.min_pixels:
        scale = math.sqrt(params.min_pixels / (width * height))
        w, h = math.ceil(width * scale / f) * f, math.ceil(height * scale / f) * f
    if not params.min_pixels <= w * h <= params.max_pixels:
        raise InputError(
            f"export: an image of {width}x{height} has no size of {f}-pixel multiples with its aspect and "
            f"an area between export.min_pixels {params.min_pixels} and max_pixels {params.max_pixels}"
        )
    return w, h


def resized_png(png: bytes, params: ExportParams) -> bytes:
    """The PNG resized by `smart_resize` (bicubic, as the model's processor resamples); the same bytes where
    its size already follows the rule."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        size = smart_resize(*image.size, params)
        if image.size == size:
            return png
        out = io.BytesIO()
        image.resize(size, Image.Resampling.BICUBIC).save(out, format="PNG")
        return out.getvalue()
