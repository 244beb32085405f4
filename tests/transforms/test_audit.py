"""The independent audit: its own reading of phrases, visible support from OCR, mojibake, the report."""

from __future__ import annotations

import io

import polars as pl
from PIL import Image, ImageDraw, ImageFont

from tests.transforms.elements import annotated, el, frames, png
from transforms.audit import audit_rows, screens_of, summary, write_report
from transforms.audit.check import audit_row
from transforms.audit.ocr import OcrCache, read_words
from transforms.audit.reader import read
from transforms.audit.words import content_words
from transforms.mojibake import mojibake

BLUE = (37, 99, 235)
ROWS = (
    el(1, "button", "button", text="Save", box=(100, 100, 200, 140), css_path="body>form>button"),
    el(2, "a", "link", text="Help", box=(300, 100, 360, 120), css_path="body>a:nth-of-type(1)"),
    el(
        3,
        "p",
        "paragraph",
        text="Read the terms",
        interactive=False,
        box=(100, 300, 400, 320),
        css_path="body>p",
    ),
    # A link drawn over the paragraph's middle, though not inside it in the page.
    el(4, "a", "link", text="terms", box=(230, 300, 270, 320), css_path="body>a:nth-of-type(2)"),
    el(5, "a", "link", text="Help", box=(1000, 700, 1060, 720), css_path="body>a:nth-of-type(3)"),
)
SEEN = ["Save", "Help", "Read", "the", "terms", "Help"]


def painted(rows=ROWS) -> bytes:
    """A screenshot that shows each element's text in its box (a box that shows nothing is a flaw), the
    "Save" button blue."""
    image = Image.open(io.BytesIO(png(fills=[((100, 100, 200, 140), BLUE)])))
    draw = ImageDraw.Draw(image)
    for r in rows:
        draw.text((r["x1"] + 2, r["y1"] + 2), r["text"], fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def screens(rows=ROWS, words=SEEN, image=None):
    elements, shots = frames(*rows)
    shots = shots.with_columns(png=pl.lit(image or painted(rows), dtype=pl.Binary))
    said = [{"text": w, "conf": 90.0, "box": [0, 0, 1, 1]} for w in words]
    return elements, shots, screens_of(elements, shots, lambda sid, _png: said, 0.0)


def row(expression: str, element: int, gt_type: str = "positive", **more) -> dict:
    box = next((r["x1"], r["y1"], r["x2"], r["y2"]) for r in ROWS if r["element_id"] == f"{element:032x}")
    return {
        "screenshot_id": ROWS[0]["screenshot_id"],
        "element_id": f"{element:032x}",
        "expression": expression,
        "gt_type": gt_type,
        "perspective": "text",
        **dict(zip(("x1", "y1", "x2", "y2"), box)),
        "click_x": (box[0] + box[2]) / 2,
        "click_y": (box[1] + box[3]) / 2,
        "image_width": 1280,
        "image_height": 800,
        **more,
    }


def test_the_audit_reads_phrases_its_own_way_and_names_each_flaw():
    *_, by_id = screens()
    (screen,) = by_id.values()

    def reasons(expression, element, **more):
        return audit_row(row(expression, element, **more), screen)["audit_reasons"]

    assert reasons('the "Save" button', 1) == []
    assert reasons("the blue button", 1) == []  # the colour is read from the pixels
    assert reasons('the "Help" link', 2) == ["ambiguous"]  # two links read "Help"
    assert reasons('the "Help" link in the top right of the screen', 2) == ["no_fit"]  # it is top left
    assert reasons('the "Help" link in the top left of the screen', 2) == []
    assert reasons('the link right of the "Save" button', 2) == []
    # A named control placed by a landmark: the name and the relation both hold.
    assert reasons('the "Help" link right of the "Save" button', 2) == []
    assert reasons('the "Help" link right of the "Save" button', 5) == ["no_fit"]
    assert reasons('the "Cancel" button', 1) == ["not_visible", "no_fit"]
    assert reasons("Go to the fussball page", 2) == ["not_visible", "no_fit"]  # URL words
    assert reasons('the text "Read the terms"', 3) == ["hit_test"]  # a click there follows the link
    assert reasons('the "Save" button', 1, x2=1300) == ["box"]
    assert reasons('the "Save" button', 1, x1=600, x2=700, click_x=650) == ["box"]  # a box over nothing
    assert "mojibake" in reasons('the "TÃ©rminos" button', 1)
    assert audit_row(row('the "Delete" button', 1, gt_type="negative"), screen)["audit_reasons"] == []
    assert audit_row(row('the "Save" button', 1, gt_type="negative"), screen)["audit_reasons"] == [
        "present_on_screen"
    ]


def test_words_vocabulary_and_mojibake():
    assert content_words('Click the blue round "Sign in" button in the top left of the screen') == [
        "sign",
        "in",
    ]
    assert content_words("Go to the fussball page") == ["fussball"]
    assert read('the second "Edit" link from the left').ordinal == 2
    assert read("the heading in the left of the screen").direction is None
    named = read('the "Reply" link below the heading "Comments"')
    assert (named.name, named.kind, named.direction, named.landmark.name) == (
        "reply",
        "link",
        "below",
        "comments",
    )
    # A purpose's object is a name: "red" in it is no colour, "select" no kind of control.
    purpose = read("the link to the Red Eye Removal page")
    assert (purpose.kind, purpose.colour, purpose.words) == ("link", None, ("red", "eye", "removal"))
    assert read("the link to the Foreground Select page").kind == "link"
    inside = read('the "Read below the fold" link')  # a relation inside a quoted name is part of the name
    assert (inside.name, inside.direction) == ("read below the fold", None)
    for bad in ("TÃ©rminos", "donâ€™t", "GrÃ¶ÃŸe", "x\ufffdy", "Â© 2020"):
        assert mojibake(bad), bad
    for good in ("Términos", "naïve café", "À propos", "Français → suite", "Âge"):
        assert not mojibake(good), good


def test_tesseract_reads_the_screenshot_and_the_words_are_cached(tmp_path):
    image = Image.new("RGB", (400, 120), "white")
    font = ImageFont.truetype("DejaVuSans.ttf", 28)
    ImageDraw.Draw(image).text((20, 40), "Checkout basket", fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    words = [w["text"] for w in read_words(out.getvalue(), 1.0, 0.0, 60)]
    assert "Checkout" in words and "basket" in words
    cache = OcrCache(tmp_path, 1.0, 0.0)
    first = cache.all_words({"s" * 64: out.getvalue()}, 2)
    again = cache.words("s" * 64, b"not read again")
    assert cache.reads == 1 and cache.hits == 1 and again == first["s" * 64]


def test_published_rows_are_audited_summarised_and_flawed_ones_drawn(tmp_path):
    out = annotated(*ROWS[:4])
    grounding = out.grounding.filter(pl.col("quality_flags").list.len() == 0)
    elements, shots, by_id = screens(ROWS[:4])
    rows = audit_rows(grounding, by_id)
    table = {r["perspective"]: r for r in summary(rows).iter_rows(named=True)}
    assert table["all"]["rows"] == grounding.height and table["all"]["flawed"] == rows["flawed"].sum()
    assert set(table["all"]) >= {"flaw_rate", "not_visible", "ambiguous", "hit_test", "mojibake"}
    boxes = {r[0]: tuple(r[1:]) for r in elements.select("element_id", "x1", "y1", "x2", "y2").iter_rows()}
    report = write_report(rows, summary(rows), shots, boxes, tmp_path, 2, 1)
    assert "| perspective |" in report.read_text() and (tmp_path / "audit.json").exists()
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in tmp_path.glob("*.png"))
    assert (
        len(list(tmp_path.glob("*-flawed-*.png"))) == min(2, int(rows["flawed"].sum()))
        or rows["flawed"].sum() > 2
    )


def test_regions_too_many_for_one_image_are_read_in_several(tmp_path, monkeypatch):
    import transforms.audit.ocr as ocr

    image = Image.new("RGB", (400, 300), "white")
    font = ImageFont.truetype("DejaVuSans.ttf", 28)
    ImageDraw.Draw(image).text((20, 30), "Checkout", fill=(20, 20, 20), font=font)
    ImageDraw.Draw(image).text((20, 180), "basket", fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    # Tesseract reads no side over 32,767 pixels: here a sheet holds one 100-pixel region, not two.
    monkeypatch.setattr(ocr, "MAX_SIDE", 2 * 0.5 * 200)
    heights, real = [], ocr.read_words

    def measured(png, *more):
        heights.append(Image.open(io.BytesIO(png)).height)
        return real(png, *more)

    monkeypatch.setattr(ocr, "read_words", measured)
    top, bottom, whole = (0, 0, 400, 100), (0, 150, 400, 250), (0, 0, 400, 300)
    read = OcrCache(tmp_path, 0.5, 0.0).regions("s" * 64, out.getvalue(), [top, bottom, whole])
    assert [w["text"] for w in read[top]] == ["Checkout"] and [w["text"] for w in read[bottom]] == ["basket"]
    assert read[whole] == []  # too tall for a sheet of its own: not read, no words
    assert len(heights) == 2 and max(heights) <= 200
