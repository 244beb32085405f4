"""Contracts for the synthesized datasets: grounding, instructions, howto."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.boxes import Target
from schemas.capture import HEX32, HEX64

ACTION_TYPES = ["click", "type", "select", "hover", "scroll", "drag", "press"]
# Perspectives an annotator phrases for each element; a row may also be a refusal, an imported record or
# a grounded how-to step.
PHRASED_PERSPECTIVES = ["text", "appearance", "function", "spatial", "intent"]
PERSPECTIVES = [*PHRASED_PERSPECTIVES, "refusal", "imported", "howto"]
GT_TYPES = ["positive", "negative"]
QUALITY_FLAGS = [
    "unverifiable",
    "no_match",
    "ambiguous",
    "wrong_target",
    "present_on_screen",
    "degenerate_box",
    "box_outside_image",
    "centre_not_hit",
    "model_rejected",
    "model_missed",
]
TIERS = ["easy", "medium", "hard"]


class Phrased(Target):
    """A phrase's row: which element it names, from which perspective, and what verification found."""

    source_id: str
    screenshot_id: str = pa.Field(str_matches=HEX64)
    element_id: str = pa.Field(str_matches=HEX32, nullable=True)
    perspective: str = pa.Field(isin=PERSPECTIVES)
    gt_type: str = pa.Field(isin=GT_TYPES)
    label: str
    role: str
    annotator: str
    n_matches: pl.Int32 = pa.Field(ge=0)
    quality_flags: pl.List(pl.String)

    @pa.dataframe_check
    def refusals_have_no_target(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A positive row names an element and has a box; a negative row (a refusal, or an imported
        negative) has neither."""
        negative = pl.col("gt_type") == "negative"
        may_be_negative = pl.col("perspective").is_in(["refusal", "imported"])
        refusal = pl.col("perspective") == "refusal"
        return data.lazyframe.select(
            (~negative | may_be_negative)
            & (~refusal | negative)
            & (negative == pl.col("element_id").is_null())
            & (negative == pl.col("x1").is_null())
        )

    @pa.dataframe_check
    def known_flags(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every quality flag is one verification knows."""
        return data.lazyframe.select(
            pl.col("quality_flags").list.eval(pl.element().is_in(QUALITY_FLAGS)).list.all()
        )


class Grounding(Phrased):
    grounding_id: str = pa.Field(str_matches=HEX32)
    expression: str = pa.Field(str_length={"min_value": 1})
    tag: str
    is_icon: bool
    origin: str = pa.Field(nullable=True)  # an imported row's original record, as JSON

    class Config:
        strict = True


class GradedGrounding(Grounding):
    """Grounding rows after curation, with their difficulty (null for refusal rows, which have no box)."""

    area_ratio: float = pa.Field(gt=0, le=1, nullable=True)
    distractors: pl.Int32 = pa.Field(ge=0)
    clutter: pl.Int32 = pa.Field(ge=0)
    difficulty: float = pa.Field(ge=0, le=1, nullable=True)
    tier: str = pa.Field(isin=TIERS, nullable=True)


# The keys an instruction's `action_args` JSON object may hold, typed: exports carry them as this struct
# (a key the object lacks is null there). A new key an annotator writes is added here first.
ACTION_ARGS = pl.Struct(
    {
        "text": pl.String,  # type: the text typed
        "option": pl.String,  # select: the option chosen
        "direction": pl.String,  # scroll: which way
        "to": pl.String,  # scroll: what comes into view
        "value": pl.String,  # a how-to step: the text typed or the key pressed
        "menu_path": pl.List(pl.String),  # a how-to step: the menus opened, in order
        "howto_id": pl.String,  # a how-to step: its procedure
        "step": pl.Int32,  # and its index there
        "goal": pl.String,  # and the procedure's goal
    }
)


class Instructions(Phrased):
    instruction_id: str = pa.Field(str_matches=HEX32)
    explicit: bool = pa.Field(nullable=True)
    instruction: str = pa.Field(str_length={"min_value": 1})
    action_type: str = pa.Field(isin=ACTION_TYPES)
    action_args: str

    @pa.check("action_args")
    def is_json_object(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """action_args is a JSON object."""
        return data.lazyframe.select(
            pl.col(data.key).str.json_path_match("$").str.starts_with("{").fill_null(False)
        )

    class Config:
        strict = True


# How-to: where a procedure was found, what each step does, and whether its target was found on a screen.
HOWTO_METHODS = ["json_ld", "microdata", "procedure", "list", "step_headings", "numbered_paragraphs", "prose"]
STEP_ACTIONS = ["click", "menu", "type", "select", "key", "drag", "open", "other"]
STEP_GROUNDING = ["grounded", "absent", "ambiguous", "no_target"]
HOWTO_TOPICS = [
    "files",
    "editing",
    "formatting",
    "tables",
    "graphics",
    "layout",
    "settings",
    "programming",
    "installation",
    "accounts",
    "other",
]
SPAN = pl.List(pl.Int32)  # [start, end) into the step's text, or null
TYPED_STEP = pl.Struct(
    {
        "text": pl.String,
        "depth": pl.Int32,  # 0 for a step, 1 for a sub-step (a nested list), ...
        "parent": pl.Int32,  # index of the step a sub-step belongs to; null at depth 0
        "action": pl.String,
        "action_span": SPAN,
        "target": pl.String,  # the control acted on, as the step names it
        "target_span": SPAN,
        "value": pl.String,  # the text typed or the key pressed
        "value_span": SPAN,
        "menu_path": pl.List(pl.String),  # empty when the step names no menu path
        "menu_span": SPAN,
        "ui": pl.Boolean,  # the step names a control, a menu path or a key
        "grounding": pl.String,
        "n_matches": pl.Int32,  # elements with the target's name on the screen looked at
        "element_id": pl.String,
        "screenshot_id": pl.String,
        "x1": pl.Float64,
        "y1": pl.Float64,
        "x2": pl.Float64,
        "y2": pl.Float64,
    }
)


def _each_step(expr: pl.Expr) -> pl.Expr:
    """True where `expr` (over one step's struct, `pl.element()`) holds for every step of the row."""
    return pl.col("typed_steps").list.eval(expr).list.all()


def _span_ok(name: str) -> pl.Expr:
    span = pl.element().struct.field(name)
    start, end = span.list.get(0, null_on_oob=True), span.list.get(1, null_on_oob=True)
    length = pl.element().struct.field("text").str.len_chars()
    return span.is_null() | ((span.list.len() == 2) & (start >= 0) & (start < end) & (end <= length))


class Howto(pa.DataFrameModel):
    """A procedure: its goal, its steps (texts in `steps`; parsed and grounded in `typed_steps`, one struct
    per step in the same order), how it was found, its topic, and whether it is a UI procedure."""

    howto_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    capture_id: str = pa.Field(str_matches=HEX32)
    screenshot_id: str = pa.Field(str_matches=HEX64, nullable=True)
    page_path: str
    goal: str = pa.Field(str_length={"min_value": 1})
    method: str = pa.Field(isin=HOWTO_METHODS)
    topic: str = pa.Field(isin=HOWTO_TOPICS)
    ui_procedure: bool
    replayed: bool = pa.Field(nullable=True)  # replayed to its end in its application; null: not tried
    steps: pl.List(pl.String)
    n_steps: pl.Int32 = pa.Field(ge=1)
    typed_steps: pl.List(TYPED_STEP)

    @pa.dataframe_check
    def steps_counted(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """n_steps is the length of steps, and typed_steps holds the same texts in the same order."""
        texts = pl.col("typed_steps").list.eval(pl.element().struct.field("text"))
        return data.lazyframe.select(
            (pl.col("steps").list.len() == pl.col("n_steps")) & (texts == pl.col("steps"))
        )

    @pa.dataframe_check
    def steps_typed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every step has a known action and grounding state, and spans inside its text."""
        step = pl.element().struct
        known = step.field("action").is_in(STEP_ACTIONS) & step.field("grounding").is_in(STEP_GROUNDING)
        spans = [_span_ok(n) for n in ("action_span", "target_span", "value_span", "menu_span")]
        return data.lazyframe.select(_each_step(pl.all_horizontal(known, *spans)))

    @pa.dataframe_check
    def grounded_steps_have_a_box(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A grounded step names its element, screenshot and box; any other step none of them."""
        step = pl.element().struct
        grounded = step.field("grounding") == "grounded"
        named = [step.field(c).is_not_null() for c in ("element_id", "screenshot_id", "x1", "y1", "x2", "y2")]
        return data.lazyframe.select(_each_step(pl.all_horizontal([grounded == n for n in named])))

    class Config:
        strict = True


# Navigation tasks (trajectories): an instruction and, per step, the screen it starts from, the action and
# its target's box. `desktop`: an explored state reached by two or more actions; `web`: a link on one
# captured page to another; `replayed`: a how-to procedure replayed to its end in its application.
TRAJECTORY_KINDS = ["desktop", "web", "replayed"]
TRAJECTORY_ACTIONS = ["click", "right_click", "type", "key"]
TRAJECTORY_STEP = pl.Struct(
    {
        "step": pl.Int32,  # 1, 2, ... in order
        "action": pl.String,  # click, type (a value into a field), key (pressed: no target)
        "path_step": pl.String,  # the action as the path writes it: menu:File, item:Print…, link:Contact
        "target": pl.String,  # the label it acts on
        "value": pl.String,  # replayed: the text typed or the key pressed
        "howto_step": pl.Int32,  # replayed: the procedure's step it comes from (1, 2, ...)
        "words": pl.String,  # replayed: that step's own words
        "screenshot_id": pl.String,  # the screen the step starts from
        "element_id": pl.String,  # its target there
        "x1": pl.Float64,
        "y1": pl.Float64,
        "x2": pl.Float64,
        "y2": pl.Float64,
    }
)


class Trajectories(pa.DataFrameModel):
    """A multi-step navigation task: its instruction (`goal`), the state or page it ends on, and its steps."""

    trajectory_id: str = pa.Field(str_matches=HEX32)
    source_id: str
    kind: str = pa.Field(isin=TRAJECTORY_KINDS)
    howto_id: str = pa.Field(str_matches=HEX32, nullable=True)  # replayed: the procedure
    capture_id: str = pa.Field(str_matches=HEX32)  # the state or page reached
    screenshot_id: str = pa.Field(str_matches=HEX64)  # its screen
    goal: str = pa.Field(str_length={"min_value": 1})
    path: pl.List(pl.String)  # the steps' actions, in order
    n_steps: pl.Int32 = pa.Field(ge=1)
    steps: pl.List(TRAJECTORY_STEP)

    @pa.dataframe_check
    def steps_counted(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """n_steps is the length of steps and of path, and the steps act in the path's order."""
        acts = pl.col("steps").list.eval(pl.element().struct.field("path_step"))
        return data.lazyframe.select(
            (pl.col("steps").list.len() == pl.col("n_steps")) & (acts == pl.col("path"))
        )

    @pa.dataframe_check
    def steps_grounded(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every step names its screen and a known action; each but a key pressed its element and a box
        with x1 < x2 and y1 < y2."""
        step = pl.element().struct
        boxed = (
            step.field("element_id").is_not_null()
            & (step.field("x1") < step.field("x2")).fill_null(False)
            & (step.field("y1") < step.field("y2")).fill_null(False)
        )
        ok = (
            step.field("screenshot_id").str.contains(r"^[0-9a-f]{64}$").fill_null(False)
            & step.field("action").is_in(TRAJECTORY_ACTIONS).fill_null(False)
            & ((step.field("action") == "key").fill_null(False) | boxed)
        )
        return data.lazyframe.select(pl.col("steps").list.eval(ok).list.all())

    class Config:
        strict = True
