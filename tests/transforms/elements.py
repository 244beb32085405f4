"""Builds small element and screenshot frames by hand, in the shape capture writes them."""

from __future__ import annotations

import polars as pl

from schemas.registry import schema

SHOT = "a" * 64


def el(
    i: int,
    tag: str,
    role: str,
    *,
    text: str = "",
    name: str | None = None,
    box=(10, 10, 110, 40),
    interactive: bool = True,
    center_hit: bool = True,
    screenshot: str = SHOT,
    **attrs,
) -> dict:
    x1, y1, x2, y2 = box
    row = {c: None for c in schema("elements")}
    row.update(
        element_id=f"{i:032x}",
        screenshot_id=screenshot,
        capture_id="c" * 32,
        source_id="t",
        element_index=i,
        tag=tag,
        role=role,
        text=text,
        name=name if name is not None else text,
        interactive=interactive,
        center_hit=center_hit,
        x1=float(x1),
        y1=float(y1),
        x2=float(x2),
        y2=float(y2),
        css_path=f"body>{tag}:nth-of-type({i})",
        part_index=0,
        visible_ratio=1.0,
        in_viewport=True,
        scope="document",
    )
    row.update(attrs)
    return row


def frames(*rows: dict, width: int = 1280, height: int = 800) -> tuple[pl.DataFrame, pl.DataFrame]:
    elements = pl.DataFrame(list(rows), schema=schema("elements"))
    shots = sorted({r["screenshot_id"] for r in rows})
    screenshots = pl.DataFrame(
        [
            {
                "screenshot_id": s,
                "source_id": "t",
                "capture_id": "c" * 32,
                "width": width,
                "height": height,
                "png": b"\x89PNG\r\n\x1a\n",
            }
            for s in shots
        ],
        schema=schema("screenshots"),
    )
    return elements, screenshots


def png(width: int = 1280, height: int = 800, fills: tuple = ()) -> bytes:
    """A real PNG: white, with each (box, rgb) of `fills` painted in."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for (x1, y1, x2, y2), rgb in fills:
        draw.rectangle((x1, y1, x2 - 1, y2 - 1), fill=rgb)
        cx, cy = (
            (x1 + x2) // 2,
            (y1 + y2) // 2,
        )  # a mark, as a label would be: a box of one colour shows nothing
        draw.rectangle((cx - 2, cy - 2, cx + 2, cy + 2), fill=(250, 250, 250))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def annotated(*rows: dict, image: bytes | None = None, refusals: int = 0, max_text_chars: int = 80):
    """Runs the template annotator over hand-made elements (on `image` when given, for colours)."""
    from schemas.config import AnnotateParams
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


def _page_rows(n: int, capture_id: str, image: bytes, n_elements: int) -> tuple[dict, dict]:
    """The screenshots and captures rows of one fixture page (a single slice of a real PNG)."""
    import io

    from PIL import Image

    from transforms.ids import sha256_hex

    width, height = Image.open(io.BytesIO(image)).size
    where = {"source_id": "t", "capture_id": capture_id, "device": "standard", "platform": "web"}
    shot = {**where, "screenshot_id": sha256_hex(image), "part_index": 0, "scroll_y": 0.0}
    capture = {
        **where,
        "page_path": f"p{n}.html",
        "page_sha256": "x",
        "status": "ok",
        "message": "",
        "viewport_width": width,
        "viewport_height": height,
        "device_scale_factor": 1.0,
        "n_parts": 1,
        "n_elements": n_elements,
        "script_errors": 0,
    }
    return shot | {"width": width, "height": height, "png": image}, capture


def _marked(image: bytes, elements: list[dict]) -> bytes:
    """The image with a small mark at each element's centre, in a colour that stands out from what is
    there: an element whose box is one flat colour shows nothing, and gets no phrase."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.open(io.BytesIO(image)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for r in elements:
        cx, cy = (r["x1"] + r["x2"]) // 2, (r["y1"] + r["y2"]) // 2
        if not (0 <= cx < picture.width and 0 <= cy < picture.height):
            continue
        light = sum(picture.getpixel((int(cx), int(cy)))) > 384
        draw.rectangle((cx - 2, cy - 2, cx + 2, cy + 2), fill=(20, 20, 20) if light else (240, 240, 240))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def source_tables(pages: dict[str, tuple[bytes, list[dict]]], refusals: int = 0) -> dict[str, pl.DataFrame]:
    """The capture and annotate tables of a small source, with real PNGs and every id the content hash
    it claims: `pages` maps a capture id to (png, element rows made with `el`)."""
    from schemas.config import AnnotateParams
    from schemas.registry import TABLES, empty
    from transforms.annotate.tables import annotate_tables
    from transforms.annotate.template import TemplateAnnotator
    from transforms.ids import content_ids

    rows, shots, captures = [], [], []
    for n, (capture_id, (image, elements)) in enumerate(sorted(pages.items())):
        shot, capture = _page_rows(n, capture_id, _marked(image, elements), len(elements))
        shots.append(shot)
        captures.append(capture)
        where = {"screenshot_id": shot["screenshot_id"], "capture_id": capture_id, "part_index": 0}
        rows += [{**r, **where} for r in elements]
    elements = TABLES["elements"].frame(rows)
    elements = elements.with_columns(content_ids(elements, "elements"))
    screenshots = TABLES["screenshots"].frame(shots)
    out = annotate_tables(elements, screenshots, TemplateAnnotator(AnnotateParams()), refusals)
    return {
        "captures": TABLES["captures"].frame(captures),
        "screenshots": screenshots,
        "elements": elements,
        "excluded_elements": empty("excluded_elements"),
        "grounding": out.grounding,
        "instructions": out.instructions,
        "howto": empty("howto"),
    }
