"""A desktop session is its own world: no network but its own loopback, no browser (the addresses an
application asks to open are recorded as rows) and a fixed clock; windows shown at start-up are
dismissed one after another. (The same bytes on every run: test_session.py, which has a run of mousepad
to compare with.)"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from pathlib import Path

import polars as pl
import pytest

from tests.transforms.capture.desktop.test_session import READY, run

pytestmark = pytest.mark.skipif(not READY, reason="Xvfb, dbus, openbox or mousepad is not installed")

# Every way an application may hand a web address to a browser, then a direct connection; then mousepad
# with two files it may not read (an error dialog each, before its window) and one it may.
OPENER = """
out=$1; url=http://127.0.0.2:$2/canary
xdg-open "$url/xdg-open"; x-www-browser "$url/x-www-browser"; sensible-browser "$url/sensible-browser"
www-browser "$url/www-browser"; "$BROWSER" "$url/BROWSER"; /usr/bin/xdg-open "$url/usr-bin-xdg-open"
gio open "$url/gio"
/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.2', $2), timeout=5)" 2>"$out/direct"
echo "exit $?" >> "$out/direct"
date +%Y-%m-%d > "$out/date"
exec mousepad "$out/locked-1.txt" "$out/locked-2.txt" "$out/open.txt"
"""
WAYS = ("xdg-open", "x-www-browser", "sensible-browser", "www-browser", "BROWSER", "usr-bin-xdg-open", "gio")


class Canary:
    """A listener on 127.0.0.2 (the machine's loopback, never another address) that counts connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen()
        self.port, self.connections = self.sock.getsockname()[1], 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def opened():
    """(the captures of one run of OPENER, what it wrote, the canary's connections besides the test's)."""
    canary = Canary()
    with socket.create_connection(("127.0.0.2", canary.port), timeout=5):  # it listens, from outside
        pass
    out = Path(tempfile.mkdtemp(prefix="groundmill-isolation-"))
    out.chmod(0o777)  # the application runs as nobody
    for name in ("locked-1.txt", "locked-2.txt"):
        (out / name).write_text("secret\n")
        (out / name).chmod(0)  # unreadable for the application (nobody, or a user who is not root)
    (out / "open.txt").write_text("Hello\n")
    try:
        app = {"name": "opener", "command": ["sh", "-c", OPENER, "sh", str(out), str(canary.port)]}
        captures = run([app], 3).tables["captures"]
        written = {name: (out / name).read_text() for name in ("direct", "date")}
    finally:
        shutil.rmtree(out)
        canary.sock.close()
    return captures, written, canary.connections - 1


def test_a_session_reaches_no_network_and_opens_no_browser(opened):
    captures, written, connections = opened
    assert connections == 0
    direct = written["direct"]
    assert "refused" in direct.lower() and "exit 1" in direct  # the session's loopback is not the machine's
    assert written["date"].strip() == "2025-01-01"  # the fixed clock (capture.clock)
    blocked = captures.filter(pl.col("status") == "url_blocked")
    urls = {path.rsplit("/canary/", 1)[1] for path in blocked["page_path"]}
    assert urls == set(WAYS), "each way of opening a browser reached the stub, and nothing else"
    assert blocked["page_path"].str.starts_with("opener/start/url:http://127.0.0.2").all()
    assert blocked["capture_id"].n_unique() == len(WAYS) and (blocked["n_parts"] == 0).all()
    assert blocked["message"].str.contains("no browser started").all()


def test_start_up_windows_are_dismissed_one_after_another(opened):
    captures = opened[0].filter(pl.col("status") == "ok")
    assert captures["action_path"].to_list() == [
        ["start"],
        ["start", "dismiss:Error"],
        ["start", "dismiss:Error", "dismiss:Error"],
    ]
    assert captures["message"].to_list()[1:] == ["start-up window 'Error' dismissed with Escape"] * 2
    assert "open.txt" in captures["title"].to_list()[-1]  # the main window, explored from here


JAVA = shutil.which("java")


@pytest.mark.skipif(JAVA is None, reason="no Java runtime")
def test_a_jvm_on_the_fixed_clock_waits_as_long_as_it_asks():
    """libfaketime's monotonic fix put every timed wait's deadline in the past: the JVM's waits returned
    at once and its threads spun (jEdit showed no window in a minute). The session's clock keeps the
    waits, gives the fixed year and stands still."""
    import os
    import subprocess
    from datetime import datetime

    from tests.conftest import FIXTURES
    from transforms.capture.desktop.isolation import faketime_env

    clock, note = faketime_env(datetime(2025, 1, 1))
    if note:
        pytest.skip(note)
    env = {**os.environ, **clock, "JAVA_TOOL_OPTIONS": ""}
    done = subprocess.run(
        [JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", str(FIXTURES / "desktop" / "TimedWait.java")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    waited, parked, year, moved = map(int, done.stdout.split()[-4:])
    assert waited >= 250 and parked >= 250, done.stdout
    assert year == 2025
    assert moved == 0, done.stdout  # the wall clock stands still: a clock drawn on screen shows one time
