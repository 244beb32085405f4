"""The independent audit of published grounding rows (check), the OCR it reads (ocr), and its report."""

from transforms.audit.check import REASONS, audit_rows, screens_of, summary
from transforms.audit.report import draw_overlay, markdown, sample_rows, write_report

__all__ = [
    "REASONS",
    "audit_rows",
    "draw_overlay",
    "markdown",
    "sample_rows",
    "screens_of",
    "summary",
    "write_report",
]
