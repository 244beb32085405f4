"""Sources: unsafe ids and unknown kinds are refused with a clear error; pages are listed in order;
nothing outside a source's folder is listed or served."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from schemas.config import Source, load_sources, parse_source
from transforms.capture.server import serve_directory
from transforms.sources import SourceError, list_pages, page_problem


@pytest.mark.parametrize(
    "bad_id",
    ["../etc", "Sample", "a b", "", "x" * 65, "-lead", "a/b", "abc\n", "x" * 64 + "\n", "ａｂｃ", "a\x00"],
)
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


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Source:
    """A source folder with a secret beside it, reached by a symlinked page and a symlinked folder,
    and a binary file and an empty file named .html."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.html").write_text("<p>api_key=hunter2</p>")
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<p>fine</p>")
    (site / "sub" / "page.htm").write_text("<p>fine too</p>")
    (site / "leak.html").symlink_to(tmp_path / "outside" / "secret.html")
    (site / "linked").symlink_to(tmp_path / "outside")
    (site / "again.html").symlink_to(site / "index.html")  # inside: allowed
    (site / "loop").symlink_to(site)  # a folder loop is not followed
    (site / "binary.html").write_bytes(bytes(range(256)) * 4)
    (site / "empty.html").write_bytes(b"")
    (site / "nul.html").write_bytes(b"<p>a page</p>\x00<p>with one stray NUL byte</p>")
    return parse_source({"id": "s", "kind": "html_dir", "location": "site"}, tmp_path)


def test_nothing_outside_the_folder_is_listed_and_what_leads_out_is_named_to_be_refused(hostile_folder):
    keys = list_pages(hostile_folder)
    assert keys == [
        "again.html",
        "binary.html",
        "empty.html",
        "index.html",
        "leak.html",
        "linked",
        "nul.html",
        "sub/page.htm",
    ]
    problems = {
        k: page_problem(hostile_folder.path, k) for k in [*keys, "../outside/secret.html", "/etc/passwd"]
    }
    assert problems == {
        "again.html": None,
        "binary.html": "binary content, not an HTML page",
        "empty.html": "the file is empty (0 bytes)",
        "index.html": None,
        "leak.html": "a symlink that leads outside the source folder",
        "linked": "a symlink that leads outside the source folder",
        "nul.html": None,  # binary only when most of it is
        "sub/page.htm": None,
        "../outside/secret.html": "'../outside/secret.html' leaves the source folder",
        "/etc/passwd": "'/etc/passwd' leaves the source folder",
    }


def get(base: str, path: str) -> tuple[int, bytes]:
    """A raw GET of `path` exactly as written (no client-side normalising of '..')."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_the_server_serves_nothing_outside_the_folder_and_lists_no_folder(hostile_folder):
    with serve_directory(hostile_folder.path) as base:
        assert get(base, "/index.html")[0] == 200 and get(base, "/again.html")[0] == 200
        assert get(base, "/") == (200, b"<p>fine</p>")  # a folder's index page, never a listing
        for path in [
            "/leak.html",
            "/linked/secret.html",
            "/../outside/secret.html",
            "/%2e%2e/outside/secret.html",
            "/sub/..%2f..%2foutside/secret.html",
            "/sub/",
            "/linked/",
        ]:
            status, body = get(base, path)
            assert status == 404 and b"hunter2" not in body and b"page.htm" not in body, path


def test_pages_are_served_with_the_charset_they_were_written_in(tmp_path):
    (tmp_path / "plain.html").write_bytes("<p>Términos, ¿Quiénes?</p>".encode())
    (tmp_path / "declared.html").write_bytes(b'<meta charset="shift_jis"><p>' + "日本".encode("shift_jis"))
    with serve_directory(tmp_path) as base:
        for name, ctype in [
            ("plain.html", "text/html; charset=utf-8"),
            ("declared.html", "text/html; charset=shift_jis"),
        ]:
            connection = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=10)
            connection.request("GET", "/" + name)
            assert connection.getresponse().getheader("Content-Type") == ctype, name
