"""Link-purpose phrases on real pages: how many name the link otherwise than it is drawn.

    .venv/bin/python bench/link_names.py --capture DIR [--pages 20] [--show 10]

DIR is a source's capture folder (`data/interim/capture/<source>/` of a project that captured it, e.g. the
readability corpus of /work/shared/corpus). Its first `--pages` captured pages (by page path; 0: all) are
read into annotate's screen model (`features.build_items`, with the effects exploration saw), and every
link's function phrase ("the link to the … page") and goal ("go to the … page") is read for the name it
gives. A name taken from the link itself must be a substring of the link's drawn text, spelled and cased
as drawn; the share that is not is printed with examples. A name in quotes is the page the link was seen
to lead to (its title or heading there), not the link's own words, and is counted apart. FAILs when no
link-purpose phrase was found.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402

from transforms.annotate.features import build_items  # noqa: E402

NAMED = re.compile(r"^(?:the link to|go to) the (?P<name>.+) (?:page|section)$")
SHOTS = ["screenshot_id", "capture_id", "part_index", "width", "height"]


def read_capture(folder: Path, pages: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(captures, screenshots without pixels, elements) of the first `pages` captured pages."""
    captures = pl.read_parquet(folder / "captures.parquet").filter(pl.col("status") == "ok")
    captures = captures.sort("page_path")
    if pages:
        captures = captures.head(pages)
    ids = captures["capture_id"].implode()
    shots = pl.read_parquet(folder / "screenshots.parquet", columns=SHOTS).filter(
        pl.col("capture_id").is_in(ids)
    )
    elements = pl.read_parquet(folder / "elements.parquet").filter(pl.col("capture_id").is_in(ids))
    return captures, shots, elements


def link_phrases(captures: pl.DataFrame, shots: pl.DataFrame, elements: pl.DataFrame) -> list[dict]:
    """Each link-purpose phrase: the phrase, the name it gives, the link's drawn text, whether the name is
    quoted (a page the link was seen to lead to)."""
    try:  # the effects exploration saw (absent before they existed)
        from transforms.annotate.effects import observed_effects

        effects = observed_effects(captures, shots, elements)
        screens = build_items(elements, shots, effects)
    except ImportError:
        screens = build_items(elements, shots)
    found = []
    for items in screens.values():
        for item in items:
            if item.noun != "link":
                continue
            drawn = item.row.get("text") or ""
            for phrase in (item.function, item.goal):
                m = NAMED.match(phrase or "")
                if m is None:
                    continue
                name = m["name"]
                quoted = len(name) > 1 and name[0] == name[-1] == '"'
                found.append({"phrase": phrase, "name": name, "drawn": drawn, "effect": quoted})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", type=Path, required=True, help="a source's capture folder")
    parser.add_argument("--pages", type=int, default=20, help="pages read, in page-path order (0: all)")
    parser.add_argument("--show", type=int, default=10, help="examples of misspelt names shown")
    args = parser.parse_args()
    checks = Checks()
    captures, shots, elements = read_capture(args.capture, args.pages)
    found = link_phrases(captures, shots, elements)
    own = [f for f in found if not f["effect"]]
    wrong = [f for f in own if f["name"] not in f["drawn"]]
    print(f"pages {captures.height}, links {elements.filter(pl.col('role') == 'link').height}")
    print(f"link-purpose phrases: {len(found)} ({len(found) - len(own)} name the page the link leads to)")
    share = len(wrong) / max(len(own), 1)
    print(f"named by the link's own words: {len(own)}; name not as drawn: {len(wrong)} ({share:.0%})")
    for f in wrong[: args.show]:
        print(f"  {f['phrase']!r} for {f['drawn']!r}")
    for f in [f for f in found if f["effect"]][: args.show]:
        print(f"  effect: {f['phrase']!r} for {f['drawn']!r}")
    checks.require(bool(found), "link-purpose phrases found")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
