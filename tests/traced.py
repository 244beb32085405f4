"""Every connection a command and its children try, recorded with strace, and the ones that would leave
the machine.

strace sees the socket calls themselves, so a connection refused, unreachable or never answered is
recorded as well as one that worked. `-yy` names each socket's protocol (`UDPv6`, `TCP`), which tells a
connection from a UDP socket that was only pointed somewhere: a UDP connect() sends no packet.

The one outside address a run is allowed to name is Chromium's IPv6 reachability probe: before it resolves
a host name, Chromium's resolver connects a UDP socket to 2001:4860:4860::8888 port 443 and reads the local
address the kernel chose, to learn whether the machine has a global IPv6 route. Nothing is sent on that
socket (no switch turns the probe off in Chromium 156: `EnableIPv6ReachabilityOverride` only changes what
is done with its answer), so it is allowed only as a UDP connect with no datagram sent to that address.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

IPV6_PROBE = ("2001:4860:4860::8888", 443)
_CALL = re.compile(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg)\((\d+)(?:<(.*?)>)?,(.*)$")
_INET = re.compile(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
_INET6 = re.compile(r'sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')


def traced(log: Path) -> list[str]:
    """A command prefix that records, in `log`, each connect() and each send with an address, by the command
    and every process it starts (seccomp-bpf: only those calls stop the traced processes)."""
    calls = "trace=connect,sendto,sendmsg,sendmmsg"
    return ["strace", "-f", "--seccomp-bpf", "-qq", "-yy", "-e", calls, "-e", "signal=none", "-o", str(log)]


@dataclass(frozen=True)
class Attempt:
    call: str  # connect, sendto, sendmsg or sendmmsg
    socket: str  # strace's name for the socket: TCP, UDP, UDPv6, TCPv6 and the like (with its inode)
    address: str
    port: int

    def loopback(self) -> bool:
        address = ipaddress.ip_address(self.address)
        mapped = getattr(address, "ipv4_mapped", None)
        return (mapped or address).is_loopback

    def probe(self) -> bool:
        """Chromium's IPv6 reachability check: a UDP socket pointed at the probe address, nothing sent."""
        return (
            self.call == "connect"
            and self.socket.startswith("UDP")
            and (self.address, self.port) == IPV6_PROBE
        )


def attempts(log: Path) -> list[Attempt]:
    """Every internet-address connect() or send in the log (local sockets and netlink are left out)."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        call = _CALL.match(line)
        if not call:
            continue
        where = _INET.search(call[4]) or _INET6.search(call[4])
        if where:
            found.append(Attempt(call[1], call[3] or "", where[2], int(where[1])))
    return found


def leaving(log: Path) -> list[Attempt]:
    """The attempts that would put a packet on a wire other than loopback's."""
    return [a for a in attempts(log) if not a.loopback() and not a.probe()]
