"""Names that say only what kind of widget an element is: a toolkit's default accessible name
("Button", "Combo Box", "SpinButton"), never a name a person reads or says. Capture never counts one as
drawn (transforms/capture/desktop/drawn.py) and the annotator never uses one as a label
(transforms/annotate/labels.py). Words that are also real names ("Menu", "Edit", "View", "Tab", "Text")
are left out."""

from __future__ import annotations

NAMES = frozenset(
    {
        "button", "push button", "toggle button", "menu button", "combo box", "combobox", "spin button",
        "spinbutton", "scroll bar", "scrollbar", "slider", "check box", "checkbox", "radio button",
        "menu item", "menu bar", "menubar", "tool bar", "toolbar", "page tab", "panel",
        "filler", "separator", "icon", "image", "label", "entry", "text field", "list item", "table cell",
        "tree item", "unknown", "widget", "pushbutton", "togglebutton", "scrollarea", "scroll area",
        "viewport",
    }
)  # fmt: skip


def placeholder(name: str | None) -> bool:
    """The name is empty or only a widget type ('Combo Box', 'SpinButton', 'push_button')."""
    key = " ".join((name or "").replace("_", " ").lower().split())
    return not key or key in NAMES or key.replace(" ", "") in NAMES
