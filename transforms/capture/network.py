"""Which requests a captured page may make: the source's own host, a web archive, or the public web."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

from playwright.async_api import Route

# Cloud metadata endpoints that are not covered by the private/link-local ranges.
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


# IPv6 ranges that carry an IPv4 address in their low 32 bits (IPv4-mapped is asked of ipaddress).
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT; holds a cloud metadata address


def _embedded(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, 6to4, Teredo (server and client),
    NAT64 and the deprecated IPv4-compatible form."""
    found = []
    if ip.ipv4_mapped:
        found.append(("IPv4-mapped", ip.ipv4_mapped))
    if ip.sixtofour:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo:
        found += [("Teredo", part) for part in ip.teredo]
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in net for net in NAT64):
        found.append(("NAT64", low32))
    if ip in IPV4_COMPATIBLE and int(ip) > 1:
        found.append(("IPv4-compatible", low32))
    return found


def _why_v4_or_v6(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    for test, reason in [
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (ip in SHARED if ip.version == 4 else False, "shared (carrier-grade NAT)"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-global"),
    ]:
        if test:
            return f"{reason} address {ip}"
    return None


def refused_address(address: str) -> str | None:
    """Why a resolved IP must not be fetched from a non-local source, or None if it is global. An IPv6
    address that embeds an IPv4 one (mapped, 6to4, Teredo, NAT64) is judged by that one too."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        for kind, inner in _embedded(ip):
            reason = _why_v4_or_v6(inner)
            if reason:
                return reason if kind == "IPv4-mapped" else f"{reason} inside the {kind} address {ip}"
        if ip in NAT64[1]:
            return f"local-use NAT64 address {ip}"
        if ip in NAT64[0]:  # a translator's address for a global IPv4 one (ipaddress calls it reserved)
            return None
    return _why_v4_or_v6(ip)


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order (the one place names are resolved)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def checked_address(host: str, port: int, *, local: bool) -> tuple[str | None, str | None]:
    """(the address to connect to, None), or (None, why not). A source declared local may reach
    loopback and private addresses; any other source only global ones, and a host with any refused
    address is refused whole."""
    if not local and host.lower().rstrip(".") in METADATA_HOSTS:
        return None, f"metadata host {host}"
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError) as exc:
        return None, f"cannot resolve {host}: {exc}"
    if not addresses:
        return None, f"cannot resolve {host}: no address"
    for address in [] if local else addresses:
        reason = refused_address(address)
        if reason:
            return None, f"{host} resolves to a {reason}"
    return addresses[0], None


def _default_port(parts) -> int:
    return parts.port or (443 if parts.scheme in ("https", "wss") else 80)


def refused_url(url: str, *, local: bool) -> str | None:
    """Why `url` may not be fetched for a source (None when it may), by the address its host resolves
    to now (see Pins for a verdict that holds for the whole capture)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not fetched"
    if not parts.hostname:
        return "URL has no host"
    if local:
        return None
    return checked_address(parts.hostname, _default_port(parts), local=local)[1]


@dataclass
class Pins:
    """Each host of a capture resolved and checked once: the browser's every connection to it (through
    the guard) goes to the address that was checked, so a second answer from DNS (rebinding) is never
    asked for."""

    local: bool
    _pins: dict[tuple[str, int], tuple[str | None, str | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def address(self, host: str, port: int) -> tuple[str | None, str | None]:
        key = (host.lower().rstrip("."), port)
        with self._lock:  # one resolution per host, even when several connections ask at once
            if key not in self._pins:
                self._pins[key] = checked_address(key[0], port, local=self.local)
            return self._pins[key]

    def known(self, host: str, port: int) -> tuple[str | None, str | None]:
        """The verdict on a host that a judged request named; a host nothing named is refused."""
        with self._lock:
            verdict = self._pins.get((host.lower().rstrip("."), port))
        return verdict or (None, f"no request of the page named {host}:{port}")


# Chromium resolves no name (the loopback server is reached by its address).
RESOLVE_NOTHING = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
# No UDP from WebRTC (STUN/TURN): it goes around both the request routing and the proxy.
NO_WEBRTC_UDP = "--webrtc-ip-handling-policy=disable_non_proxied_udp"
# A local dump has one site: every frame of another one is refused and shows Chromium's error page.
# Site isolation still gave each page, and each refused frame, a renderer process of its own: 112
# renderers started for 60 readability pages, 7 without it, and 10-12 % less CPU per page
# (docs/benchmarks.md). Sources on the public web keep it: their other sites' frames do load.
ONE_SITE = "--disable-site-isolation-trials"


@dataclass
class SameHost:
    """Local dumps: only the loopback server that serves the source; Chromium refuses everything else
    itself. Every connection but the server's goes to a proxy address where nothing listens (refused at
    once: a worker's fetch or a frame's navigation as much as the page's own requests), and no name is
    resolved, so no DNS query leaves for the page's other hosts. No request crosses to Python: routing
    each one there (Playwright's route) cost the browser, its driver and Python about 10 % of a page's
    CPU on the readability corpus (docs/benchmarks.md)."""

    netloc: str
    routed: ClassVar[bool] = False  # the browser needs no route to this policy
    browser_args: tuple[str, ...] = ()
    _nowhere: socket.socket | None = None

    def __post_init__(self) -> None:
        self._nowhere = socket.socket()  # bound and never listening: a connection to it is refused
        self._nowhere.bind(("127.0.0.1", 0))
        port = self._nowhere.getsockname()[1]
        self.browser_args = (
            f"--proxy-server=http://127.0.0.1:{port}",
            f"--proxy-bypass-list=<-loopback>;{self.netloc}",
            RESOLVE_NOTHING,
            NO_WEBRTC_UDP,
            ONE_SITE,
        )

    def close(self) -> None:
        if self._nowhere is not None:
            self._nowhere.close()


def proxied_args(port: int) -> tuple[str, ...]:
    """Chromium flags that send every connection through the guard on `port` (loopback included) and
    resolve no name in the browser: the guard resolves, checks and connects."""
    return (
        f"--proxy-server=socks5://127.0.0.1:{port}",
        "--proxy-bypass-list=<-loopback>",
        RESOLVE_NOTHING,
        NO_WEBRTC_UDP,
    )


@dataclass
class LiveWeb:
    """Live sources: allowed domains only, and never a private address unless the source is local.
    Requests are judged here; connections are made by the guard, to the pinned addresses."""

    local: bool
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    pins: Pins | None = None
    browser_args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.pins = self.pins or Pins(self.local)

    def domain_allowed(self, host: str) -> bool:
        matches = lambda pats: any(host == p or host.endswith("." + p) for p in pats)  # noqa: E731
        return not matches(self.deny) and (not self.allow or matches(self.allow))

    def connect(self, host: str, port: int) -> tuple[str | None, str | None]:
        """For the guard: where a browser connection to host:port goes, or why it may not be made.
        Only hosts that a judged request named are reached (not the browser's own background calls)."""
        if not self.domain_allowed(host.lower().rstrip(".")):
            return None, f"domain {host} is not allowed"
        return self.pins.known(host, port)

    def why_not(self, url: str) -> str | None:
        """Why `url` may not be fetched for this source, or None; its host is resolved and pinned."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme!r} is not fetched"
        if not parts.hostname:
            return "URL has no host"
        if not self.domain_allowed(parts.hostname.lower().rstrip(".")):
            return f"domain {parts.hostname} is not allowed"
        return self.pins.address(parts.hostname, _default_port(parts))[1]

    async def __call__(self, route: Route) -> None:
        # resolving blocks: off the event loop (once per host, then pinned)
        reason = await asyncio.to_thread(self.why_not, route.request.url)
        if reason is None:
            await route.continue_()
        else:
            await route.abort("blockedbyclient")
