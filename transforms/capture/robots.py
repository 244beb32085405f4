"""robots.txt: fetched once per origin, then asked about each URL."""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from transforms.capture.fetch import USER_AGENT, FetchRefused, fetch


class Robots:
    """Answers whether a URL may be crawled, per origin; an unreachable robots.txt allows all
    (the common crawler convention), a 401/403 disallows all."""

    def __init__(self, *, local: bool, agent: str = USER_AGENT):
        self.local, self.agent = local, agent
        self._parsers: dict[str, RobotFileParser | None] = {}

    def _parser(self, origin: str) -> RobotFileParser | None:
        if origin not in self._parsers:
            parser = RobotFileParser()
            try:
                status, body = fetch(f"{origin}/robots.txt", local=self.local, max_bytes=500_000)
            except (OSError, FetchRefused):
                status, body = 404, b""
            if status in (401, 403):
                parser.disallow_all = True
            elif status >= 400:
                parser.allow_all = True
            else:
                parser.parse(body.decode("utf-8", "replace").splitlines())
            self._parsers[origin] = parser
        return self._parsers[origin]

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        parser = self._parser(f"{parts.scheme}://{parts.netloc}")
        return parser.can_fetch(self.agent, url)
