"""What an application has to act on, and whether a procedure names only that: the denominator of the
replay's measure (UI procedures that name only controls of the application).

`collect` reads an application walked once (desktop exploration: its menus, the submenus and dialogs their
items open, the dialogs' tabs): the items of each menu it opened, the names in each dialog it opened (its
tabs merged), and the names of the main window. `foreign` says which target of a procedure's moves the
application lacks, as far as the walk saw: an item that is not in the menu the walk opened at that path
(the help of an older version: `Format - Page` where the menu says `Page Style…`), a control that is not
in the dialog the procedure's path opened, nor in the main window. Where the walk did not reach (a
submenu or a dialog it never opened) nothing is known, and the procedure stays in the denominator.
"""

from __future__ import annotations

from transforms.howto.replay import Move, norm

ITEM_STEPS = ("menu", "item", "submenu", "mode")  # path steps that open menus and their items
MENU_ROLES = ("menuitem", "menu")


def _names(elements: list[dict]) -> set[str]:
    return {e[k] for e in elements for k in ("name", "text") if e.get(k) and len(e[k]) <= 120}


def collect(states: list[tuple[list[str], list[dict]]]) -> dict:
    """From an application's walked states ((action path, elements) each): `menus` (a path of labels
    joined by " / " -> the items shown while it was open; "" -> the main window's menus), `dialogs` (the
    path that opened one -> the names in it and its tabs) and `main` (the names of the main window)."""
    menus: dict[str, set[str]] = {}
    dialogs: dict[str, set[str]] = {}
    main: set[str] = set()
    for path, elements in states:
        items = [label for step in path for kind, _, label in [step.partition(":")] if kind in ITEM_STEPS]
        whole = all(step.partition(":")[0] in (*ITEM_STEPS, "tab") for step in path)
        shown = {e["name"] for e in elements if e.get("role") in MENU_ROLES and e.get("name")}
        if not path or path == ["start"]:
            main |= _names(elements)
            menus.setdefault("", set()).update(shown)
        elif not whole:
            continue  # a context menu, a drop-down: not a path the help writes
        elif len(items) == len(path) and path[-1].startswith(("menu:", "submenu:")):
            menus.setdefault(" / ".join(items), set()).update(shown)
        else:
            dialogs.setdefault(" / ".join(items), set()).update(_names(elements))
    as_lists = {k: sorted(v) for k, v in menus.items()}
    return {"menus": as_lists, "dialogs": {k: sorted(v) for k, v in dialogs.items()}, "main": sorted(main)}


def foreign(moves: list[Move], vocabulary: dict) -> str | None:
    """The first target of `moves` the application does not have, as far as its walk saw (why), or None."""
    menus = {
        tuple(norm(x) for x in k.split(" / ")) if k else (): {norm(n) for n in v}
        for k, v in vocabulary["menus"].items()
    }
    dialogs = {
        tuple(norm(x) for x in k.split(" / ")): {norm(n) for n in v} for k, v in vocabulary["dialogs"].items()
    }
    main = {norm(n) for n in vocabulary["main"]}
    path: tuple[str, ...] = ()
    where: set[str] | None = main  # the names the next control is looked for in; None: not walked
    for move in moves:
        if move.kind == "key" or move.target is None:
            continue
        want = norm(move.target)
        if move.kind == "menu":
            path, where = (want,), None
            if want not in menus.get((), set()):
                return f"step {move.step}: no menu {move.target!r}"
        elif move.kind == "item" and path and path in menus:
            if want not in menus[path]:
                return f"step {move.step}: no item {move.target!r} in {' - '.join(path)}"
            path = (*path, want)
        elif move.kind == "item" and path and path in dialogs:  # a tab or settings page of its dialog
            if want not in dialogs[path]:
                return f"step {move.step}: no page {move.target!r} in the dialog of {' - '.join(path)}"
        elif move.kind == "item":
            path = (*path, want)  # a submenu or dialog the walk did not open: unknown
        elif where is not None and want not in where and want not in main:
            return f"step {move.step}: no control {move.target!r}"
        if move.kind in ("menu", "item"):
            where = dialogs.get(path)
    return None
