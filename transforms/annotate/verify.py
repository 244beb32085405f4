"""Verification: does a phrase pick out exactly its target on the screenshot, and is its box sound?

Flags (a row with any flag is kept out of the published dataset, and counted):
- `unverifiable`: the phrase makes no claim the reader understands;
- `no_match` / `ambiguous` / `wrong_target`: 0, more than 1, or 1 other element matches the claims;
- `present_on_screen`: a refusal (negative) phrase matches something on this screenshot;
- `degenerate_box`, `box_outside_image`: the box is empty or not inside the image;
- `centre_not_hit`: at capture time a click at the box centre did not land on the element;
- `model_rejected`: the model annotator, asked, said its own phrase fits other elements too;
- `model_missed`: model verification (transforms/annotate/ground.py) pointed outside the box.
"""

from __future__ import annotations

from transforms.annotate.features import Item
from transforms.annotate.match import Screen, matches, parse
from transforms.annotate.purpose import words_of

# The words templates put around a name in a purpose or a goal.
TEMPLATE_WORDS = frozenset(
    """go to the page section link enter your choose turn on open tab menu submit form field for drop down
    choosing checkbox switch option button that submits opens a an item dialog""".split()
)


def box_flags(item: Item) -> list[str]:
    x1, y1, x2, y2 = item.box
    width, height = item.image
    flags = []
    if not (x2 > x1 and y2 > y1):
        flags.append("degenerate_box")
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        flags.append("box_outside_image")
    if not item.center_hit:
        flags.append("centre_not_hit")
    return flags


def verify(text: str, target: Item | None, screen: Screen) -> tuple[int, list[str]]:
    """(number of elements the phrase matches, flags) for `text` on `screen`; `target` None for a refusal."""
    claims = parse(text)
    if claims.empty:
        return 0, ["unverifiable"]
    found = matches(claims, screen)
    if target is None:
        return len(found), ["present_on_screen"] if found else []
    if (claims.function or claims.goal) and target in found:
        # A purpose or goal is read off the control's visible name: a control showing its words fits too.
        core = set(words_of(claims.function or claims.goal)) - TEMPLATE_WORDS
        found += [
            i for i in screen.items if i.interactive and i not in found and core <= set(words_of(i.label))
        ]
    flags = []
    if not found:
        flags.append("no_match")
    elif len(found) > 1:
        flags.append("ambiguous")
    elif found[0].element_id != target.element_id:
        flags.append("wrong_target")
    return len(found), flags + box_flags(target)
