"""An offline HTML gallery of published screenshots with all their boxes: every element (grey) and every
grounding target (coloured by tier), the grounding rows listed beside each screenshot, filterable by
source, tier and perspective.

One page with its style and script inline and the screenshots as files beside it (img/): it loads
nothing from anywhere else (its Content-Security-Policy allows no other source), so it opens the same
offline, from a file share or from a copied folder. Which screenshots it shows is decided by a hash of
their id: the same data gives the same page."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import polars as pl

from transforms.storage import replace_folder_atomic

TIER_COLOURS = {"easy": "#2e7d32", "medium": "#f9a825", "hard": "#d32f2f", "ungraded": "#6d4c41"}

STYLE = """
body{font:14px system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;z-index:2}
header label{margin-right:14px}
.shot{background:#fff;border:1px solid #ddd;margin:12px 16px;padding:10px;display:flex;gap:14px}
.shot[hidden]{display:none}
.frame{position:relative;flex:0 0 min(62%,960px);align-self:flex-start}
.frame img{display:block;width:100%;height:auto}
.frame svg{position:absolute;inset:0;width:100%;height:100%}
rect{fill:none;vector-effect:non-scaling-stroke}
rect.element{stroke:#9e9e9e;stroke-width:1;stroke-dasharray:3 2}
rect.target{stroke-width:2.5}
rect.target.lit{stroke-width:5;fill:rgba(255,255,0,.25)}
body.no-elements rect.element{display:none}
.rows{flex:1;overflow:auto;max-height:80vh}
table{border-collapse:collapse;width:100%;font-size:12px}
td,th{border-bottom:1px solid #eee;padding:3px 5px;text-align:left;vertical-align:top}
tr.row:hover{background:#fff8c4}
.tier{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:4px}
h2{font-size:13px;margin:0 0 6px;word-break:break-all}
"""

SCRIPT = """
const pick = id => document.getElementById(id).value;
function applyFilters() {
  const source = pick('f-source'), tier = pick('f-tier'), perspective = pick('f-perspective');
  let shots = 0, rows = 0;
  for (const shot of document.querySelectorAll('.shot')) {
    const sourceOk = !source || shot.dataset.source === source;
    let shown = 0;
    for (const item of shot.querySelectorAll('[data-row]')) {
      const ok = sourceOk && (!tier || item.dataset.tier === tier)
        && (!perspective || item.dataset.perspective === perspective);
      item.style.display = ok ? '' : 'none';
      if (ok && item.tagName === 'TR') shown++;
    }
    shot.hidden = !sourceOk || ((tier || perspective) && shown === 0);
    if (!shot.hidden) { shots++; rows += shown; }
  }
  document.getElementById('shown').textContent = shots + ' screenshots, ' + rows + ' rows shown';
}
for (const id of ['f-source', 'f-tier', 'f-perspective']) {
  document.getElementById(id).addEventListener('change', applyFilters);
}
document.getElementById('f-elements').addEventListener('change', e => {
  document.body.classList.toggle('no-elements', !e.target.checked);
});
for (const tr of document.querySelectorAll('tr.row')) {
  const boxes = () => tr.closest('.shot').querySelectorAll('rect[data-row="' + tr.dataset.row + '"]');
  tr.addEventListener('mouseenter', () => boxes().forEach(b => b.classList.add('lit')));
  tr.addEventListener('mouseleave', () => boxes().forEach(b => b.classList.remove('lit')));
}
applyFilters();
"""

CSP = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def pick_screenshots(grounding: pl.DataFrame, per_source: int | None, seed: int = 0) -> list[str]:
    """The screenshots with grounding rows, at most `per_source` of each source (those whose seeded hash
    is smallest), in source and hash order."""
    shots = grounding.select("source_id", "screenshot_id").unique()
    ranked = shots.with_columns(
        _rank=pl.col("screenshot_id").map_elements(
            lambda s: hashlib.sha256(f"{seed}:{s}".encode()).hexdigest(), return_dtype=pl.String
        )
    ).sort("source_id", "_rank")
    if per_source is not None:
        ranked = ranked.group_by("source_id", maintain_order=True).head(per_source)
    return ranked.unique("screenshot_id", keep="first", maintain_order=True)["screenshot_id"].to_list()


def _attr(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _box(r: dict) -> str:
    w, h = r["x2"] - r["x1"], r["y2"] - r["y1"]
    return f'x="{r["x1"]:.1f}" y="{r["y1"]:.1f}" width="{w:.1f}" height="{h:.1f}"'


def _shot_html(shot: dict, elements: pl.DataFrame, rows: pl.DataFrame) -> str:
    width, height, sid = shot["width"], shot["height"], shot["screenshot_id"]
    boxes = [
        f'<rect class="element" {_box(e)}><title>{_attr(e["role"])}: {_attr(e["label"])}</title></rect>'
        for e in elements.iter_rows(named=True)
    ]
    table = []
    for k, r in enumerate(rows.iter_rows(named=True)):
        tier = r.get("tier") or "ungraded"
        data = f' data-row="{k}" data-tier="{_attr(tier)}" data-perspective="{_attr(r["perspective"])}"'
        colour = TIER_COLOURS.get(tier, "#333")
        if r["x1"] is not None:
            title = f"<title>{_attr(r['expression'])} ({_attr(r['perspective'])}, {_attr(tier)})</title>"
            boxes.append(f'<rect class="target" {_box(r)} stroke="{colour}"{data}>{title}</rect>')
        table.append(
            f'<tr class="row"{data}><td><span class="tier" style="background:{colour}">'
            f"</span>{_attr(tier)}</td><td>{_attr(r['perspective'])}</td><td>{_attr(r['gt_type'])}</td>"
            f"<td>{_attr(r['expression'])}</td></tr>"
        )
    return (
        f'<section class="shot" data-source="{_attr(shot["source_id"])}" id="s-{sid[:16]}">'
        f'<div class="frame"><img src="img/{sid}.png" width="{width}" height="{height}" alt="{sid[:12]}">'
        f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none">{"".join(boxes)}</svg></div>'
        f'<div class="rows"><h2>{_attr(shot["source_id"])} · {sid[:16]} · {width}×{height} · '
        f"{elements.height} elements, {rows.height} grounding rows</h2>"
        f"<table><tr><th>tier</th><th>perspective</th><th>gt_type</th><th>expression</th></tr>{''.join(table)}"
        "</table></div></section>"
    )


def _select(name: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{_attr(v)}">{_attr(v)}</option>' for v in values)
    return f'<label>{label} <select id="f-{name}"><option value="">all</option>{options}</select></label>'


def gallery_html(
    screenshots: pl.DataFrame, elements: pl.DataFrame, grounding: pl.DataFrame, title: str
) -> str:
    """The page: one section per screenshot (in the order given) with its image, every element's box,
    every grounding target's box and its rows; the filters over them."""
    elements = elements.with_columns(
        label=pl.coalesce(pl.col("text"), pl.col("name"), pl.lit("")).str.slice(0, 60)
        if "text" in elements.columns
        else pl.lit("")
    )
    by_shot_elements = elements.partition_by("screenshot_id", as_dict=True, include_key=True)
    by_shot_rows = grounding.partition_by("screenshot_id", as_dict=True, include_key=True)
    empty_e, empty_g = elements.clear(), grounding.clear()
    sections = [
        _shot_html(
            shot,
            by_shot_elements.get((shot["screenshot_id"],), empty_e),
            by_shot_rows.get((shot["screenshot_id"],), empty_g),
        )
        for shot in screenshots.iter_rows(named=True)
    ]
    tiers = (
        [t for t in (*TIER_COLOURS,) if t in set(grounding["tier"].fill_null("ungraded").to_list())]
        if "tier" in grounding.columns
        else []
    )
    filters = (
        _select("source", "source", sorted(screenshots["source_id"].unique().to_list()))
        + _select("tier", "tier", tiers)
        + _select("perspective", "perspective", sorted(grounding["perspective"].unique().to_list()))
        + '<label><input type="checkbox" id="f-elements" checked> all elements</label>'
        + '<span id="shown"></span>'
    )
    legend = " ".join(
        f'<span class="tier" style="background:{c}"></span>{t}' for t, c in TIER_COLOURS.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{_attr(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><b>{_attr(title)}</b> &nbsp; {filters}<br><small>grey dashed: every element; "
        f"coloured: grounding targets by tier ({legend}); hover a row to light its box</small></header>"
        f"{''.join(sections)}<script>{SCRIPT}</script></body></html>\n"
    )


def write_gallery(
    folder: Path,
    screenshots: pl.DataFrame,
    elements: pl.DataFrame,
    grounding: pl.DataFrame,
    per_source: int | None = 50,
    title: str = "groundmill gallery",
) -> tuple[Path, int]:
    """`folder`/index.html and `folder`/img/<screenshot_id>.png for the picked screenshots, replaced
    whole; returns the page and the screenshots it shows."""
    picked = pick_screenshots(grounding, per_source)
    order = {sid: k for k, sid in enumerate(picked)}
    shots = (
        screenshots.filter(pl.col("screenshot_id").is_in(picked))
        .unique("screenshot_id", keep="first")
        .sort(pl.col("screenshot_id").replace_strict(order, return_dtype=pl.Int64))
    )
    rows = grounding.filter(pl.col("screenshot_id").is_in(picked))
    page = gallery_html(shots, elements.filter(pl.col("screenshot_id").is_in(picked)), rows, title)

    def fill(staging: Path) -> None:
        (staging / "img").mkdir()
        for sid, png in shots.select("screenshot_id", "png").iter_rows():
            (staging / "img" / f"{sid}.png").write_bytes(png)
        (staging / "index.html").write_text(page, encoding="utf-8")

    replace_folder_atomic(folder, fill)
    return folder / "index.html", shots.height
