"""A loopback HTTP server for one folder of saved pages, started and stopped around a capture."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler
from urllib.parse import urlsplit

from transforms.capture.charset import served_content_type

INDEXES = ("index.html", "index.htm")
# What a path that leads out of the folder is served as: no file can be there (open fails, 404).
NOWHERE = os.path.join(os.devnull, "nothing")


class Quiet:
    """Mixed into a request handler: no line on stderr per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class _FolderHandler(Quiet, SimpleHTTPRequestHandler):
    """Files of one folder and nothing else: no listings, nothing whose real path (after symlinks)
    is outside the folder; an HTML page is served with the charset it was written in."""

    def translate_path(self, path: str) -> str:
        found = super().translate_path(path)  # '..' and absolute parts are already dropped
        if os.path.isdir(found) and urlsplit(path).path.endswith("/"):
            found = next(
                (os.path.join(found, i) for i in INDEXES if os.path.isfile(os.path.join(found, i))), found
            )
        real_root = os.path.realpath(self.directory)
        if os.path.commonpath([os.path.realpath(found), real_root]) != real_root:
            return NOWHERE
        return found

    def list_directory(self, path: str | os.PathLike) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def guess_type(self, path: str | os.PathLike) -> str:
        ctype = super().guess_type(path)
        if ctype == "text/html":
            try:
                with open(path, "rb") as page:
                    return served_content_type(ctype, page.read())
            except OSError:
                pass  # the open that follows answers 404
        return ctype


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed before its answer
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(handler: Callable[..., BaseRequestHandler], name: str = "serve") -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 at a free port, in a thread; yields the base URL, ending in '/'."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve the files of `root` (and nothing outside it) on 127.0.0.1 at a free port; yields the base
    URL, ending in '/'."""
    with serve(functools.partial(_FolderHandler, directory=str(root)), f"serve:{root.name}") as url:
        yield url
