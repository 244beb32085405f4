"""A loopback HTTP server for one folder of saved pages, started and stopped around a capture."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler


class Quiet:
    """Mixed into a request handler: no line on stderr per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class _QuietHandler(Quiet, SimpleHTTPRequestHandler):
    pass


@contextlib.contextmanager
def serve(handler: Callable[..., BaseRequestHandler], name: str = "serve") -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 at a free port, in a thread; yields the base URL, ending in '/'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
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
    """Serve `root` on 127.0.0.1 at a free port; yields the base URL, ending in '/'."""
    with serve(functools.partial(_QuietHandler, directory=str(root)), f"serve:{root.name}") as url:
        yield url
