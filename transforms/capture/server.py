"""A loopback HTTP server for one folder of saved pages, started and stopped around a capture."""

from __future__ import annotations

import contextlib
import functools
import hashlib
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


# Ports a folder is served at: a folder gets the same port in every run and every clone (the port follows
# its name, not where the project lies), because saved pages write
# their own address into what they render (liberation-1 puts `location.href` in an ad URL): with a
# random port, its HTML differed in every run. Below Linux's ephemeral range, so no outgoing connection
# holds them; the next candidates are tried when one is taken.
STABLE_PORTS = range(20000, 32000)
_CANDIDATES = 8
_shared: dict[str, tuple[_Server, threading.Thread, list[int]]] = {}
_shared_lock = threading.Lock()


def stable_ports(seed: str) -> list[int]:
    """The ports tried, in order, for a folder: the same list in every run."""
    first = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)
    return [STABLE_PORTS[(first + i) % len(STABLE_PORTS)] for i in range(_CANDIDATES)]


def _bind(handler: Callable[..., BaseRequestHandler], ports: list[int]) -> _Server:
    for port in ports:
        try:
            return _Server(("127.0.0.1", port), handler)
        except OSError:
            continue
    return _Server(("127.0.0.1", 0), handler)  # all taken: any free port (the page's own URL differs)


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve the files of `root` (and nothing outside it) on 127.0.0.1; yields the base URL, ending in '/'.
    The port is the folder's stable port (`stable_ports`), and captures running at once in this process
    (shards of one source) share one server, so every page of a folder has the same URL in every run."""
    key = os.path.realpath(root)
    with _shared_lock:
        if key not in _shared:
            server = _bind(functools.partial(_FolderHandler, directory=str(root)), stable_ports(root.name))
            thread = threading.Thread(target=server.serve_forever, name=f"serve:{root.name}", daemon=True)
            thread.start()
            _shared[key] = (server, thread, [0])
        server, thread, users = _shared[key]
        users[0] += 1
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        with _shared_lock:
            users[0] -= 1
            last = users[0] == 0
            if last:
                del _shared[key]
        if last:
            server.shutdown()
            server.server_close()
            thread.join()
