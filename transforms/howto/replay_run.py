"""Replaying how-to procedures in their application: the runner, a plan of the desktop worker
(`run_app(..., plan=(PLAN, procedures))`), in one session per application.

For each procedure, move by move (replay.py): the screen and the tree are captured before the move
(a state `howto:<the procedure's id>/<moves before>`), its target found there by its label and kept
with its box, the move made with real input (a click at the target's centre, a key, a value typed),
and its effect checked: the next move's target appears (polled up to `dialog_timeout_s`: a dialog
takes seconds), a check box toggled, a tab selected, a typed value reads back. The first move that
fails ends the procedure with its reason. Between procedures what was opened is closed (Escape,
Cancel or Close); an application left in a state that does not close, or gone, is started again.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time

from Xlib import XK, X
from Xlib.ext import xtest

from transforms.capture.desktop.acting import act, back_to, popups, read, windows
from transforms.capture.desktop.drive import _startup
from transforms.capture.desktop.explore import Explorer, State, Stop
from transforms.capture.desktop.items import centre
from transforms.howto.replay import Move, effect, find, keys, plan

PLAN = "transforms.howto.replay_run:replay"
FOLDED = ("tree item", "table cell")  # rows of a page tree, opened when they hold pages


class Unreplayable(Exception):
    """A move that cannot be made with this keyboard (a key or a character it lacks)."""


def _screen(ex: Explorer, path: list[str], seen: dict[str, int]) -> tuple[int, list[dict]]:
    """Capture the screen and its tree as a state (once per distinct screenshot): the index of the
    state in `ex.states`, and the corrected walk."""
    ex.seen_sha.clear()
    ex.seen_phash.clear()
    state, answer = ex.observe(path)
    nodes = answer["nodes"]  # corrected in place by observe
    sha = hashlib.sha256(state.png or b"").hexdigest()
    if state.png is None or state not in ex.states:
        raise Stop("hang", "the screen before a move was not captured")
    if sha in seen:
        ex.states.remove(state)
        return seen[sha], nodes
    seen[sha] = len(ex.states) - 1
    return seen[sha], nodes


def _type(ex: Explorer, text: str) -> None:
    """Type `text` with real key events: each character's key, with Shift where the keyboard map has
    the character on its second level (Latin-1 keysyms are their code points)."""
    d = ex.screen.d
    shift = d.keysym_to_keycode(0xFFE1)
    for ch in text:
        code = d.keysym_to_keycode(ord(ch))
        if not code:
            raise Unreplayable(f"no key types {ch!r}")
        upper = d.keycode_to_keysym(code, 0) != ord(ch)
        if upper:
            xtest.fake_input(d, X.KeyPress, shift)
        xtest.fake_input(d, X.KeyPress, code)
        xtest.fake_input(d, X.KeyRelease, code)
        if upper:
            xtest.fake_input(d, X.KeyRelease, shift)
    d.sync()


def _do(ex: Explorer, move: Move, node: dict | None) -> bool:
    """Make the move with real input; whether the screen changed."""
    if move.kind == "key":
        name, mods = keys(move.value)
        unknown = [k for k in (*mods, name) if not ex.screen.d.keysym_to_keycode(XK.string_to_keysym(k))]
        if unknown:  # a key the keyboard map lacks would be an X error, not a key press
            raise Unreplayable(f"no key named {unknown[0]!r} on the keyboard")
        changed = act(ex, lambda: ex.screen.key(name, *mods), timeout=1.0)
    elif move.kind == "type" and node is None:  # "type fn": where the focus is
        changed = act(ex, lambda: _type(ex, move.value), timeout=2.0)
    elif move.kind == "type":
        act(ex, lambda: ex.screen.click(*centre(node)), timeout=1.0)
        ex.screen.key("a", "Control_L")  # what the field held is replaced
        changed = act(ex, lambda: _type(ex, move.value), timeout=2.0)
    else:
        # a tab already selected changes nothing: no long wait for a change that will not come
        wait = 0.3 if node["role"] == "page tab" and "selected" in node["states"] else 3.0
        button = 3 if move.kind == "rclick" else 1  # "Right-click "Heading 1"": its context menu
        changed = act(ex, lambda: ex.screen.click(*centre(node), button=button), timeout=wait)
        if node["role"] in FOLDED and "expandable" in node["states"] and "expanded" not in node["states"]:
            # a settings page with pages under it (LibreOffice Writer in Options): opened to show them.
            # The keypad's "+": "plus" shares its key with "=" and, pressed without Shift, types "="
            changed = act(ex, lambda: ex.screen.key("KP_Add"), timeout=1.0) or changed
    ex.screen.park_pointer()
    return changed


def _after(ex: Explorer, following: Move | None, node: dict | None) -> tuple[list[dict], bool | None]:
    """The walk once the move's effect has settled, and whether the next move's target is in it
    (polled up to the dialog timeout; None for the last move or a key)."""
    deadline = time.monotonic() + ex.limits.dialog_timeout_s
    while True:
        ex.screen.stable(ex.limits.settle_s)
        nodes = read(ex)
        if following is None or following.kind == "key":
            return nodes, None
        if find(nodes, following, node if following.kind == "item" else None)[0] is not None:
            return nodes, True
        if time.monotonic() > deadline:
            return nodes, False


def _procedure(ex: Explorer, procedure: dict, seen: dict[str, int], count: int | None = None) -> dict:
    """One procedure replayed from the main window: {key, goal, moves done, end (the state after the
    last move), reason, step and at (the state it ended on) when it did not reach its end}. A menu path
    after the first move starts from the main window: a dialog a step before it left open (more than
    `count` windows) is closed first ("choose Format - Paragraph - Borders ...", then "choose Edit -
    Undo")."""
    moves, reason = plan(procedure["typed_steps"])
    key = procedure["key"][:12]  # names the procedure's states (howto:<its id>/<moves before>)
    done: list[dict] = []
    result = {"key": procedure["key"], "goal": procedure["goal"], "moves": done, "reason": None}
    result |= {"step": None, "at": None, "end": None}
    if reason is not None:
        return result | {"reason": reason, "step": int(reason.split()[1]) if reason.startswith("step") else 1}
    previous: dict | None = None
    for i, move in enumerate(moves):
        if i and move.kind == "menu" and count is not None and windows(ex) > count:
            back_to(ex, count, {"nodes": read(ex)})  # Stop when it stays open: the procedure ends there
        state, nodes = _screen(ex, [f"howto:{key}", *(m.path_step for m in moves[:i])], seen)
        index, why = find(nodes, move, previous)
        node = nodes[index] if index is not None else None
        if node is not None and node["path"] not in {e["css_path"] for e in ex.states[state].elements}:
            why, node = f"{move.target!r} is on no element of the screen (covered or clipped)", None
        if why:
            return result | {"reason": f"{move.path_step}: {why}", "step": move.step, "at": state}
        previous = node if move.kind == "item" else None
        path = node["path"] if node is not None else None
        done.append({**move.__dict__, "path_step": move.path_step, "state": state, "css_path": path})
        try:
            changed = _do(ex, move, node)
        except Unreplayable as exc:
            return result | {"reason": f"{move.path_step}: {exc}", "step": move.step, "at": state}
        after, next_found = _after(ex, moves[i + 1] if i + 1 < len(moves) else None, node)
        bad = effect(move, node, after, next_found, changed)
        if bad is not None:
            return result | {"reason": f"{move.path_step}: {bad}", "step": move.step, "at": state}
    result["end"], _ = _screen(ex, [f"howto:{key}", *(m.path_step for m in moves)], seen)
    return result


def _failed(procedure: dict, reason: str) -> dict:
    return {"key": procedure["key"], "goal": procedure["goal"], "moves": [], "reason": reason} | {
        "step": 1,
        "at": None,
        "end": None,
    }


def _fresh(ex: Explorer) -> int:
    """The application started again (or at first), its start-up windows dismissed: its window count."""
    answer = ex.wait_ready()
    ex.screen.park_pointer()
    ex.screen.stable(ex.limits.settle_s)
    ex.popups = popups(ex)
    try:
        _startup(ex, answer)
    except Stop:
        pass  # a window that stays (a floating tool bar LibreOffice keeps in its profile): replay over it
    ex.popups = popups(ex)
    return windows(ex)


def _close(ex: Explorer, count: int) -> int:
    """Back to the main window: what is open closed (Escape, then a Cancel or Close button), else the
    application started again; its window count. Stop when it does not start again."""
    try:
        back_to(ex, count, {"nodes": read(ex)})
        return count
    except Stop:
        for pid in ex.pids()[1:]:  # its children too (soffice.bin): a survivor would take the new start
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        ex.app = ex.launch(ex.app)  # left in a state that does not close, or gone: started again
        ex.restarts += 1
        return _fresh(ex)


def replay(ex: Explorer, procedures: list[dict]) -> list[dict]:
    """Replay each procedure ({key, goal, typed_steps}) from the application's main window: per
    procedure its moves done (with the state each started from and its target's tree path) and, when
    it did not reach its end, the reason and the step it ended at. Never raises Stop: an application
    that does not start (again) ends every procedure left with the reason."""
    results: list[dict] = []
    try:
        count = _fresh(ex)
    except Stop as stop:
        ex.states.append(State(["stop"], stop.status, stop.message, time.time()))
        return [_failed(p, f"{stop.status}: {stop.message}") for p in procedures]
    seen: dict[str, int] = {}
    for k, procedure in enumerate(procedures):
        if time.monotonic() - ex.started > ex.limits.budget_s:
            results.append(
                _failed(procedure, f"budget: the application's {ex.limits.budget_s:g} s were spent")
            )
            continue
        try:
            results.append(_procedure(ex, procedure, seen, count))
        except Stop as stop:
            results.append(_failed(procedure, f"{stop.status}: {stop.message}"))
        try:
            count = _close(ex, count)
        except Stop as stop:
            ex.states.append(State(["stop"], stop.status, stop.message, time.time()))
            return results + [_failed(p, f"{stop.status}: {stop.message}") for p in procedures[k + 1 :]]
    return results
