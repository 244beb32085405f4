"""The inputs record of a source lists what the source holds and never reads a file outside it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from schemas.config import Source
from transforms.fingerprint import REFUSED, file_sha256, inputs_record


def test_a_symlink_out_of_the_source_is_listed_as_refused_and_its_target_is_never_hashed(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the key is 42\n")
    pages = tmp_path / "pages"
    (pages / "inner").mkdir(parents=True)
    (pages / "index.html").write_text("<p>hello</p>")
    os.symlink("../index.html", pages / "inner" / "alias.html")  # leads inside: hashed like any file
    os.symlink(secret, pages / "leak.html")
    os.symlink("/etc/passwd", pages / "passwd.html")
    source = Source(id="s", kind="html_dir", location=pages, license="MIT")

    record = inputs_record(source)

    listed = dict(line.split("  ", 1)[::-1] for line in record["files"])
    assert listed["leak.html"] == REFUSED and listed["passwd.html"] == REFUSED
    assert listed["inner/alias.html"] == listed["index.html"] == file_sha256(pages / "index.html")
    shown = json.dumps(record)
    for outside in (secret, Path("/etc/passwd")):
        assert hashlib.sha256(outside.read_bytes()).hexdigest() not in shown

    # the fingerprint does not move when what lies outside changes: it was never read
    secret.write_text("the key is 43\n")
    assert inputs_record(source)["fingerprint"] == record["fingerprint"]
