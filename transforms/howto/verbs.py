"""The action verbs of a step and the action each one stands for (`click`, `type`, `select`, `key`,
`drag`, `open`): shared by step typing, menu paths (a verb ends a path item) and prose procedures."""

from __future__ import annotations

ACTION_OF = {
    **dict.fromkeys(
        "click double-click right-click middle-click tap double-tap push check uncheck tick untick mark "
        "unmark toggle enable disable activate deactivate clear close confirm apply accept cancel place "
        "position".split(),
        "click",
    ),
    # Commands a GUI carries out with a click (a key or a menu path, when the step names one, wins).
    **dict.fromkeys(
        "copy cut save delete insert print export import rename duplicate create add remove undo redo "
        "refresh update sort merge use download upload submit send share publish".split(),
        "click",
    ),
    **dict.fromkeys("type enter input write fill key paste".split(), "type"),
    **dict.fromkeys("select choose pick highlight set specify adjust change".split(), "select"),
    **dict.fromkeys("press hit hold".split(), "key"),
    **dict.fromkeys("drag draw drop stretch resize move release".split(), "drag"),
    **dict.fromkeys(
        "open launch start run go navigate switch visit access expand display show".split(), "open"
    ),
}
