"""The contracts between stages: one pandera (Polars) model per table, named like the table."""

from schemas.bookkeeping import Duplicates, Ledger, ModelUsage, Quarantine, Rejected, Skipped
from schemas.capture import Captures, ClusteredScreenshots, Elements, ExcludedElements, Screenshots
from schemas.datasets import GradedGrounding, Grounding, Howto, Instructions

__all__ = ["ClusteredScreenshots", "GradedGrounding", "MODELS", "ROW_ID"]

MODELS = {
    "captures": Captures,
    "screenshots": Screenshots,
    "elements": Elements,
    "excluded_elements": ExcludedElements,
    "grounding": Grounding,
    "instructions": Instructions,
    "howto": Howto,
    "quarantine": Quarantine,
    "duplicates": Duplicates,
    "skipped": Skipped,
    "ledger": Ledger,
    "rejected": Rejected,
    "model_usage": ModelUsage,
}
# The column that names one row of each table (used in quarantine and duplicates rows).
ROW_ID = {
    "captures": "capture_id",
    "screenshots": "capture_id",
    "elements": "element_id",
    "excluded_elements": "css_path",
    "grounding": "grounding_id",
    "instructions": "instruction_id",
    "howto": "howto_id",
}
