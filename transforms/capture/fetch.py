"""Fetch small documents (robots.txt, sitemaps) for a source without ever reaching a refused address."""

from __future__ import annotations

import gzip
import urllib.request
from urllib.error import HTTPError, URLError

from transforms.capture.network import refused_url

USER_AGENT = "groundmill/0.1 (+https://github.com/groundmill)"


class FetchRefused(RuntimeError):
    """The URL, or a URL it redirected to, may not be fetched for this source."""


def _opener(local: bool) -> urllib.request.OpenerDirector:
    class CheckedRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            reason = refused_url(newurl, local=local)
            if reason:
                raise FetchRefused(f"redirect to {newurl} refused: {reason}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    # No proxy handler: a proxy from the environment would be another address on the wire.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), CheckedRedirects)


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
