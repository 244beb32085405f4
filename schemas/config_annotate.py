"""The annotate and audit sections of params.yaml, and the frozen base of every configuration model
(schemas/config.py imports them: callers import them from there).

Only pydantic and the standard library: the CLI imports this before anything heavy."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# The ranges of numbers every setting is declared with (a test walks each numeric field with a value out
# of its range): counts of things to do are 1 or more, limits of time are above 0 (Playwright reads 0 as
# no limit at all), shares and similarities lie in 0..1, pHash radii within the hash's 64 bits.
Count = Annotated[int, Field(ge=1)]
AnyCount = Annotated[int, Field(ge=0)]  # none is allowed: retries, optional extras
Seconds = Annotated[float, Field(gt=0)]
Pause = Annotated[float, Field(ge=0)]  # a wait that may be none
Share = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
Bits = Annotated[int, Field(ge=0, le=64)]


class ModelParams(Frozen):
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "local-vlm"
    api_key_env: str = "GROUNDMILL_MODEL_API_KEY"  # the key is read from this variable, never from params
    max_in_flight: Count = 4  # requests open at once
    batch_size: Count = 16  # elements whose requests are sent together
    max_retries: AnyCount = 3  # on connection errors and 408/409/425/429/5xx
    retry_backoff_s: Pause = 1.0  # doubled per retry; a Retry-After header wins (capped at 60 s)
    timeout_s: Seconds = 120.0
    max_tokens: Count = 400
    max_elements_per_screenshot: Count = 40
    verify: StrictBool = True  # second request: does each phrase pick out only the boxed element?
    price_in_per_mtok: Pause = 0.0  # for the cost estimate, per million tokens
    price_out_per_mtok: Pause = 0.0
    cache_dir: str = "data/cache/model"


class HowtoParams(Frozen):
    """How-to mining: the How2Mine filters a procedure must pass, and when it counts as a UI procedure."""

    min_steps: Count = 4  # top-level steps
    max_steps: Count = 15
    prose_min_steps: Count = 2  # top-level steps of a procedure written as sentences (method prose)
    max_repeat_4gram: Share = 0.30  # share of word 4-grams that repeat an earlier one: at or above, rejected
    max_repeat_3gram: Share = 0.35
    max_repeat_2gram: Share = 0.40
    min_step_chars: AnyCount = 3  # a shorter step rejects its procedure
    max_step_words: Count = 150  # a longer one too
    max_link_share: Share = 0.5  # steps that are nothing but a link: at or above this share, a link list
    min_instruction_share: Share = 0.5  # steps that read as instructions: below this share, rejected
    ui_share: Share = 0.5  # steps that name a control, menu or key: at or above this share, a UI procedure
    noun_goals: StrictBool = False  # keep procedures whose goal is a heading naming a thing ("Quick Mask")


class AnnotateParams(Frozen):
    max_text_chars: Count = 80  # longer names make poor referring expressions
    refusals_per_screenshot: AnyCount = 2  # negative rows borrowed from the source's other pages
    annotator: str = "template"  # or "model": an OpenAI-compatible chat-completions endpoint
    model: ModelParams = ModelParams()
    # Model verification: the endpoint of `model` points at each grounding phrase on its screenshot; a
    # row is kept only when the point falls in its box. Coordinates the model writes: pixels, norm1, norm1000.
    model_check: StrictBool = False
    model_check_coordinates: Literal["pixels", "norm1", "norm1000"] = "pixels"
    howto: HowtoParams = HowtoParams()


class AuditParams(Frozen):
    """groundmill audit: the OCR that reads each screenshot independently of the DOM."""

    ocr_scale: float = Field(default=2.0, gt=0, le=4)  # screenshots are scaled up so small text is read
    ocr_min_conf: float = Field(default=0.0, ge=0, le=100)  # OCR words below this confidence are ignored
    ocr_workers: int = Field(default=2, ge=1)  # tesseract processes at once (one thread each)
    ocr_timeout_s: float = Field(default=300.0, gt=0)
    ocr_cache_dir: str = "data/cache/ocr"  # OCR words by screenshot id: each screenshot is read once
