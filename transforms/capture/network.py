"""Which requests a captured page may make: the source's own host, a web archive, or the public web."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
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


def refused_url(url: str, *, local: bool, resolve=socket.getaddrinfo) -> str | None:
    """Why `url` may not be fetched for a source (None when it may). A source declared local may
    reach loopback and private addresses; any other source only public ones."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not fetched"
    host = parts.hostname or ""
    if not host:
        return "URL has no host"
    if local:
        return None
    if host.lower() in METADATA_HOSTS:
        return f"metadata host {host}"
    try:
        infos = resolve(
            host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        reason = refused_address(info[4][0])
        if reason:
            return f"{host} resolves to a {reason}"
    return None


@dataclass
class SameHost:
    """Local dumps: only the loopback server that serves the source; everything else is aborted."""

    netloc: str
    # Nothing but the loopback server is resolved, so no DNS query leaves for the page's other hosts.
    browser_args = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)

    async def __call__(self, route: Route) -> None:
        if urlsplit(route.request.url).netloc == self.netloc:
            await route.continue_()
        else:
            await route.abort("blockedbyclient")


@dataclass
class LiveWeb:
    """Live sources: allowed domains only, and never a private address unless the source is local."""

    local: bool
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    _verdicts: dict[str, str | None] = field(default_factory=dict)

    def domain_allowed(self, host: str) -> bool:
        matches = lambda pats: any(host == p or host.endswith("." + p) for p in pats)  # noqa: E731
        return not matches(self.deny) and (not self.allow or matches(self.allow))

    async def __call__(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        reason = None if self.domain_allowed(host) else f"domain {host} is not allowed"
        if reason is None:
            origin = url.split("/", 3)[:3]
            key = "/".join(origin)
            if key not in self._verdicts:  # resolving blocks: do it off the event loop, once per origin
                self._verdicts[key] = await asyncio.to_thread(refused_url, key + "/", local=self.local)
            reason = self._verdicts[key]
        if reason is None:
            await route.continue_()
        else:
            await route.abort("blockedbyclient")
