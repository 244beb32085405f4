"""Instructions: an action instruction for each unambiguous interactive element (click, type, select)."""
from __future__ import annotations

import json

import polars as pl

from transforms.annotate.grounding import SKIP_COLUMNS, AnnotateParams, skip_reason
from transforms.annotate.labels import ROLE_NOUN, mark_ambiguous, on_image, with_labels
from transforms.annotate.sample_values import sample_value
from transforms.ids import content_id

INSTRUCTION_COLUMNS = [
    "instruction_id", "source_id", "screenshot_id", "element_id", "instruction", "action_type",
    "action_args", "label", "role", "x1", "y1", "x2", "y2", "click_x", "click_y", "image_width", "image_height",
]
TYPING_ROLES = {"textbox", "searchbox", "spinbutton"}
CLICK_VERBS = {"checkbox": "Tick", "switch": "Toggle", "radio": "Choose", "tab": "Open", "menuitem": "Open"}


def instruct(row: dict) -> tuple[str, str, dict] | None:
    """(instruction, action_type, action_args) for one labelled element, or None if no action fits."""
    label, role = row["label"], row["role"]
    noun = ROLE_NOUN.get(role, "control")
    if role in TYPING_ROLES or row["tag"] == "textarea":
        value = sample_value(row["input_type"], row["input_name"], label, row["placeholder"])
        return f'Type "{value}" into the "{label}" {noun}', "type", {"text": value}
    if role in ("combobox", "listbox") and row["tag"] == "select":
        options = row["options"] or []
        if not options:
            return None
        option = options[1] if len(options) > 1 else options[0]
        return f'Select "{option}" in the "{label}" {noun}', "select", {"option": option}
    if role in ("button", "link") or role in CLICK_VERBS:
        verb = CLICK_VERBS.get(role, "Click")
        return f'{verb} the "{label}" {noun}', "click", {}
    return None


def instruct_elements(elements: pl.DataFrame, screenshots: pl.DataFrame,
                      params: AnnotateParams) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Elements and screenshot sizes in; (instruction rows, skipped interactive elements with the reason)."""
    interactive = elements.filter(pl.col("interactive"))
    labelled = mark_ambiguous(with_labels(interactive)).with_columns(reason=skip_reason(params))
    rows, skipped = [], []
    for row in labelled.iter_rows(named=True):
        made = instruct(row) if row["reason"] is None else None
        if made is None:
            skipped.append({"source_id": row["source_id"], "table": "instructions",
                            "element_id": row["element_id"], "screenshot_id": row["screenshot_id"],
                            "reason": row["reason"] or f"no action template for role {row['role']!r}"})
            continue
        text, action_type, args = made
        rows.append({**row, "instruction": text, "action_type": action_type,
                     "action_args": json.dumps(args, ensure_ascii=False, sort_keys=True),
                     "instruction_id": content_id("instruction", row["element_id"], text)})
    schema = {**labelled.schema, "instruction": pl.String, "action_type": pl.String, "action_args": pl.String,
              "instruction_id": pl.String}
    frame = on_image(pl.DataFrame(rows, schema=schema), screenshots)
    skipped_frame = pl.DataFrame(skipped, schema={c: pl.String for c in SKIP_COLUMNS})
    return frame.select(INSTRUCTION_COLUMNS), skipped_frame
