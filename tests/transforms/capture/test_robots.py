"""robots.txt by RFC 9309: the most specific group, the longest match, wildcards; 5xx disallows."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from tests.transforms.capture.test_live_sources import Site, html
from transforms.capture.robots import Robots, rules_for
from transforms.capture.server import Quiet, serve

AGENT = "groundmill/0.1 (+https://github.com/groundmill)"
RULES = b"""User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Disallow: /*?session=

User-agent: groundmill
Disallow: /shop/
Allow: /shop/catalog
"""


@pytest.mark.parametrize(
    "path, agent, allowed",
    [
        ("/private/secret.html", "otherbot", False),
        ("/private/open.html", "otherbot", True),  # the longer Allow wins over the shorter Disallow
        ("/files/report.pdf", "otherbot", False),  # '*' and '$'
        ("/files/report.pdf?page=2", "otherbot", True),  # '$' anchors the end
        ("/list?session=42", "otherbot", False),
        ("/shop/cart", AGENT, False),  # our own group, not '*'
        ("/shop/catalog/shoes", AGENT, True),
        ("/private/secret.html", AGENT, True),  # a named group replaces the '*' group
    ],
)
def test_rules_follow_rfc_9309(path, agent, allowed):
    assert rules_for(200, RULES).can_fetch("http://site.test" + path, agent) is allowed


@pytest.mark.parametrize(
    "status, allowed", [(404, True), (403, True), (401, True), (500, False), (503, False), (0, False)]
)
def test_an_unavailable_robots_txt_allows_and_an_unreachable_one_disallows(status, allowed):
    assert (
        rules_for(status, b"User-agent: *\nDisallow: /\n").can_fetch("http://site.test/a", AGENT) is allowed
    )


def test_a_server_error_on_robots_txt_disallows_every_page_and_a_missing_one_allows_them():
    class Busy(Quiet, BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(503 if self.path == "/robots.txt" else 200)

    with serve(Busy) as base:
        assert Robots(local=True).allowed(base + "a.html") is False
    with Site({"/a.html": html("A")}) as site:  # no robots.txt there: 404
        assert Robots(local=True).allowed(f"{site.base}/a.html") is True
