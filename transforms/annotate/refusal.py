"""Refusal rows: phrases for an element that is not on this screen, borrowed from another page of the
same source (gt_type negative, no box). A model trained on them learns to say 'not here'."""

from __future__ import annotations

from transforms.annotate.match import Screen
from transforms.annotate.phrases import box_fields
from transforms.annotate.verify import verify
from transforms.ids import row_id

TEXT_COLUMN = {"grounding": "expression", "instructions": "instruction"}
MAX_TRIES = 50  # donors looked at per screenshot before giving up on a slot


def _donors(table: str, rows: list[dict]) -> list[dict]:
    """Verified text-perspective rows that act on the element they name (no scroll or hover)."""
    keep = [
        r
        for r in rows
        if r["perspective"] == "text"
        and not r["quality_flags"]
        and r.get("action_type") not in ("scroll", "hover")
    ]
    return sorted(keep, key=lambda r: r["grounding_id" if table == "grounding" else "instruction_id"])


def refusal_rows(
    table: str,
    rows: list[dict],
    screens: dict[str, Screen],
    per_screenshot: int,
) -> tuple[list[dict], list[dict]]:
    """(negative rows, skipped rows for slots no donor could fill); deterministic for the same input."""
    column = TEXT_COLUMN[table]
    donors = _donors(table, rows)
    capture_of = {sid: s.items[0].capture_id for sid, s in screens.items()}
    negatives, skipped = [], []
    for screenshot_id in sorted(screens):
        screen = screens[screenshot_id]
        first = screen.items[0]
        chosen: list[dict] = []
        start = int(screenshot_id[:8], 16) % len(donors) if donors else 0
        for offset in range(min(MAX_TRIES, len(donors))):
            if len(chosen) == per_screenshot:
                break
            donor = donors[(start + offset) % len(donors)]
            text = donor[column]
            if capture_of.get(donor["screenshot_id"]) == first.capture_id or any(
                c[column] == text for c in chosen
            ):
                continue
            if verify(text, None, screen)[1]:  # something here matches: not a refusal
                continue
            chosen.append(donor)
        for donor in chosen:
            text = donor[column]
            row = {
                **donor,
                **box_fields(None),
                "image_width": first.image[0],
                "image_height": first.image[1],
                "screenshot_id": screenshot_id,
                "element_id": None,
                "perspective": "refusal",
                "gt_type": "negative",
                "n_matches": 0,
                "quality_flags": [],
            }
            if table == "instructions":
                row["explicit"] = None
            id_column = "grounding_id" if table == "grounding" else "instruction_id"
            negatives.append({**row, id_column: row_id(table, row)})
        skipped += [
            {
                "source_id": first.source_id,
                "table": table,
                "perspective": "refusal",
                "element_id": None,
                "screenshot_id": screenshot_id,
                "reason": "no_refusal: no phrase from another page that is absent here",
            }
        ] * (per_screenshot - len(chosen))
    return negatives, skipped
