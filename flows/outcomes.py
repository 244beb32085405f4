"""How each source came out of a stage: its counts, or `{"failed": why}` when its task failed as a
whole. One failing source never stops the others: the stage goes on for the rest, the lifecycle leaves
the failed source out of the later stages (its published partitions stay as they were), and the run
ends with SourcesFailed, which names every failed source (the CLI prints them and exits 1)."""

from __future__ import annotations

FAILED = "failed"


class SourcesFailed(RuntimeError):
    """Some sources failed as a whole; `failed` maps each to its stage and reason."""

    def __init__(self, failed: dict[str, str], published: list[str], results: dict | None = None):
        self.failed, self.published, self.results = failed, published, results or {}
        names = ", ".join(f"{sid} ({why})" for sid, why in sorted(failed.items()))
        super().__init__(f"{len(failed)} source(s) failed: {names}")


def failure(exc: BaseException) -> dict[str, str]:
    """The outcome of a source whose task raised `exc`."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return {FAILED: f"{type(exc).__name__}: {first}" if first else type(exc).__name__}


def failed_sources(outcomes: dict[str, dict], stage: str) -> dict[str, str]:
    """source id -> "<stage>: <why>" for the sources that failed in `stage`."""
    return {sid: f"{stage}: {out[FAILED]}" for sid, out in outcomes.items() if FAILED in out}


def run_lines(results: dict[str, dict[str, dict]], failed: dict[str, str]) -> list[str]:
    """What this run did, stage by stage and source by source (its own counts, never the published
    version's), then the sources it left out and why: the first lines of the run's summary."""
    lines = ["this run:"]
    for stage, outcomes in results.items():
        done = [
            f"{sid} " + ", ".join(f"{n} {what}" for what, n in counts.items() if isinstance(n, int))
            for sid, counts in sorted(outcomes.items())
            if FAILED not in counts
        ]
        lines.append(f"  {stage + ':':<10} " + ("; ".join(done) if done else "no source"))
    if failed:
        lines.append("  left out (their published data stays as it was):")
        lines += [f"    {sid}: {why}" for sid, why in sorted(failed.items())]
    return lines
