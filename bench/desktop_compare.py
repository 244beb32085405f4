"""The desktop bench's before → after table (issue 22, point 9) from two tables bench/desktop_table.py wrote:

    .venv/bin/python bench/desktop_compare.py bench/data/desktop_before.json bench/data/desktop_after.json

Prints a Markdown table, one row per application of either run, each cell `before → after`: states,
dialogs reached, elements per state, seconds per state, peak MiB, the alignment figure, the grounding rows
that quote a name OCR does not find, the failure rows; then each run's totals and the dialogs reached
after. Exits 1 when a table has no application.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

COLUMNS = ("states", "dialogs", "el/state", "s/state", "peak MiB", "alignment", "undrawn quoted", "failures")


def cells(row: dict | None) -> list[str]:
    """One run's cells of an application (`—` where the run did not have it)."""
    if row is None:
        return ["—"] * len(COLUMNS)
    align = (
        f"{row['align_found']}/{row['align_checked']} = {row['align']:.2f}" if row["align_checked"] else "n/a"
    )
    undrawn = (
        f"{row['undrawn_rows']}/{row['quoting_rows']} = {row['undrawn_share']:.1%}"
        if row["quoting_rows"]
        else "n/a"
    )
    kinds = ", ".join(
        f"{sum(m.startswith(k + ':') for m in row['failure_messages']) or ''} {k}".strip()
        for k in row["failure_kinds"]
    )
    return [
        str(row["states"]),
        str(row["dialogs"]),
        f"{row['elements_per_state']:.1f}",
        "n/a" if row["seconds_per_state"] is None else f"{row['seconds_per_state']:.1f}",
        str(row["peak_mib"] or "n/a"),
        align,
        undrawn,
        kinds or "0",
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    before, after = ({r["app"]: r for r in json.loads(Path(p).read_text())["apps"]} for p in argv)
    if not before or not after:
        print("FAIL: a table has no application")
        return 1
    print("| app | toolkit | " + " | ".join(COLUMNS) + " |")
    print("| --- " * (len(COLUMNS) + 2) + "|")
    for app in sorted(before.keys() | after.keys()):
        old, new = cells(before.get(app)), cells(after.get(app))
        toolkit = (after.get(app) or before.get(app))["toolkit"] or ""
        print(f"| {app} | {toolkit} | " + " | ".join(f"{o} → {n}" for o, n in zip(old, new)) + " |")
    for name, table in (("before", before), ("after", after)):
        states = sum(r["states"] for r in table.values())
        reached = sum(r["states"] > 0 for r in table.values())
        print(f"\n{name}: states {states}, applications with states {reached} of {len(table)}")
    names = "; ".join(
        f"{a}: {', '.join(r['dialog_names'])}" for a, r in sorted(after.items()) if r["dialog_names"]
    )
    print(f"\nDialogs reached after: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
