"""One source's elements and screenshots in; verified grounding and instruction rows, skips and books out."""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from schemas.registry import schema
from transforms.annotate.effects import observed_effects
from transforms.annotate.features import build_items
from transforms.annotate.match import Screen
from transforms.annotate.phrases import VARIANTS, Annotator, Phrase, Skip, box_fields
from transforms.annotate.refusal import refusal_rows
from transforms.annotate.scroll import scroll_rows
from transforms.annotate.verify import verify
from transforms.ids import row_id

CHECKED = {"annotator": pl.String, "n_matches": pl.Int32, "quality_flags": pl.List(pl.String)}


@dataclass
class Annotated:
    grounding: pl.DataFrame
    instructions: pl.DataFrame
    skipped: pl.DataFrame
    books: list[dict]  # ledger rows (stage, source and table filled in by the caller)


def phrase_row(phrase: Phrase, annotator: str, n_matches: int, flags: list[str]) -> dict:
    item = phrase.item
    common = {
        "source_id": item.source_id,
        "screenshot_id": item.screenshot_id,
        "element_id": item.element_id,
        "perspective": phrase.perspective,
        "gt_type": "positive",
        "label": item.label,
        "role": item.role,
        **box_fields(item),
        "annotator": annotator,
        "n_matches": n_matches,
        "quality_flags": flags,
    }
    if phrase.table == "grounding":
        row = {**common, "expression": phrase.text, "tag": item.tag, "is_icon": item.is_icon, "origin": None}
        return {**row, "grounding_id": row_id("grounding", row)}
    args = json.dumps(phrase.action_args, ensure_ascii=False, sort_keys=True)
    row = {
        **common,
        "explicit": phrase.explicit,
        "instruction": phrase.text,
        "action_type": phrase.action_type,
        "action_args": args,
    }
    return {**row, "instruction_id": row_id("instructions", row)}


def _skip_row(skip: Skip) -> dict:
    return {
        "source_id": skip.item.source_id,
        "table": skip.table,
        "perspective": skip.variant,
        "element_id": skip.item.element_id,
        "screenshot_id": skip.item.screenshot_id,
        "reason": skip.reason,
    }


def annotate_tables(
    elements: pl.DataFrame,
    screenshots: pl.DataFrame,
    annotator: Annotator,
    refusals_per_screenshot: int,
    captures: pl.DataFrame | None = None,
) -> Annotated:
    """Every element gets, per table and variant, a verified row or a skip with the reason; then scroll
    instructions between a long page's slices and refusal rows borrowed from the source's other pages.
    With the source's `captures`, controls whose effect exploration saw (the dialog an item opened, the
    captured page a link leads to) have it as their function and goal."""
    effects = observed_effects(captures, screenshots, elements) if captures is not None else None
    items = build_items(elements, screenshots, effects)
    screens = {sid: Screen(found) for sid, found in items.items()}
    pngs = (
        dict(screenshots.select("screenshot_id", "png").iter_rows()) if "png" in screenshots.columns else {}
    )
    rows: dict[str, list[dict]] = {"grounding": [], "instructions": []}
    skipped: list[dict] = []
    counts = {(t, v): [0, 0, 0] for t, vs in VARIANTS.items() for v in vs}  # rows_in, rows_out, skipped
    for screenshot_id, screen in screens.items():
        phrases, skips = annotator.annotate(screen, pngs.get(screenshot_id))
        for phrase in phrases:
            n, flags = verify(phrase.text, phrase.item, screen)
            rows[phrase.table].append(phrase_row(phrase, annotator.name, n, [*phrase.flags, *flags]))
            counts[(phrase.table, phrase.variant)][1] += 1
        for skip in skips:
            skipped.append(_skip_row(skip))
            counts[(skip.table, skip.variant)][2] += 1
        for item in screen.items:
            for table in ("grounding", "instructions") if item.interactive else ("grounding",):
                for variant in VARIANTS[table]:
                    counts[(table, variant)][0] += 1
    books = [
        {"table": f"{t}.{v}", "rows_in": i, "rows_out": o, "skipped": s}
        for (t, v), (i, o, s) in counts.items()
    ]

    scrolls, no_scroll = scroll_rows(screens, annotator.name)
    rows["instructions"] += scrolls
    skipped += no_scroll
    books.append(
        {
            "table": "instructions.scroll",
            "rows_in": len(scrolls) + len(no_scroll),
            "rows_out": len(scrolls),
            "skipped": len(no_scroll),
        }
    )
    for table in ("grounding", "instructions"):
        negatives, short = refusal_rows(table, rows[table], screens, refusals_per_screenshot)
        rows[table] += negatives
        skipped += short
        books.append(
            {
                "table": f"{table}.refusal",
                "rows_in": len(negatives) + len(short),
                "rows_out": len(negatives),
                "skipped": len(short),
            }
        )
    return Annotated(
        grounding=pl.DataFrame(rows["grounding"], schema=schema("grounding")),
        instructions=pl.DataFrame(rows["instructions"], schema=schema("instructions")),
        skipped=pl.DataFrame(skipped, schema=schema("skipped")),
        books=books,
    )
