"""The independent audit of published grounding rows: each row's flaws, by reason, and the numbers.

It reads only what was published (grounding, elements and screenshots), ignores the flags annotation
stored, and shares no matching code with the annotators. A row is flawed for each of these reasons:
- `box`: the box is degenerate or not inside the image, the click point is outside it, or the box shows
  nothing (one flat colour);
- `hit_test`: a click at the box centre did not land on the element when the page was rendered, or
  another control (not one of the element's ancestors) also lies under the click point;
- `not_visible`: a content word of the phrase (not a role, place, colour, look or action word) is not in
  the screenshot's OCR text (tesseract, independent of the DOM);
- `ambiguous`: the phrase fits more than one visible element; `no_fit`: it fits none, or another one
  (a refusal: `present_on_screen`, it fits something here);
- `mojibake`: the phrase shows the marks of a wrong character set.
Words in scripts the OCR cannot read are counted (`unreadable_words`), not flagged.

A phrase that names the screen its control leads to ('the link to the "Contact" page', 'Open the Page
Setup dialog': leads.py) fits a control that shows that name or that the source's captures show leading
to a screen of that name; the name is not looked for in this screen's OCR text, where the control does
not show it. Where the captures show nothing of where the row's control leads and the phrase quotes the
name (a goal unquoted is read from the control's words as before), the claim cannot be checked: the
control is judged by the claims of kind, place and look alone, and the row counted apart
(`effect_unchecked`), not flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from transforms.audit.colour import Colours
from transforms.audit.leads import observed_leads, quoted_claim, without_name
from transforms.audit.reader import Reading, Thing, fits, read, same_text, simple_fits, thing
from transforms.audit.support import OcrText, unsupported
from transforms.mojibake import mojibake

REASONS = ("box", "hit_test", "not_visible", "ambiguous", "no_fit", "present_on_screen", "mojibake")


@dataclass
class Screen:
    size: tuple[int, int]
    things: list[Thing]
    rows: dict[str, dict]  # element id -> element row
    colours: Colours
    ocr: OcrText | None
    png: bytes | None = None
    min_conf: float = 0.0


def box_reasons(row: dict) -> list[str]:
    x1, y1, x2, y2 = row["x1"], row["y1"], row["x2"], row["y2"]
    inside = x1 >= 0 and y1 >= 0 and x2 <= row["image_width"] and y2 <= row["image_height"]
    sound = x2 - x1 >= 1 and y2 - y1 >= 1
    clicked = x1 <= row["click_x"] <= x2 and y1 <= row["click_y"] <= y2
    return [] if inside and sound and clicked else ["box"]


def hit_reasons(row: dict, screen: Screen) -> list[str]:
    target = screen.rows.get(row["element_id"])
    if target is None or not target["center_hit"]:
        return ["hit_test"]
    x, y, path = row["click_x"], row["click_y"], target["css_path"]
    for other in screen.rows.values():
        if other is target or not other["interactive"]:
            continue
        if (
            other["x1"] <= x <= other["x2"]
            and other["y1"] <= y <= other["y2"]
            and not path.startswith(other["css_path"] + ">")
        ):
            return ["hit_test"]
    return []


def _target(row: dict, screen: Screen) -> Thing | None:
    return next((t for t in screen.things if t.element_id == row["element_id"]), None)


def _shows_name(reading: Reading, target: Thing | None, screen: Screen) -> bool:
    """Whether the row's control itself shows the name a claim about another screen gives."""
    own = replace(reading, effect=None)
    return target is not None and bool(simple_fits(own, [target], screen.size, screen.colours))


def unchecked(row: dict, reading: Reading, target: Thing | None, screen: Screen) -> bool:
    """A claim about another screen, its name quoted, that the captures cannot check for this control:
    they show nowhere it leads, and it does not show the name itself; its claims of kind, place and look
    hold. (A goal that names no screen in quotes is read as before: from the control's own words.)"""
    if not quoted_claim(row["expression"]) or target is None or target.leads:
        return False
    if _shows_name(reading, target, screen):
        return False
    bare = replace(reading, name=None, words=(), form=None, effect=None)
    return bool(simple_fits(bare, [target], screen.size, screen.colours))


def fit_reasons(row: dict, screen: Screen) -> tuple[list[str], list[str]]:
    """(ids of the visible elements the phrase fits, reasons)."""
    reading = read(row["expression"])
    found = [t.element_id for t in fits(reading, screen.things, screen.size, screen.colours)]
    if row["gt_type"] == "negative":
        return found, ["present_on_screen"] if found else []
    if row["element_id"] not in found and unchecked(row, reading, _target(row, screen), screen):
        return [*found, row["element_id"]], ["ambiguous"] if found else []
    if len(found) > 1:
        return found, ["ambiguous"]
    if found != [row["element_id"]]:
        return found, ["no_fit"]
    return found, []


PAD, INSET = 6, 2  # a box is read again with this margin around it, and this far inside it


def closer_regions(row: dict, screen: Screen, missing: list[str]) -> list[tuple[int, int, int, int]]:
    """Where to read again for the missing words: the target, and the elements whose name holds them
    (a landmark)."""
    width, height = screen.size
    boxes = [(row["x1"], row["y1"], row["x2"], row["y2"])]
    boxes += [t.box for t in screen.things if any(w in same_text(t.label) for w in missing)][:3]
    regions = []
    for x1, y1, x2, y2 in boxes:
        for d in (-PAD, INSET):  # around the box, and just inside it (a button's border is no text)
            region = (
                max(0, int(x1) + d),
                max(0, int(y1) + d),
                min(width, int(x2) - d),
                min(height, int(y2) - d),
            )
            if region[2] > region[0] and region[3] > region[1]:
                regions.append(region)
    return regions


def audit_row(row: dict, screen: Screen | None) -> dict:
    """The audit's verdict on one grounding row."""
    reasons = ["mojibake"] if mojibake(row["expression"]) else []
    missing: list[str] = []
    unreadable: list[str] = []
    found: list[str] = []
    unsure = False
    if screen is None:
        reasons.append("no_fit" if row["gt_type"] == "positive" else "present_on_screen")
    else:
        found, more = fit_reasons(row, screen)
        reasons += more
        if row["gt_type"] == "positive":
            shows = not screen.colours.blank((row["x1"], row["y1"], row["x2"], row["y2"]))
            reasons += (box_reasons(row) if shows else ["box"]) + hit_reasons(row, screen)
            reading, target = read(row["expression"]), _target(row, screen)
            unsure = unchecked(row, reading, target, screen)
            if screen.ocr is not None:
                elsewhere = quoted_claim(row["expression"]) or (target and reading.effect in target.leads)
                shown = not elsewhere or _shows_name(reading, target, screen)
                said = row["expression"] if shown else without_name(row["expression"])
                missing, unreadable = unsupported(said, screen.ocr)
                reasons += ["not_visible"] if missing else []
    return {
        "audit_reasons": sorted(set(reasons), key=REASONS.index),
        "audit_fits": len(found),
        "fit_ids": found,
        "missing_words": missing,
        "unreadable_words": unreadable,
        "effect_unchecked": unsure,
    }


def screens_of(
    elements: pl.DataFrame,
    screenshots: pl.DataFrame,
    ocr_words: Callable[[str, bytes], list[dict]] | None,
    min_conf: float,
    captures: pl.DataFrame | None = None,
) -> dict[str, Screen]:
    """The audit's view of each screenshot: its elements, pixels and OCR text, and with the source's
    `captures` (and `screenshots` with their capture_id) where its controls lead."""
    leads = observed_leads(captures, screenshots, elements) if captures is not None else {}
    by_shot: dict[str, list[dict]] = {}
    for row in elements.iter_rows(named=True):
        by_shot.setdefault(row["screenshot_id"], []).append(row)
    screens = {}
    for shot in screenshots.iter_rows(named=True):
        rows = by_shot.get(shot["screenshot_id"], [])
        words = ocr_words(shot["screenshot_id"], shot["png"]) if ocr_words else None
        screens[shot["screenshot_id"]] = Screen(
            size=(shot["width"], shot["height"]),
            things=[thing(r, leads.get(r["element_id"], frozenset())) for r in rows],
            rows={r["element_id"]: r for r in rows},
            colours=Colours(shot["png"]),
            ocr=OcrText(words, min_conf) if words is not None else None,
            png=shot["png"],
            min_conf=min_conf,
        )
    return screens


VERDICT = {
    "audit_reasons": pl.List(pl.String),
    "audit_fits": pl.Int32,
    "fit_ids": pl.List(pl.String),
    "missing_words": pl.List(pl.String),
    "unreadable_words": pl.List(pl.String),
    "effect_unchecked": pl.Boolean,
}


Regions = Callable[[dict[str, tuple[bytes, list]]], dict[str, dict]]


def audit_rows(
    grounding: pl.DataFrame, screens: dict[str, Screen], regions: Regions | None = None
) -> pl.DataFrame:
    """The grounding rows with the audit's verdict columns (VERDICT) and `flawed`. With `regions`
    ({screenshot id: (png, boxes)} -> {screenshot id: {box: words}}), words the page-wide OCR missed are
    looked for again in a closer read of the target and of the elements that show them."""
    rows = list(grounding.iter_rows(named=True))
    verdicts = [audit_row(r, screens.get(r["screenshot_id"])) for r in rows]
    if regions is not None:
        _look_closer(rows, verdicts, screens, regions)
    frame = pl.DataFrame(verdicts, schema=VERDICT) if verdicts else pl.DataFrame(schema=VERDICT)
    return pl.concat([grounding, frame], how="horizontal").with_columns(
        flawed=pl.col("audit_reasons").list.len() > 0
    )


def _look_closer(
    rows: list[dict], verdicts: list[dict], screens: dict[str, Screen], regions: Regions
) -> None:
    wanted: dict[str, tuple[bytes, list]] = {}
    asked = {}
    for k, (row, verdict) in enumerate(zip(rows, verdicts)):
        if verdict["missing_words"]:
            screen = screens[row["screenshot_id"]]
            asked[k] = closer_regions(row, screen, verdict["missing_words"])
            wanted.setdefault(row["screenshot_id"], (screen.png, []))[1].extend(asked[k])
    read = regions(wanted) if wanted else {}
    for k, boxes in asked.items():
        row, verdict = rows[k], verdicts[k]
        screen = screens[row["screenshot_id"]]
        closer = OcrText([w for b in boxes for w in read[row["screenshot_id"]][b]], screen.min_conf)
        verdict["missing_words"] = [w for w in verdict["missing_words"] if not closer.has(w)]
        if not verdict["missing_words"]:
            verdict["audit_reasons"] = [r for r in verdict["audit_reasons"] if r != "not_visible"]


def summary(rows: pl.DataFrame) -> pl.DataFrame:
    """Per perspective (then "all"): rows, flawed rows, flaw rate, rows per reason, unreadable rows, rows
    whose claim about another screen could not be checked."""

    def stats(frame: pl.DataFrame, name: str) -> dict:
        n = frame.height
        flawed = int(frame["flawed"].sum()) if n else 0
        out = {
            "perspective": name,
            "rows": n,
            "flawed": flawed,
            "flaw_rate": round(flawed / n, 4) if n else 0.0,
        }
        for reason in REASONS:
            out[reason] = frame.filter(pl.col("audit_reasons").list.contains(reason)).height if n else 0
        out["unreadable"] = frame.filter(pl.col("unreadable_words").list.len() > 0).height if n else 0
        out["effect_unchecked"] = int(frame["effect_unchecked"].sum()) if n else 0
        return out

    perspectives = sorted(set(rows["perspective"].to_list()))
    out = [stats(rows.filter(pl.col("perspective") == p), p) for p in perspectives]
    out.append(stats(rows, "all"))
    return pl.DataFrame(out)
