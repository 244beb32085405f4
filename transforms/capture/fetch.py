"""Fetch small documents (robots.txt, sitemaps) for a source without ever reaching a refused address."""

from __future__ import annotations

import gzip
import http.client
import socket
import urllib.request
from urllib.error import HTTPError, URLError

from transforms.capture.network import checked_address, refused_url

USER_AGENT = "groundmill/0.1 (+https://github.com/groundmill)"


class FetchRefused(RuntimeError):
    """The URL, or a URL it redirected to, may not be fetched for this source."""


def _pinned(base: type[http.client.HTTPConnection], local: bool) -> type[http.client.HTTPConnection]:
    """`base` connecting only to the address its host was checked at, resolved once, by the same rule
    as the browser's (network.checked_address); TLS still checks the certificate for the host name."""

    class Pinned(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = self._connect_checked

        def _connect_checked(self, address, timeout=None, source_address=None):
            host, port = address
            ip, why = checked_address(host, port, local=local)
            if ip is None:
                raise FetchRefused(f"{host} refused: {why}")
            return socket.create_connection((ip, port), timeout, source_address)

    return Pinned


def _opener(local: bool) -> urllib.request.OpenerDirector:
    class CheckedRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            reason = refused_url(newurl, local=local)
            if reason:
                raise FetchRefused(f"redirect to {newurl} refused: {reason}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    class PinnedHTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(_pinned(http.client.HTTPConnection, local), req)

    class PinnedHTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(_pinned(http.client.HTTPSConnection, local), req, context=self._context)

    # No proxy handler: a proxy from the environment would be another address on the wire.
    handlers = (urllib.request.ProxyHandler({}), CheckedRedirects, PinnedHTTP, PinnedHTTPS)
    return urllib.request.build_opener(*handlers)


def fetch(url: str, *, local: bool, max_bytes: int = 20_000_000, timeout_s: float = 15) -> tuple[int, bytes]:
    """(HTTP status, body) of `url`; gzip bodies are unpacked. Raises FetchRefused for refused
    addresses, OSError for network failures."""
    reason = refused_url(url, local=local)
    if reason:
        raise FetchRefused(f"{url} refused: {reason}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _opener(local).open(request, timeout=timeout_s) as response:
            status, body = response.status, response.read(max_bytes + 1)
    except HTTPError as err:
        return err.code, b""
    except URLError as err:
        raise OSError(f"{url}: {err.reason}") from err
    if len(body) > max_bytes:
        raise OSError(f"{url}: larger than {max_bytes} bytes")
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return status, body
