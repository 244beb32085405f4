"""robots.txt by RFC 9309 (protego: the most specific group, the longest match, `*` and `$`), fetched
once per origin, then asked about each URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from protego import Protego

from transforms.capture.fetch import USER_AGENT, FetchRefused, fetch

ALLOW_ALL = Protego.parse("")
DISALLOW_ALL = Protego.parse("User-agent: *\nDisallow: /\n")


def rules_for(status: int, body: bytes) -> Protego:
    """The rules an answer to robots.txt sets (RFC 9309 2.3.1): a 2xx body is parsed, a 4xx
    (unavailable) allows everything, a 5xx or no answer at all (unreachable) disallows everything."""
    if 200 <= status < 300:
        return Protego.parse(body.decode("utf-8", "replace"))
    if 400 <= status < 500:
        return ALLOW_ALL
    return DISALLOW_ALL


class Robots:
    """Answers whether a URL may be crawled, per origin."""

    def __init__(self, *, local: bool, agent: str = USER_AGENT):
        self.local, self.agent = local, agent
        self._rules: dict[str, Protego] = {}

    def _parser(self, origin: str) -> Protego:
        if origin not in self._rules:
            try:
                status, body = fetch(f"{origin}/robots.txt", local=self.local, max_bytes=500_000)
            except (OSError, FetchRefused):
                status, body = 0, b""  # unreachable
            self._rules[origin] = rules_for(status, body)
        return self._rules[origin]

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return self._parser(f"{parts.scheme}://{parts.netloc}").can_fetch(url, self.agent)
