"""Sources: unsafe ids and unknown kinds are refused with a clear error; pages are listed in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.config import load_sources, parse_source
from transforms.sources import SourceError, list_pages


@pytest.mark.parametrize("bad_id", ["../etc", "Sample", "a b", "", "x" * 65, "-lead", "a/b"])
def test_unsafe_source_ids_are_refused(bad_id, tmp_path):
    with pytest.raises(SourceError, match="not a safe name"):
        parse_source({"id": bad_id, "kind": "html_dir", "location": "x"}, tmp_path)


def test_unknown_kind_and_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(SourceError, match="kind 'ftp'"):
        parse_source({"id": "a", "kind": "ftp", "location": "x"}, tmp_path)
    (tmp_path / "sources.yaml").write_text(
        "sources:\n- {id: a, kind: html_dir, location: x}\n- {id: a, kind: html_dir, location: y}\n"
    )
    with pytest.raises(SourceError, match="more than once: a"):
        load_sources(tmp_path / "sources.yaml")


def test_pages_are_listed_relative_and_sorted(tmp_path):
    (tmp_path / "site" / "sub").mkdir(parents=True)
    for name in ["b.html", "a.htm", "sub/c.html", "notes.txt"]:
        (tmp_path / "site" / name).write_text("<p>x</p>")
    source = parse_source({"id": "s", "kind": "html_dir", "location": "site"}, tmp_path)
    assert list_pages(source) == ["a.htm", "b.html", "sub/c.html"]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path):
    source = parse_source({"id": "gone", "kind": "html_dir", "location": "nowhere"}, tmp_path)
    with pytest.raises(SourceError, match="folder not found"):
        list_pages(source)
