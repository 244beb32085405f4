"""What keeps a desktop session to itself: a network namespace of its own with loopback only, a browser
stub that records the addresses an application asks to open and opens nothing, and a fixed clock.

The worker enters the namespace before the session starts, so Xvfb, the buses, the window manager, the
tree reader and the application all share it: they talk to each other over Unix sockets (abstract ones
are per namespace too) and reach nothing outside. Its loopback interface is brought up, so that an
application that talks to itself over 127.0.0.1 still works, but the machine's loopback (a listener on
127.0.0.2, the Prefect server) is another interface, out of reach.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import pwd
import socket
import struct
from datetime import datetime
from pathlib import Path

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1

# The names an application may run to show a web page, and the variable some read first; all of them
# lead to the stub. GIO and xdg-open (without a desktop environment) ask the MIME database instead, whose
# default for web addresses the session's mimeapps.list sets to the stub's .desktop entry.
BROWSER_NAMES = (
    "xdg-open",
    "x-www-browser",
    "sensible-browser",
    "www-browser",
    "gnome-www-browser",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "firefox",
    "firefox-esr",
)
URL_TYPES = (
    "x-scheme-handler/http",
    "x-scheme-handler/https",
    "x-scheme-handler/ftp",
    "x-scheme-handler/mailto",
    "text/html",
)
STUB = """#!/bin/sh
# groundmill: a desktop session opens no browser; the address is recorded for the capture, nothing runs.
for url in "$@"; do printf '%s\\n' "$url" >> '{log}'; done
exit 0
"""
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=groundmill URL recorder
Exec={stub} %u
NoDisplay=true
MimeType={types};
"""
FAKETIME_LIBS = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
)


class IsolationError(RuntimeError):
    """The session could not be given a network namespace of its own."""


def enter_network_namespace() -> None:
    """Move this process (and all it starts from now on) into a new network namespace whose only
    interface, loopback, is up. As root directly; otherwise inside a new user namespace that maps our
    own user, where the kernel allows it. Raises IsolationError when neither works."""
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() == 0:
        if libc.unshare(CLONE_NEWNET) != 0:
            raise IsolationError(f"unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())}")
    else:
        uid, gid = os.geteuid(), os.getegid()
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            raise IsolationError(
                f"unshare(CLONE_NEWUSER|CLONE_NEWNET): {os.strerror(ctypes.get_errno())} "
                "(run the capture as root, or allow unprivileged user namespaces)"
            )
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    _loopback_up()


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, request)[:18])[1]
        try:
            fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
        except OSError as exc:
            raise IsolationError(f"loopback could not be brought up in the namespace: {exc}") from exc


def install_browser_stub(root: Path, home: Path) -> tuple[Path, Path]:
    """Write the stub, under every browser's name, and its .desktop entry into the session (`root`/bin,
    `home`'s XDG folders): (the folder to put first on PATH, the file the stub records addresses in)."""
    log = root / "urls.log"
    log.write_text("")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "groundmill-open-url"
    stub.write_text(STUB.format(log=log))
    stub.chmod(0o755)
    for name in BROWSER_NAMES:
        (bin_dir / name).symlink_to(stub.name)
    applications = home / ".local/share/applications"
    applications.mkdir(parents=True, exist_ok=True)
    (applications / "groundmill-url.desktop").write_text(
        DESKTOP_ENTRY.format(stub=stub, types=";".join(URL_TYPES))
    )
    defaults = "".join(f"{t}=groundmill-url.desktop\n" for t in URL_TYPES)
    (home / ".config" / "mimeapps.list").write_text(
        f"[Default Applications]\n{defaults}[Added Associations]\n{defaults}"
    )
    return bin_dir, log


def read_urls(log: Path | None, seen: int) -> list[str]:
    """The addresses recorded since the first `seen`."""
    if log is None or not log.exists():
        return []
    return [line for line in log.read_text(errors="replace").splitlines() if line.strip()][seen:]


def faketime_env(clock: datetime | None) -> tuple[dict[str, str], str]:
    """(what an application's environment needs for its wall clock to stand still at `clock`, a note
    when it cannot have it). libfaketime leaves the monotonic clock alone (timers and animations run as
    usual) and file times as they are: the session's files carry the fixed time themselves.

    The clock stands still rather than starting at `clock` and running on: a clock that runs shows, in
    pluma's Insert Date and Time and in jEdit's status bar, how long the run took to get there, and two
    runs then differ.

    Its "monotonic fix" is turned off: it takes the deadline of every timed wait on a condition variable
    as a faked monotonic time and moves it back by the fake offset, which, with the monotonic clock left
    real, puts it in the past: every timed wait of the JVM (`Object.wait`, `LockSupport.parkNanos`)
    returned at once, its threads spun, and jEdit showed no window within a minute."""
    if clock is None:
        return {}, ""
    lib = next((p for p in FAKETIME_LIBS if Path(p).exists()), None)
    if lib is None:
        return {}, "the real clock (libfaketime is not installed: apt-get install libfaketime)"
    return {
        "LD_PRELOAD": lib,
        "FAKETIME": clock.strftime("%Y-%m-%d %H:%M:%S"),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_FORCE_MONOTONIC_FIX": "0",
        "FAKETIME_DONT_RESET": "1",
        "NO_FAKE_STAT": "1",
    }, ""


def own_and_date(top: Path, user: pwd.struct_passwd | None, clock: datetime | None) -> None:
    """`top` and everything under it owned by `user` (None: left as is) and dated at `clock`."""
    stamp = clock.timestamp() if clock else None
    for path in sorted((top, *top.rglob("*")), reverse=True):
        if user:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
        if stamp is not None:
            os.utime(path, (stamp, stamp), follow_symlinks=False)


def redate(home: Path, clock: datetime | None) -> int:
    """Files and folders under `home` that an application wrote since it started dated back at `clock`
    (the kernel dates a write by the real clock, which libfaketime cannot reach: gnome-text-editor's Save
    As listed the document it had just saved at the time of the run); how many. A file chooser then shows
    the same time on every run."""
    if clock is None:
        return 0
    stamp, moved = clock.timestamp(), 0
    for path in home.rglob("*"):
        try:
            if path.lstat().st_mtime != stamp:
                os.utime(path, (stamp, stamp), follow_symlinks=False)
                moved += 1
        except OSError:  # gone meanwhile
            continue
    return moved
