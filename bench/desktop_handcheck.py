"""The desktop hand check's totals (issue 22, Done when: 0 phantom or covered elements and 0 mislabelled
action paths in 5 states per application), from the judgements kept in bench/data/desktop_handcheck.json:

    .venv/bin/python bench/desktop_handcheck.py [JUDGEMENTS]

Each state there was looked at on its overlay (bench/desktop_overlays.py draws them; the checked ones
are in docs/overlays/): `phantom` counts published boxes where the screen shows nothing of the element,
`covered` published elements that a window or popup above hides, `mislabelled` whether what the screen
shows is not what the action path says. Prints per application the states judged and the three totals.
FAILs when nothing was judged or a state is left unjudged; MISS when any total is above 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from checks import Checks  # noqa: E402

JUDGED = ("phantom", "covered", "mislabelled")


def totals(states: list[dict]) -> dict[str, dict[str, int]]:
    """Per application: states, states judged, and the sums of phantom, covered and mislabelled."""
    out: dict[str, dict[str, int]] = {}
    for state in states:
        app = out.setdefault(state["app"], {"states": 0, "judged": 0, **dict.fromkeys(JUDGED, 0)})
        app["states"] += 1
        if all(state.get(k) is not None for k in JUDGED):
            app["judged"] += 1
            for key in JUDGED:
                app[key] += int(state[key])
    return out


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "data" / "desktop_handcheck.json"
    states = json.loads(path.read_text())["states"]
    per_app = totals(states)
    print(f"{'app':<20}{'states':>7}{'judged':>7}{'phantom':>8}{'covered':>8}{'mislabelled':>12}")
    for app, t in sorted(per_app.items()):
        print(
            f"{app:<20}{t['states']:>7}{t['judged']:>7}{t['phantom']:>8}{t['covered']:>8}{t['mislabelled']:>12}"
        )
    all_ = {k: sum(t[k] for t in per_app.values()) for k in ("states", "judged", *JUDGED)}
    print(
        f"{'all':<20}{all_['states']:>7}{all_['judged']:>7}{all_['phantom']:>8}{all_['covered']:>8}{all_['mislabelled']:>12}"
    )
    for state in states:
        if state.get("note"):
            print(f"  {state['app']} {' > '.join(state['action_path']) or 'start'}: {state['note']}")
    checks = Checks()
    checks.require(all_["judged"] > 0, "states judged by hand")
    checks.require(
        all_["judged"] == all_["states"], f"every state judged ({all_['states'] - all_['judged']} not)"
    )
    few = sorted(a for a, t in per_app.items() if t["judged"] < 5)
    print(f"  note   applications with fewer than 5 states judged (all they had): {', '.join(few) or 'none'}")
    for key in JUDGED:
        checks.target(all_[key] == 0, f"0 {key} in the hand check ({all_[key]})")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
