"""The X side of a session: screenshots, the stacking order of windows, and real input through XTEST.

Input goes through the X server as a person's would (XTEST fake pointer and key events), never through
AT-SPI `do_action`: a `do_action` that opens a modal dialog blocks that client's connection until the
dialog closes.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass

from PIL import Image
from Xlib import XK, X
from Xlib import display as xdisplay
from Xlib.error import XError
from Xlib.ext import xtest
from Xlib.protocol import event as _event


@dataclass(frozen=True)
class Window:
    """A viewable top-level window: its box on the screen [x1, y1, x2, y2], title, and whether the window
    manager leaves it alone (menus and tooltips are override-redirect)."""

    wid: int
    box: tuple[int, int, int, int]
    title: str
    popup: bool


def stack_order(windows: list[Window], stacking: list[int]) -> list[Window]:
    """The windows (in the X server's order) with the managed ones that the window manager's stacking
    list names put in its order, in the places managed windows held; the others stay where they are."""
    rank = {wid: k for k, wid in enumerate(stacking)}
    slots = [k for k, w in enumerate(windows) if w.wid in rank and not w.popup]
    ordered = sorted((windows[k] for k in slots), key=lambda w: rank[w.wid])
    out = list(windows)
    for k, w in zip(slots, ordered):
        out[k] = w
    return out


class Screen:
    def __init__(self, display_name: str):
        self.d = xdisplay.Display(display_name)
        self.root = self.d.screen().root
        geometry = self.root.get_geometry()
        self.width, self.height = geometry.width, geometry.height
        self._net_name = self.d.intern_atom("_NET_WM_NAME")
        self._utf8 = self.d.intern_atom("UTF8_STRING")
        self._net_stacking = self.d.intern_atom("_NET_CLIENT_LIST_STACKING")

    def close(self) -> None:
        try:
            self.d.close()
        except (XError, OSError):
            pass

    # --- pixels ------------------------------------------------------------------------------------

    def grab(self) -> bytes:
        """The whole screen as raw RGB bytes."""
        raw = self.root.get_image(0, 0, self.width, self.height, X.ZPixmap, 0xFFFFFFFF).data
        return Image.frombytes("RGB", (self.width, self.height), raw, "raw", "BGRX").tobytes()

    def png(self, rgb: bytes) -> bytes:
        out = io.BytesIO()
        Image.frombytes("RGB", (self.width, self.height), rgb).save(out, "PNG", compress_level=6)
        return out.getvalue()

    def stable(self, timeout: float, interval: float = 0.12) -> tuple[bytes, bool]:
        """The screen once two frames `interval` apart are identical (a settled frame), and whether it
        settled within `timeout` (else the last frame)."""
        deadline = time.monotonic() + timeout
        last = self.grab()
        while time.monotonic() < deadline:
            time.sleep(interval)
            now = self.grab()
            if now == last:
                return now, True
            last = now
        return last, False

    def changed(self, before: bytes, timeout: float, interval: float = 0.05) -> bool:
        """Wait until the screen differs from `before` (the post-condition of an input event)."""
        digest = hashlib.blake2b(before, digest_size=16).digest()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if hashlib.blake2b(self.grab(), digest_size=16).digest() != digest:
                return True
            time.sleep(interval)
        return False

    # --- windows -----------------------------------------------------------------------------------

    def _title(self, window) -> str:
        try:
            prop = window.get_full_property(self._net_name, self._utf8)
            if prop is not None:
                return prop.value.decode("utf-8", "replace")
            return window.get_wm_name() or ""
        except (XError, UnicodeDecodeError):
            return ""

    def _client_title(self, frame) -> str:
        """A frame's title: its own, or that of the client window the window manager put inside it."""
        title = self._title(frame)
        if title:
            return title
        try:
            for child in frame.query_tree().children:
                title = self._title(child) or self._client_title(child)
                if title:
                    return title
        except XError:
            pass
        return ""

    def _frame_of(self, client: int) -> int | None:
        """The top-level window (a child of the root) that holds a client window."""
        try:
            window = self.d.create_resource_object("window", client)
            while True:
                parent = window.query_tree().parent
                if parent is None or parent.id == self.root.id:
                    return window.id
                window = parent
        except XError:
            return None

    def stacking(self) -> list[int]:
        """The top-level windows that hold the window manager's clients, bottom to top, as it publishes
        them (`_NET_CLIENT_LIST_STACKING`); empty when it publishes none."""
        try:
            prop = self.root.get_full_property(self._net_stacking, X.AnyPropertyType)
        except XError:
            return []
        if prop is None:
            return []
        return [f for f in (self._frame_of(c) for c in prop.value) if f is not None]

    def active(self) -> int:
        """The client window the window manager has given the focus (`_NET_ACTIVE_WINDOW`); 0: none."""
        try:
            prop = self.root.get_full_property(self.d.intern_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
        except XError:
            return 0
        return int(prop.value[0]) if prop is not None and len(prop.value) else 0

    def windows(self) -> list[Window]:
        """Viewable top-level windows, bottom to top: the managed ones in the window manager's stacking
        order (`_NET_CLIENT_LIST_STACKING`), override-redirect ones (menus, tooltips) where the X server
        stacks them."""
        found = []
        for child in self.root.query_tree().children:
            try:
                attrs = child.get_attributes()
                if attrs.map_state != X.IsViewable or attrs.win_class == X.InputOnly:
                    continue
                g = child.get_geometry()
            except XError:
                continue
            box = (g.x, g.y, g.x + g.width + 2 * g.border_width, g.y + g.height + 2 * g.border_width)
            found.append(Window(child.id, box, self._client_title(child), bool(attrs.override_redirect)))
        return stack_order(found, self.stacking())

    def dialog_titles(self) -> set[str]:
        """The titles of the managed windows that ask the window manager to treat them as dialogs
        (`_NET_WM_WINDOW_TYPE_DIALOG`): HexChat's start-up Network List is one, though its accessible
        role is a frame, and openbox leaves it at its own size where main windows are maximised."""
        client_list, kind = self.d.intern_atom("_NET_CLIENT_LIST"), self.d.intern_atom("_NET_WM_WINDOW_TYPE")
        dialog = self.d.intern_atom("_NET_WM_WINDOW_TYPE_DIALOG")
        try:
            clients = self.root.get_full_property(client_list, X.AnyPropertyType)
        except XError:
            return set()
        found = set()
        for wid in clients.value if clients is not None else []:
            window = self.d.create_resource_object("window", wid)
            try:
                types = window.get_full_property(kind, X.AnyPropertyType)
            except XError:
                continue
            if types is not None and dialog in types.value:
                found.add(self._title(window))
        return found - {""}

    def client_origins(self) -> dict[str, list[tuple[int, int, int, int]]]:
        """Application windows by title: where each client area lies on the screen [x, y, w, h] (what
        a toolkit that reports window-relative boxes, such as GTK4, must be shifted by)."""
        out: dict[str, list] = {}
        for top in self.root.query_tree().children:
            try:
                if top.get_attributes().map_state != X.IsViewable:
                    continue
                stack = [top]
                while stack:
                    w = stack.pop()
                    title = self._title(w)
                    if title:
                        g = w.get_geometry()
                        pos = w.translate_coords(self.root, 0, 0)
                        out.setdefault(title, []).append((-pos.x, -pos.y, g.width, g.height))
                        continue
                    stack.extend(w.query_tree().children)
            except XError:
                continue
        return out

    def close_window(self, wid: int) -> bool:
        """Ask the window manager to close the window `wid` (a top-level frame of `windows`), as its title
        bar's close button would (`_NET_CLOSE_WINDOW` on the client inside it); whether one was asked."""
        clients = self.root.get_full_property(self.d.intern_atom("_NET_CLIENT_LIST"), X.AnyPropertyType)
        client = next((c for c in (clients.value if clients else []) if self._frame_of(c) == wid), None)
        if client is None:
            return False
        event = _event.ClientMessage(
            window=self.d.create_resource_object("window", client),
            client_type=self.d.intern_atom("_NET_CLOSE_WINDOW"),
            data=(32, [X.CurrentTime, 2, 0, 0, 0]),  # source 2: a pager or a person's tool
        )
        self.root.send_event(event, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        self.d.sync()
        return True

    def focus_top(self) -> int:
        """Give the focus to the client window on top of the window manager's stack (`_NET_ACTIVE_WINDOW`,
        as a person's click on it would) when another has it; that window, or 0 when none was asked."""
        try:
            prop = self.root.get_full_property(self._net_stacking, X.AnyPropertyType)
        except XError:
            return 0
        top = int(prop.value[-1]) if prop is not None and len(prop.value) else 0
        if not top or self.active() == top:
            return 0
        event = _event.ClientMessage(
            window=self.d.create_resource_object("window", top),
            client_type=self.d.intern_atom("_NET_ACTIVE_WINDOW"),
            data=(32, [2, X.CurrentTime, 0, 0, 0]),  # source 2: a pager or a person's tool
        )
        self.root.send_event(event, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        self.d.sync()
        return top

    # --- input -------------------------------------------------------------------------------------

    def click(self, x: float, y: float, button: int = 1) -> None:
        """A click at (x, y) (button 1: left, 3: right), kept on the screen (X coordinates are 16-bit)."""
        xi = min(max(int(round(x)), 0), self.width - 1)
        yi = min(max(int(round(y)), 0), self.height - 1)
        xtest.fake_input(self.d, X.MotionNotify, x=xi, y=yi)
        self.d.sync()
        time.sleep(0.03)
        xtest.fake_input(self.d, X.ButtonPress, button)
        xtest.fake_input(self.d, X.ButtonRelease, button)
        self.d.sync()

    def key(self, name: str, *modifiers: str) -> None:
        codes = [self.d.keysym_to_keycode(XK.string_to_keysym(k)) for k in (*modifiers, name)]
        for code in codes:
            xtest.fake_input(self.d, X.KeyPress, code)
        for code in reversed(codes):
            xtest.fake_input(self.d, X.KeyRelease, code)
        self.d.sync()

    def park_pointer(self) -> None:
        """Move the pointer to the bottom-right corner, where it hovers over nothing."""
        xtest.fake_input(self.d, X.MotionNotify, x=self.width - 1, y=self.height - 1)
        self.d.sync()
