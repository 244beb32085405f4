"""Annotation parameters (params.yaml `annotate`) and the annotator they choose."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AnnotateParams:
    max_text_chars: int = 80  # longer names make poor referring expressions
    refusals_per_screenshot: int = 2  # negative rows borrowed from the source's other pages
    annotator: str = "template"  # or "model": an OpenAI-compatible chat-completions endpoint
    model: dict = field(default_factory=dict)
