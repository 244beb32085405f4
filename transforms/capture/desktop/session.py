"""One headless desktop session per application, torn down completely whatever happened.

Xvfb (its own display, chosen by the server), a D-Bus session bus with NO service directories (D-Bus
activation would otherwise start a second accessibility bus with the wrong environment, portals, a FUSE
mount and dconf), the AT-SPI bus launcher, openbox, a private HOME and runtime folder, scale 1, and an
unprivileged user (`nobody`) when the capture runs as root.

Reproducible: the session's folder is the same on every run (`<temp>/groundmill-desktop/<scope>/<name>`,
one per project and source (the scope) and application, held by a lock while in use, emptied before and
after), its files carry the fixed clock's
time, the application sees that clock (libfaketime, isolation.py), and web addresses it asks to open go
to a stub that records them (isolation.py) instead of a browser. Every process the session starts carries
a marker in its environment; tear-down kills the process groups it started and then every process that
still carries the marker (daemons that double-forked away from their group), until none is left.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from Xlib import Xatom
from Xlib import display as xdisplay

from transforms.capture.desktop.isolation import (
    faketime_env,
    install_browser_stub,
    own_and_date,
    read_urls,
    redate,
)
from transforms.capture.desktop.settings import (
    APP_UNSET,
    BUS_CONFIG,
    OPENBOX_RC,
    SESSION_ENV,
    java_options,
    write_settings,
)

MARKER = "GROUNDMILL_DESKTOP_SESSION"
RUN_MARK = "GROUNDMILL_RUN"  # the mark of the groundmill command that started the session (flows/watchdog.py)


class SessionError(RuntimeError):
    """The session itself could not be set up (Xvfb, the buses or the window manager)."""


def _user() -> pwd.struct_passwd | None:
    """The unprivileged user apps run as when we are root; None (run as ourselves) otherwise."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


@dataclass
class Session:
    width: int
    height: int
    name: str = "session"  # the application's: names the session's fixed folder
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    clock: datetime | None = None  # the applications' wall clock stands here (None: the real one)
    root: Path | None = None
    display: str = ""
    env: dict[str, str] = field(default_factory=dict)
    a11y_address: str = ""
    procs: list[subprocess.Popen] = field(default_factory=list)
    user: pwd.struct_passwd | None = field(default_factory=_user)
    urls: Path | None = None  # where the browser stub records the addresses asked for
    clock_note: str = ""  # why the applications see the real clock, when they do
    scope: str = ""  # a folder per project and source for the sessions' folders (run.session_scope)
    _lock: int | None = None

    # --- set-up ----------------------------------------------------------------------------------

    def __enter__(self) -> Session:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _folder(self) -> Path:
        """The session's own folder, the same path on every run: taken under a lock (a second capture of
        the same application waits for the first), emptied of what a killed run left."""
        base = Path(tempfile.gettempdir()) / "groundmill-desktop"
        for folder in (base, base / self.scope):
            folder.mkdir(mode=0o755, exist_ok=True)
        base = base / self.scope
        self._lock = os.open(base / f"{self.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        root = base / self.name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(mode=0o755)
        return root

    def _start(self) -> None:
        self.root = self._folder()
        home, runtime = self.root / "home", self.root / "run"
        for folder in (home, runtime, home / ".config", home / ".cache", home / ".local/share"):
            folder.mkdir(parents=True, mode=0o700)
        stubs, self.urls = install_browser_stub(self.root, home)
        name = self.user.pw_name if self.user else pwd.getpwuid(os.geteuid()).pw_name
        (self.root / "bus.conf").write_text(BUS_CONFIG.format(runtime=runtime, user=name))
        (self.root / "openbox.xml").write_text(OPENBOX_RC)
        write_settings(home)
        self.own(self.root)
        self.env = {
            **SESSION_ENV,
            "PATH": f"{stubs}:{SESSION_ENV['PATH']}",
            "BROWSER": str(stubs / "x-www-browser"),
            MARKER: self.token,
            RUN_MARK: os.environ.get(RUN_MARK, ""),  # the run's watchdog ends the session with the run
            "HOME": str(home),
            "USER": name,
            "LOGNAME": name,
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "TMPDIR": str(self.root),
            "JAVA_TOOL_OPTIONS": java_options(home),
        }
        self.display = self._xvfb()
        self.env["DISPLAY"] = self.display
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._bus()
        self.a11y_address = self._a11y()
        self.env["AT_SPI_BUS_ADDRESS"] = self.a11y_address
        self._announce_bus()
        wm = self.spawn(
            ["openbox", "--sm-disable", "--config-file", str(self.root / "openbox.xml")], log="openbox"
        )
        self._wait_wm(wm)

    def own(self, top: Path) -> None:
        """`top` and everything under it: owned by the session's user, dated at the fixed clock (a file
        chooser shows the dates)."""
        own_and_date(top, self.user, self.clock)

    def redate(self) -> int:
        """What the application wrote under the session's HOME dated back at the fixed clock (redate)."""
        return redate(self.root / "home", self.clock)

    def launch(self, argv: list[str]) -> subprocess.Popen:
        """Start the application: as spawn, on the fixed clock (where libfaketime is installed)."""
        clock, self.clock_note = faketime_env(self.clock)
        return self.spawn(argv, log="app", extra_env=clock, unset=APP_UNSET)

    def opened_urls(self, seen: int = 0) -> list[str]:
        """The web addresses the applications asked to open (none was), after the first `seen`."""
        return read_urls(self.urls, seen)

    def spawn(
        self,
        argv: list[str],
        log: str,
        pass_fds: tuple[int, ...] = (),
        extra_env: dict | None = None,
        unset: tuple[str, ...] = (),
    ) -> subprocess.Popen:
        """Start a session process in its own process group, as the session's user, output to a log;
        the variables `unset` are left out of its environment."""
        env = {k: v for k, v in {**self.env, **(extra_env or {})}.items() if k not in unset}
        out = open(self.root / f"{log}.log", "ab")  # noqa: SIM115 - closed with the process's end
        try:
            proc = subprocess.Popen(
                argv,
                env=env,
                cwd=self.env["HOME"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=pass_fds,
                user=self.user.pw_uid if self.user else None,
                group=self.user.pw_gid if self.user else None,
                extra_groups=[] if self.user else None,
            )
        finally:
            out.close()
        self.procs.append(proc)
        return proc

    def _read_fd(self, read_fd: int, proc: subprocess.Popen, what: str, timeout: float = 20.0) -> str:
        """A line a daemon writes to the pipe it was handed (the display number, the bus address)."""
        deadline, data = time.monotonic() + timeout, b""
        os.set_blocking(read_fd, False)
        try:
            while not data.endswith(b"\n"):
                if proc.poll() is not None:
                    raise SessionError(f"{what} exited with {proc.returncode} while starting")
                if time.monotonic() > deadline:
                    raise SessionError(f"{what} did not start within {timeout:g} s")
                try:
                    data += os.read(read_fd, 4096)
                except BlockingIOError:
                    time.sleep(0.02)
        finally:
            os.close(read_fd)
        return data.decode().strip()

    def _xvfb(self) -> str:
        if not shutil.which("Xvfb"):
            raise SessionError("Xvfb is not installed (apt-get install xvfb)")
        r, w = os.pipe()
        screen = f"{self.width}x{self.height}x24"
        proc = self.spawn(
            [
                "Xvfb",
                "-displayfd",
                str(w),
                "-screen",
                "0",
                screen,
                "-dpi",
                "96",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            log="xvfb",
            pass_fds=(w,),
        )
        os.close(w)
        return ":" + self._read_fd(r, proc, "Xvfb")

    def _bus(self) -> str:
        r, w = os.pipe()
        proc = self.spawn(
            ["dbus-daemon", "--nofork", f"--config-file={self.root / 'bus.conf'}", f"--print-address={w}"],
            log="dbus",
            pass_fds=(w,),
        )
        os.close(w)
        return self._read_fd(r, proc, "dbus-daemon")

    def _send(self, *args: str, timeout: float = 5.0) -> str:
        done = subprocess.run(
            ["dbus-send", "--session", "--print-reply=literal", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    def _a11y(self, timeout: float = 20.0) -> str:
        launcher = next(
            (
                p
                for p in ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")
                if Path(p).exists()
            ),
            None,
        )
        if launcher is None:
            raise SessionError("at-spi-bus-launcher is not installed (apt-get install at-spi2-core)")
        proc = self.spawn([launcher, "--launch-immediately", "--a11y=1"], log="a11y")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SessionError(f"at-spi-bus-launcher exited with {proc.returncode}")
            address = self._send("--dest=org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus.GetAddress")
            if address.startswith("unix:"):
                self._send(
                    "--dest=org.a11y.Bus",
                    "/org/a11y/bus",
                    "org.freedesktop.DBus.Properties.Set",
                    "string:org.a11y.Status",
                    "string:IsEnabled",
                    "variant:boolean:true",
                )
                return address
            time.sleep(0.05)
        raise SessionError(f"the accessibility bus did not start within {timeout:g} s")

    def _announce_bus(self) -> None:
        """Put the accessibility bus's address on the root window (AT_SPI_BUS), where Qt looks first:
        the launcher sets it only now and then, and a Qt application that finds it missing never
        registers."""
        d = xdisplay.Display(self.display)
        try:
            root = d.screen().root
            root.change_property(d.intern_atom("AT_SPI_BUS"), Xatom.STRING, 8, self.a11y_address.encode())
            d.sync()
        finally:
            d.close()

    def _wait_wm(self, proc: subprocess.Popen, timeout: float = 20.0) -> None:
        """Wait until the window manager manages the screen (it names its check window on the root,
        `_NET_SUPPORTING_WM_CHECK`): a window mapped before that is adopted where it was mapped, at
        (0, 0) instead of centred, so the same application was drawn in two places by two runs."""
        d = xdisplay.Display(self.display)
        try:
            check = d.intern_atom("_NET_SUPPORTING_WM_CHECK")
            root = d.screen().root
            deadline = time.monotonic() + timeout
            while root.get_full_property(check, Xatom.WINDOW) is None:
                if proc.poll() is not None:
                    raise SessionError(f"openbox exited with {proc.returncode} while starting")
                if time.monotonic() > deadline:
                    raise SessionError(f"openbox did not manage the screen within {timeout:g} s")
                time.sleep(0.02)
        finally:
            d.close()

    # --- tear-down --------------------------------------------------------------------------------

    def marked_pids(self) -> list[int]:
        return marked(self.token)

    def close(self) -> None:
        """Kill everything the session started, the X server last; wait until nothing of it is left.

        Everything but Xvfb is killed outright (SIGKILL, no clean-up handlers): a bus launcher that
        cleans up on SIGTERM deletes its AT_SPI_BUS property from display :N, and if Xvfb is gone by
        then, the next session's Xvfb may already be serving :N."""
        xvfb = self.procs[0] if self.procs and self.procs[0].args[0] == "Xvfb" else None
        others = [p for p in self.procs if p is not xvfb]
        keep = {xvfb.pid} if xvfb else set()
        self._kill_until_gone(others, keep)
        if xvfb is not None:
            _kill_group(xvfb.pid, signal.SIGTERM)  # Xvfb removes its lock file and socket
            try:
                xvfb.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                pass
        self._kill_until_gone(self.procs, set())
        self.procs.clear()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        if self._lock is not None:
            os.close(self._lock)  # releases the folder for the next session of this application
            self._lock = None

    def _kill_until_gone(self, procs: list[subprocess.Popen], keep: set[int]) -> None:
        for _ in range(100):
            for proc in procs:
                _kill_group(proc.pid, signal.SIGKILL)
            left = [pid for pid in self.marked_pids() if pid not in keep]
            for pid in left:
                _kill(pid, signal.SIGKILL)
            for proc in procs:
                try:
                    proc.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
            if not left and all(p.poll() is not None for p in procs):
                return
            time.sleep(0.02)


def marked(token: str) -> list[int]:
    """Every live process whose environment carries this session marker."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
