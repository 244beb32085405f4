"""Builds small element and screenshot frames by hand, in the shape capture writes them."""
from __future__ import annotations

import polars as pl

from transforms.capture.records import ELEMENTS_SCHEMA, SCREENSHOTS_SCHEMA

SHOT = "a" * 64


def el(i: int, tag: str, role: str, *, text: str = "", name: str | None = None, box=(10, 10, 110, 40),
       interactive: bool = True, center_hit: bool = True, screenshot: str = SHOT, **attrs) -> dict:
    x1, y1, x2, y2 = box
    row = {c: None for c in ELEMENTS_SCHEMA}
    row.update(element_id=f"{i:032x}", screenshot_id=screenshot, capture_id="c" * 32, source_id="t",
               element_index=i, tag=tag, role=role, text=text, name=name if name is not None else text,
               interactive=interactive, center_hit=center_hit, x1=float(x1), y1=float(y1), x2=float(x2),
               y2=float(y2), css_path=f"body>{tag}:nth-of-type({i})")
    row.update(attrs)
    return row


def frames(*rows: dict, width: int = 1280, height: int = 800) -> tuple[pl.DataFrame, pl.DataFrame]:
    elements = pl.DataFrame(list(rows), schema=ELEMENTS_SCHEMA)
    shots = sorted({r["screenshot_id"] for r in rows})
    screenshots = pl.DataFrame([{"screenshot_id": s, "source_id": "t", "capture_id": "c" * 32, "width": width,
                                 "height": height, "png": b"\x89PNG\r\n\x1a\n"} for s in shots],
                               schema=SCREENSHOTS_SCHEMA)
    return elements, screenshots


def png(width: int = 1280, height: int = 800, fills: tuple = ()) -> bytes:
    """A real PNG: white, with each (box, rgb) of `fills` painted in."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for (x1, y1, x2, y2), rgb in fills:
        draw.rectangle((x1, y1, x2 - 1, y2 - 1), fill=rgb)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def annotated(*rows: dict, image: bytes | None = None, refusals: int = 0, max_text_chars: int = 80):
    """Runs the template annotator over hand-made elements (on `image` when given, for colours)."""
    from transforms.annotate.settings import AnnotateParams
    from transforms.annotate.tables import annotate_tables
    from transforms.annotate.template import TemplateAnnotator

    elements, screenshots = frames(*rows)
    if image is not None:
        screenshots = screenshots.with_columns(png=pl.lit(image, dtype=pl.Binary))
    params = AnnotateParams(max_text_chars=max_text_chars)
    return annotate_tables(elements, screenshots, TemplateAnnotator(params), refusals)


def screen_of(*rows: dict, image: bytes | None = None):
    """The verifier's view (a Screen) of hand-made elements on one screenshot."""
    from transforms.annotate.features import build_items
    from transforms.annotate.match import Screen

    elements, screenshots = frames(*rows)
    if image is not None:
        screenshots = screenshots.with_columns(png=pl.lit(image, dtype=pl.Binary))
    (items,) = build_items(elements, screenshots).values()
    return Screen(items)
