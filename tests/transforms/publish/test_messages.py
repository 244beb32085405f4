"""Published failure messages: no object address, no local absolute path, one documented reason."""

from __future__ import annotations

import polars as pl

from transforms.publish.messages import WENT_AWAY, public_messages


def test_published_messages_carry_no_address_no_local_path_and_the_documented_reason():
    captures = pl.DataFrame(
        {
            "message": [
                "cannot identify image file <_io.BytesIO object at 0x7ff1c2a3b4d0>",
                "source 'gone': folder not found: /home/someone/project/data/sources/gone",
                "Page.screenshot: Protocol error (Page.captureScreenshot): Unable to capture screenshot",
                "page navigated away to https://example.org/a/b.html",
                "page did not finish loading within 3 s",
                None,
            ]
        }
    )
    skipped = pl.DataFrame({"reason": ["unreadable: [Errno 2] No such file: '/tmp/x1/y/shot.png'"]})
    out = public_messages({"captures": captures, "skipped": skipped})
    assert out["captures"]["message"].to_list() == [
        "cannot identify image file <_io.BytesIO object>",
        "source 'gone': folder not found: gone",
        WENT_AWAY,
        "page navigated away to https://example.org/a/b.html",  # a URL is no local path
        "page did not finish loading within 3 s",
        None,
    ]
    assert out["skipped"]["reason"].to_list() == ["unreadable: [Errno 2] No such file: 'shot.png'"]
