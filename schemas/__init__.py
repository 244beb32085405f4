"""The contracts between stages: one pandera (Polars) model per table, named like the table.

The table models load on first use (PEP 562 `__getattr__`): `schemas.config`, which the CLI reads
before anything else, must not pay for importing pandera and Polars."""

from importlib import import_module

__all__ = ["ClusteredScreenshots", "GradedGrounding", "MODELS", "ROW_ID"]

# table -> (module, model class)
_TABLES = {
    "captures": ("schemas.capture", "Captures"),
    "screenshots": ("schemas.capture", "Screenshots"),
    "elements": ("schemas.capture", "Elements"),
    "excluded_elements": ("schemas.capture", "ExcludedElements"),
    "grounding": ("schemas.datasets", "Grounding"),
    "instructions": ("schemas.datasets", "Instructions"),
    "howto": ("schemas.datasets", "Howto"),
    "quarantine": ("schemas.bookkeeping", "Quarantine"),
    "duplicates": ("schemas.bookkeeping", "Duplicates"),
    "skipped": ("schemas.bookkeeping", "Skipped"),
    "ledger": ("schemas.bookkeeping", "Ledger"),
    "rejected": ("schemas.bookkeeping", "Rejected"),
    "model_usage": ("schemas.bookkeeping", "ModelUsage"),
}
_HOMES = {cls: module for module, cls in _TABLES.values()} | {
    "ClusteredScreenshots": "schemas.capture",
    "GradedGrounding": "schemas.datasets",
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


def __getattr__(name: str):
    if name == "MODELS":
        value = {table: getattr(import_module(module), cls) for table, (module, cls) in _TABLES.items()}
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value
