"""Text as the author wrote it: a page's charset from its header, BOM or declaration, else detected,
and saved pages served to the browser with it."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest

from schemas.config import CaptureParams
from tests.transforms.capture.test_stage import capture
from transforms.capture.charset import Charset, page_charset, served_content_type

SPANISH = "Términos y condiciones. ¿Quiénes somos? Información de contacto, años de señales y acción. " * 3
JAPANESE = "日本語のページです。ログインしてください。お問い合わせはこちら。" * 3


# A <meta> after 1 KB of scripts and an <iframe>, as on real news pages (breitbart, bbc-1 in Mozilla's
# Readability tests): Chromium no longer looks for it there.
LATE_META = '<script src="/a.js"></script>' * 50 + "<iframe></iframe><meta charset=utf-8>"


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p id='text'>{text}</p></body></html>"


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        (page(SPANISH).encode(), None, Charset("utf-8", "detected")),
        (page(SPANISH).encode("cp1252"), None, Charset("windows-1252", "detected")),
        (page(JAPANESE).encode("shift_jis"), None, Charset("shift_jis", "detected")),
        (
            page(SPANISH, '<meta charset="windows-1252">').encode("cp1252"),
            None,
            Charset("windows-1252", "meta"),
        ),
        (
            page(JAPANESE, '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">').encode(
                "shift_jis"
            ),
            None,
            Charset("shift_jis", "meta"),
        ),
        (
            page(JAPANESE).encode("shift_jis"),
            'text/html; charset="Shift_JIS"',
            Charset("shift_jis", "header"),
        ),
        (
            b"\xef\xbb\xbf" + page(SPANISH).encode(),
            "text/html; charset=windows-1252",
            Charset("utf-8", "bom"),
        ),
        (b"<?xml version='1.0' encoding='ISO-8859-1'?><html/>", None, Charset("iso-8859-1", "meta")),
        (page("<meta charset=koi8-r>" + SPANISH).encode(), None, Charset("utf-8", "detected")),  # in the body
        (b"", None, Charset("utf-8", "detected")),
    ],
)
def test_the_charset_comes_from_bom_header_declaration_or_detection(body, content_type, expected):
    assert page_charset(body, content_type) == expected


def test_the_charset_goes_in_the_header_unless_the_header_or_a_bom_already_names_it():
    assert served_content_type("text/html", page(SPANISH).encode()) == "text/html; charset=utf-8"
    declared = page(SPANISH, "<meta charset=windows-1252>").encode("cp1252")
    assert served_content_type("text/html", declared) == "text/html; charset=windows-1252"
    assert served_content_type("text/html; charset=utf-8", b"x") == "text/html; charset=utf-8"
    assert served_content_type("text/html", codecs.BOM_UTF8 + b"x") == "text/html"


def test_saved_pages_are_rendered_in_the_charset_they_were_written_in(tmp_path: Path):
    files = {
        "utf8-undeclared.html": page(SPANISH).encode(),
        "cp1252-declared.html": page(SPANISH, '<meta charset="windows-1252">').encode("cp1252"),
        "sjis-declared.html": page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis"),
        "sjis-undeclared.html": page(JAPANESE).encode("shift_jis"),
        "utf8-declared-late.html": page(SPANISH, LATE_META).encode(),
    }
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    # The late declaration's page asks for 50 scripts first: the shared fixture's 3 s load timeout ran out
    # on a loaded machine (load 11), so this capture keeps the default timeout.
    tables = capture(tmp_path, sorted(files), CaptureParams(max_slices=1))
    texts = dict(
        tables["elements"]
        .filter(pl.col("dom_id") == "text")
        .join(tables["captures"].select("capture_id", "page_path"), on="capture_id")
        .select("page_path", "text")
        .iter_rows()
    )
    assert texts == {
        "utf8-undeclared.html": SPANISH.strip(),
        "cp1252-declared.html": SPANISH.strip(),
        "sjis-declared.html": JAPANESE,
        "sjis-undeclared.html": JAPANESE,
        "utf8-declared-late.html": SPANISH.strip(),
    }
