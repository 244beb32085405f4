"""Annotate: synthesize grounding, instruction and how-to datasets from captured pages."""
