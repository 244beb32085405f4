"""What an application has to act on, and whether a procedure names only that: the denominator of the
replay's measure (UI procedures that name only controls of the application).

`collect` reads an application walked once (desktop exploration: every menu, submenu and item, the dialogs
items open, their tabs and settings pages): the menu paths it opened (each as its labels, compared by
replay.norm) and the names of every element it saw. `foreign` says which target of a procedure's moves
the application lacks: a menu path that is not one of its menus' paths (the help of an older version:
`Format - Page` where the menu says `Page Style…`), a control named nowhere in it.
"""

from __future__ import annotations

from transforms.howto.replay import Move, norm


def collect(states: list[tuple[list[str], list[dict]]]) -> dict[str, list]:
    """The menu paths (labels in order) and element names of an application's walked states ((action
    path, elements) each)."""
    paths: set[tuple[str, ...]] = set()
    names: set[str] = set()
    for path, elements in states:
        labels = []
        for step in path:
            kind, _, label = step.partition(":")
            if kind not in ("menu", "item"):
                break
            labels.append(label)
            paths.add(tuple(labels))
        for el in elements:
            for name in (el.get("name"), el.get("text")):
                if name and len(name) <= 120:
                    names.add(name)
    return {"menu_paths": sorted(list(p) for p in paths), "names": sorted(names)}


def foreign(moves: list[Move], vocabulary: dict[str, list]) -> str | None:
    """The first target of `moves` the application does not have (why), None when it has them all: a
    menu path (menu, then its items) must be one of its menu paths, as far as the walk's menus go; an
    item past them (a tab or settings page of the dialog the path opens) and any other target must be
    the name of one of its elements."""
    paths = {tuple(norm(x) for x in p) for p in vocabulary["menu_paths"]}
    names = {norm(n) for n in vocabulary["names"]}
    path: list[str] = []
    for move in moves:
        if move.kind == "key" or move.target is None:
            path = []
            continue
        want = norm(move.target)
        if move.kind == "menu":
            path = [want]
            if (want,) not in paths:
                return f"step {move.step}: no menu {move.target!r}"
            continue
        if move.kind == "item" and path:
            opened = tuple(path) in paths and any(
                p[: len(path)] == tuple(path) and len(p) > len(path) for p in paths
            )
            path.append(want)
            if tuple(path) in paths:
                continue
            if opened:  # the menu opened and has items: this is not one of them
                return f"step {move.step}: no item {move.target!r} in {' - '.join(path[:-1])}"
        elif move.kind != "item":
            path = []
        if want not in names:
            return f"step {move.step}: no control {move.target!r}"
    return None
