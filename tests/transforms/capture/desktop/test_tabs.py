"""Which tabs are clicked (follow.tab_order, follow.take_tabs), on a constructed walk of qt6ct's main
window: the two tabs of its palette preview, then its six pages, none marked selected (Qt 6); the
current ones change nothing when clicked. A dialog's tabs stop at `max_tabs`; the main window's own
(drive.py passes no cap) go on to the last one."""

from __future__ import annotations

from transforms.capture.desktop.follow import tab_order, take_tabs

PAGES = "application[0]/filler[0]/filler[1]/page_tab_list[1]"
PREVIEW = "application[0]/filler[0]/filler[1]/layered_pane[0]/frame[0]/page_tab_list[1]"
NAMES = ["Appearance", "Fonts", "Icon Theme", "Interface", "Style Sheets", "Troubleshooting"]


def _tab(name: str, path: str, *states: str) -> dict:
    return {"name": name, "role": "page tab", "path": path, "states": ["showing", "visible", *states]}


def _walk() -> list[dict]:
    return [
        {"name": "qt6ct", "role": "frame", "path": "application[0]", "states": ["showing"]},
        _tab("Tab 1", f"{PREVIEW}/page_tab[0]", "focused"),
        _tab("Tab 2", f"{PREVIEW}/page_tab[1]"),
        _tab("Hidden", f"{PREVIEW}/page_tab[2]") | {"states": ["visible"]},  # not showing: never clicked
        *[_tab(n, f"{PAGES}/page_tab[{k}]", *(["focused"] if k == 0 else [])) for k, n in enumerate(NAMES)],
        _tab("Elsewhere", "application[1]/page_tab_list[0]/page_tab[0]"),  # another window's
    ]


def _run(most: int | None, budget: int = 100) -> tuple[list[str], list[str]]:
    """The tabs clicked and those taken; the current ones (focused) change nothing when clicked; the
    budget counts the states captured, as ok_ok does."""
    clicked: list[str] = []

    def click(tab: dict) -> bool:
        clicked.append(tab["name"])
        return "focused" not in tab["states"]

    taken = take_tabs(tab_order(_walk(), "application[0]/"), most, click, lambda: len(clicked) < budget)
    return clicked, [t["name"] for t in taken]


def test_the_main_windows_tabs_are_taken_to_the_last_one_without_a_cap():
    clicked, taken = _run(None)
    assert clicked == ["Tab 1", "Tab 2", *NAMES]  # tree order, the window's own showing tabs only
    assert taken == ["Tab 2", *NAMES[1:]]  # 6 states: qt6ct's start, 3 combo lists and these make 10


def test_a_dialogs_tabs_stop_at_max_tabs_that_changed_the_screen():
    clicked, taken = _run(4)
    assert taken == ["Tab 2", "Fonts", "Icon Theme", "Interface"]  # the old cut: Style Sheets and
    # Troubleshooting never reached
    assert clicked == ["Tab 1", "Tab 2", "Appearance", "Fonts", "Icon Theme", "Interface"]
    assert _run(0) == ([], [])


def test_the_state_budget_still_ends_the_main_windows_tabs():
    clicked, taken = _run(None, budget=4)
    assert clicked == ["Tab 1", "Tab 2", "Appearance", "Fonts"] and taken == ["Tab 2", "Fonts"]
