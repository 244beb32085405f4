"""Prefect flows that wire the transforms into the groundmill lifecycle, and the CLI."""
