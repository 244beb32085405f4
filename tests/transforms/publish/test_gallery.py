"""The offline gallery, opened in headless Chromium with every request that is not a file blocked: its
images load, every element's and target's box is drawn on its screenshot, and the filters hide rows."""

from __future__ import annotations

import io

import polars as pl
from PIL import Image
from playwright.sync_api import sync_playwright

from transforms.capture.browser import chromium_executable
from transforms.publish.gallery import pick_screenshots, write_gallery


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "PNG")
    return out.getvalue()


SHOTS = pl.DataFrame(
    {
        "screenshot_id": ["a" * 64, "b" * 64],
        "source_id": ["web", "desk"],
        "width": [320, 320],
        "height": [200, 200],
        "png": [png("white"), png("lightblue")],
    }
)
ELEMENTS = pl.DataFrame(
    {
        "screenshot_id": ["a" * 64] * 3 + ["b" * 64] * 2,
        "role": ["button", "link", "textbox", "button", "img"],
        "text": ["Save", "Home", None, "Open", None],
        "name": [None, None, "Search", None, "Logo <b>"],
        "x1": [10.0, 100.0, 10.0, 50.0, 200.0],
        "y1": [10.0, 10.0, 100.0, 50.0, 20.0],
        "x2": [60.0, 160.0, 200.0, 120.0, 240.0],
        "y2": [40.0, 30.0, 130.0, 90.0, 60.0],
    }
)
# web: three targets (text/easy, spatial/hard, text/medium) and a refusal; desk: one spatial/medium target
GROUNDING = pl.DataFrame(
    {
        "screenshot_id": ["a" * 64] * 4 + ["b" * 64],
        "source_id": ["web"] * 4 + ["desk"],
        "perspective": ["text", "spatial", "text", "refusal", "spatial"],
        "gt_type": ["positive"] * 3 + ["negative", "positive"],
        "tier": ["easy", "hard", "medium", None, "medium"],
        "expression": ["Save", "the link right of Save", "the Search field", "Delete <all>", "Open"],
        "x1": [10.0, 100.0, 10.0, None, 50.0],
        "y1": [10.0, 10.0, 100.0, None, 50.0],
        "x2": [60.0, 160.0, 200.0, None, 120.0],
        "y2": [40.0, 30.0, 130.0, None, 90.0],
    }
)

VISIBLE_ROWS = "[...document.querySelectorAll('tr.row')].filter(r => r.offsetParent !== null).length"
VISIBLE_SHOTS = "[...document.querySelectorAll('.shot')].filter(s => !s.hidden).map(s => s.dataset.source)"


def test_the_gallery_draws_every_box_offline_and_its_filters_hide_rows(tmp_path):
    page_path, shown = write_gallery(tmp_path / "gallery", SHOTS, ELEMENTS, GROUNDING, per_source=None)
    assert shown == 2 and sorted(p.name for p in (tmp_path / "gallery" / "img").iterdir()) == [
        f"{'a' * 64}.png",
        f"{'b' * 64}.png",
    ]
    requested, blocked = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable())
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requested.append(r.url))
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file:")
                else (blocked.append(route.request.url), route.abort())
            ),
        )
        page.goto(page_path.as_uri(), wait_until="load")
        assert page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth)") == [320, 320]
        # every element and every target with a box is drawn inside its screenshot, at its place
        drawn = page.evaluate(
            """Object.fromEntries([...document.querySelectorAll('.shot')].map(shot => {
                 const img = shot.querySelector('img').getBoundingClientRect();
                 const scale = img.width / 320;
                 return [shot.dataset.source, [...shot.querySelectorAll('rect')].map(r => {
                   const b = r.getBoundingClientRect();
                   return [r.classList[0], Math.round((b.left - img.left) / scale),
                           Math.round((b.top - img.top) / scale), Math.round(b.width / scale)];
                 })];
               }))"""
        )
        assert sorted(drawn["web"]) == sorted(
            [
                ["element", 10, 10, 50],
                ["element", 100, 10, 60],
                ["element", 10, 100, 190],
                ["target", 10, 10, 50],
                ["target", 100, 10, 60],
                ["target", 10, 100, 190],
            ]
        )
        assert sorted(drawn["desk"]) == [
            ["element", 50, 50, 70],
            ["element", 200, 20, 40],
            ["target", 50, 50, 70],
        ]
        assert page.evaluate(VISIBLE_ROWS) == 5 and page.evaluate(VISIBLE_SHOTS) == ["desk", "web"]
        assert "Delete <all>" in page.inner_text("body")  # text is escaped, not markup
        page.select_option("#f-perspective", "spatial")
        assert page.evaluate(VISIBLE_ROWS) == 2
        assert page.evaluate("document.querySelectorAll('rect.target:not([style*=none])').length") == 2
        page.select_option("#f-tier", "hard")
        assert page.evaluate(VISIBLE_ROWS) == 1 and page.evaluate(VISIBLE_SHOTS) == ["web"]
        page.select_option("#f-perspective", "")
        page.select_option("#f-tier", "")
        page.select_option("#f-source", "desk")
        assert page.evaluate(VISIBLE_ROWS) == 1 and page.evaluate(VISIBLE_SHOTS) == ["desk"]
        assert page.inner_text("#shown") == "1 screenshots, 1 rows shown"
        browser.close()
    assert blocked == [] and all(url.startswith("file:") for url in requested), requested


def test_screenshots_are_picked_per_source_by_hash():
    rows = pl.DataFrame({"source_id": ["s"] * 6 + ["t"], "screenshot_id": [f"{i}" * 64 for i in range(7)]})
    picked = pick_screenshots(rows, 2)
    assert len(picked) == 3 and picked == pick_screenshots(rows.reverse(), 2)
    assert len(pick_screenshots(rows, None)) == 7
