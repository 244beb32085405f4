"""The lifecycle flow: capture, annotate, curate and publish, in that order."""
from __future__ import annotations

from prefect import flow

from flows.annotate import annotate
from flows.capture import capture
from flows.curate import curate
from flows.publish import publish


@flow(name="lifecycle")
def lifecycle(sources: list[str] | None = None) -> dict[str, dict]:
    """Run every stage for the listed sources (all in sources.yaml by default)."""
    return {
        "capture": capture(sources),
        "annotate": annotate(sources),
        "curate": curate(sources),
        "publish": publish(sources),
    }
