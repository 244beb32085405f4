"""How-to: procedures mined from a source's pages, filtered, typed step by step, and grounded to its screens.

For every page captured ok: the procedures on it (`html.mine_procedures`), each one rejected with
its reason (`filters.rejection`, a `skipped` row) or kept as a `howto` row with its typed steps
(`steps.parse_step`), its topic, its UI flag and, per step, the element its target names on a screen
of the source (`ground`). Grounded steps are also `instructions` rows (perspective `howto`); a step
with a target that is not found gets a `skipped` row saying why. The ledger counts pages, procedures and
grounded steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.config import HowtoParams
from schemas.registry import schema
from transforms.howto.filters import is_ui_procedure, rejection, topic_of
from transforms.howto.ground import SourceScreens, ground_step, instruction_row, source_screens
from transforms.howto.html import Procedure, RawStep, mine_procedures
from transforms.howto.steps import TypedStep, parse_step
from transforms.ids import row_id

__all__ = ["Mined", "mine_howto", "mine_procedures", "step_struct"]


@dataclass
class Mined:
    howto: pl.DataFrame
    instructions: pl.DataFrame
    skipped: pl.DataFrame
    books: list[dict]


def step_struct(raw: RawStep, typed: TypedStep) -> dict:
    """A step as `typed_steps` holds it, before grounding."""
    return {
        "text": raw.text,
        "depth": raw.depth,
        "parent": raw.parent,
        "action": typed.action,
        "action_span": typed.action_span,
        "target": typed.target,
        "target_span": typed.target_span,
        "value": typed.value,
        "value_span": typed.value_span,
        "menu_path": typed.menu_path,
        "menu_span": typed.menu_span,
        "ui": typed.ui,
    }


def _skip(cap: dict, table: str, perspective: str, reason: str) -> dict:
    return {
        "source_id": cap["source_id"],
        "table": table,
        "perspective": perspective,
        "element_id": None,
        "screenshot_id": cap["screenshot_id"] or "",
        "reason": reason,
    }


def _book(table: str, rows_in: int, rows_out: int) -> dict:
    return {"table": table, "rows_in": rows_in, "rows_out": rows_out, "skipped": rows_in - rows_out}


class _Miner:
    def __init__(self, screens: SourceScreens, params: HowtoParams):
        self.screens, self.params = screens, params
        self.howto: list[dict] = []
        self.instructions: list[dict] = []
        self.skipped: list[dict] = []
        self.counts = {"found": 0, "kept": 0, "named": 0, "grounded": 0}

    def page(self, cap: dict) -> bool:
        """Mine one captured page; True when it had any procedure."""
        procedures = mine_procedures(cap["html"] or "")
        for procedure in procedures:
            self.procedure(cap, procedure)
        return bool(procedures)

    def procedure(self, cap: dict, procedure: Procedure) -> None:
        self.counts["found"] += 1
        typed = [parse_step(raw.text, raw.marks) for raw in procedure.steps]
        reason = rejection(procedure, typed, self.params)
        if reason is not None:
            self.skipped.append(_skip(cap, "howto", procedure.method, reason))
            return
        self.counts["kept"] += 1
        texts = procedure.texts
        row = {
            "source_id": cap["source_id"],
            "capture_id": cap["capture_id"],
            "screenshot_id": cap["screenshot_id"],
            "page_path": cap["page_path"],
            "goal": procedure.goal,
            "method": procedure.method,
            "topic": topic_of(procedure.goal, texts),
            "ui_procedure": is_ui_procedure(typed, self.params),
            "steps": texts,
            "n_steps": len(texts),
        }
        row["howto_id"] = row_id("howto", row)
        structs = [step_struct(raw, t) for raw, t in zip(procedure.steps, typed)]
        row["typed_steps"] = [self.ground(cap, row, i, step, procedure) for i, step in enumerate(structs)]
        self.howto.append(row)

    def ground(self, cap: dict, howto: dict, index: int, step: dict, procedure: Procedure) -> dict:
        links = [(s, e) for s, e, k in procedure.steps[index].marks if k == "link"]
        fields, item = ground_step(step, cap["capture_id"], self.screens, links)
        step = step | fields
        if fields["grounding"] != "no_target":
            self.counts["named"] += 1
        if item is not None:
            self.counts["grounded"] += 1
            self.instructions.append(instruction_row(step, index, item, howto))
        elif fields["grounding"] != "no_target":
            where = "on no screen of the source" if fields["grounding"] == "absent" else "on several elements"
            named = step["target"] or step["menu_path"][0]
            reason = f"{fields['grounding']}: how-to step {index + 1}: {named!r} {where}"
            self.skipped.append(_skip(cap, "instructions", "howto", reason))
        return step


def mine_howto(
    captures: pl.DataFrame, screenshots: pl.DataFrame, elements: pl.DataFrame, params: HowtoParams
) -> Mined:
    """Procedures of a source's pages, their grounded steps as instructions, what was set aside and why,
    and the ledger's books (pages, procedures, grounded steps)."""
    first = (
        screenshots.filter(pl.col("part_index") == 0)
        .select("capture_id", "screenshot_id")
        .unique("capture_id")
    )
    # the pages: a desktop state (a how-to replay's screen, an explored window) has no help to mine
    pages = captures.filter((pl.col("status") == "ok") & (pl.col("platform") != "desktop"))
    ok = pages.join(first, on="capture_id", how="left")
    miner = _Miner(source_screens(elements, screenshots, captures), params)
    with_procedures = sum(miner.page(cap) for cap in ok.iter_rows(named=True))
    c = miner.counts
    books = [
        _book("howto_pages", ok.height, with_procedures),
        _book("howto", c["found"], c["kept"]),
        _book("instructions.howto", c["named"], c["grounded"]),
    ]
    return Mined(
        howto=pl.DataFrame(miner.howto, schema=schema("howto")),
        instructions=pl.DataFrame(miner.instructions, schema=schema("instructions")),
        skipped=pl.DataFrame(miner.skipped, schema=schema("skipped")),
        books=books,
    )
