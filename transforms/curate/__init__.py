"""Curate: validate against the contracts, remove exact duplicates, grade difficulty."""
