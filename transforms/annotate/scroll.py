"""Scroll instructions: on one slice of a long page, scroll down to a heading that the next slice shows."""

from __future__ import annotations

import json
from collections import Counter

from transforms.annotate.features import Item
from transforms.annotate.match import Screen
from transforms.annotate.phrases import box_fields, text_np
from transforms.annotate.verify import verify
from transforms.ids import row_id


def _target(here: Screen, below: Screen) -> Item | None:
    """The first heading (else named element) of the next slice that is unique there and absent here."""
    seen = {(i.key, i.noun) for i in here.items}
    counts = Counter((i.key, i.noun) for i in below.items)
    named = [
        i
        for i in below.items
        if i.key
        and i.center_hit
        and len(i.label) <= 80
        and counts[(i.key, i.noun)] == 1
        and (i.key, i.noun) not in seen
        and text_np(i)
    ]
    return next((i for i in named if i.noun == "heading"), None) or next(iter(named), None)


def scroll_rows(screens: dict[str, Screen], annotator: str) -> tuple[list[dict], list[dict]]:
    """(instruction rows, skipped rows) for every slice that has a next slice."""
    by_capture: dict[str, list[Screen]] = {}
    for screen in screens.values():
        by_capture.setdefault(screen.items[0].capture_id, []).append(screen)
    rows, skipped = [], []
    for slices in by_capture.values():
        slices.sort(key=lambda s: s.items[0].part_index)
        for here, below in zip(slices, slices[1:]):
            first = here.items[0]
            target = _target(here, below)
            if target is None:
                skipped.append(
                    {
                        "source_id": first.source_id,
                        "table": "instructions",
                        "perspective": "scroll",
                        "element_id": None,
                        "screenshot_id": first.screenshot_id,
                        "reason": "no_scroll: nothing named on the next slice that this one lacks",
                    }
                )
                continue
            text = f"Scroll down to {text_np(target)}"
            present, _ = verify(text, None, here)
            n, flags = verify(text, target, below)
            flags = (["present_on_screen"] if present else []) + [f for f in flags if f != "centre_not_hit"]
            width, height = first.image
            row = {
                "source_id": first.source_id,
                "screenshot_id": first.screenshot_id,
                "element_id": target.element_id,
                "perspective": "text",
                "explicit": None,
                "gt_type": "positive",
                "instruction": text,
                "action_type": "scroll",
                "label": target.label,
                "role": target.role,
                "action_args": json.dumps(
                    {"direction": "down", "to": target.label}, ensure_ascii=False, sort_keys=True
                ),
                **box_fields(first, (0.0, 0.0, float(width), float(height))),
                "annotator": annotator,
                "n_matches": n,
                "quality_flags": flags,
            }
            rows.append({**row, "instruction_id": row_id("instructions", row)})
    return rows, skipped
