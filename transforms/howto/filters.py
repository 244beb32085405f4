"""Which mined procedures are kept (the How2Mine filters), and what each one is about.

A procedure is rejected, with the first reason that applies, when it has
- a goal that names a thing rather than a task ("Quick Mask", "Options": a heading that reads as no goal,
  which only markup that says "these are steps" lets through) unless `noun_goals`, or unless the page's
  schema.org markup names the procedure (`noun_goal`);
- fewer than `min_steps` (`prose_min_steps` for prose) or more than `max_steps` top-level steps
  (`few_steps`, `many_steps`);
- a step shorter than `min_step_chars` characters or longer than `max_step_words` words (`short_step`,
  `long_step`);
- at least `max_link_share` of its steps made of nothing but a link (`link_list`: navigation, a table of
  contents);
- repeated word n-grams: the share of the 4-, 3- or 2-grams of its steps that repeat an earlier one at
  or above `max_repeat_4gram`, `_3gram`, `_2gram` (`repeated_4gram`, …: boilerplate, templated lists);
- fewer than `min_instruction_share` of its steps reading as instructions (`not_instructions`: lists of
  facts, options or notes under a goal-like heading).
A kept procedure is a UI procedure when at least `ui_share` of its steps name a control, a menu path or a
key (How2Mine drops these; a GUI agent needs exactly them). Its topic is the one of a small fixed list whose
words its goal uses most (its steps break ties, and decide when the goal has none), `other` when none.
"""

from __future__ import annotations

import re
from collections import Counter

from schemas.config import HowtoParams
from schemas.datasets import HOWTO_TOPICS
from transforms.howto.goals import is_goal
from transforms.howto.html import Procedure
from transforms.howto.steps import TypedStep

TOPIC_WORDS = {
    "files": "file files save export import pdf folder document documents download attachment format backup",
    "editing": "copy paste cut undo redo delete find replace spelling spell track changes comment edit text "
    "autocorrect autotext",
    "formatting": "font fonts bold italic character paragraph style styles highlight numbering bullets "
    "heading headings indent alignment",
    "tables": "table tables cell cells spreadsheet sheet row rows column columns formula formulas chart "
    "charts database filter sort pivot data range",
    "graphics": "image images layer layers color colors colour photo brush paint selection gradient pixel "
    "pixels drawing draw shape shapes filter blur mask transparency alpha canvas picture",
    "layout": "page pages slide slides header footer border borders margin margins frame frames section "
    "sections master presentation background",
    "settings": "preferences options settings configure customize customise shortcut shortcuts toolbar "
    "toolbars language languages theme tile cache",
    "programming": "python code function functions class module modules script scripts macro macros api "
    "compile debug variable variables logging regex argument arguments sql basic",
    "installation": "install installation installer setup update upgrade uninstall extension extensions "
    "package packages plugin plug-in",
    "accounts": "account accounts password sign login log profile email e-mail user users security "
    "certificate signature",
}
TOPIC_INDEX = {w: t for t, words in TOPIC_WORDS.items() for w in words.split()}


def _grams(texts: list[str], n: int) -> list[tuple[str, ...]]:
    grams = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        grams += [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return grams


def repeated_share(texts: list[str], n: int) -> float:
    """The share of the texts' word n-grams that repeat an earlier one (0 when there are none)."""
    grams = _grams(texts, n)
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def rejection(procedure: Procedure, typed: list[TypedStep], params: HowtoParams) -> str | None:
    """Why the procedure is rejected, as 'code: detail', or None when it passes every filter."""
    top = [i for i, s in enumerate(procedure.steps) if s.depth == 0]
    texts = procedure.texts
    if not (params.noun_goals or procedure.named or is_goal(procedure.goal)):
        return f"noun_goal: {procedure.goal[:60]!r} names no task"
    fewest = params.prose_min_steps if procedure.method == "prose" else params.min_steps
    if len(top) < fewest:
        return f"few_steps: {len(top)} < {fewest}"
    if len(top) > params.max_steps:
        return f"many_steps: {len(top)} > {params.max_steps}"
    if min(len(t) for t in texts) < params.min_step_chars:
        return f"short_step: {min(len(t) for t in texts)} characters < {params.min_step_chars}"
    if (longest := max(len(t.split()) for t in texts)) > params.max_step_words:
        return f"long_step: {longest} words > {params.max_step_words}"
    links = sum(procedure.steps[i].link_only for i in top) / len(top)
    if links >= params.max_link_share:
        return f"link_list: {links:.2f} of the steps are only a link >= {params.max_link_share}"
    for n, limit in (
        (4, params.max_repeat_4gram),
        (3, params.max_repeat_3gram),
        (2, params.max_repeat_2gram),
    ):
        if (share := repeated_share(texts, n)) >= limit:
            return f"repeated_{n}gram: {share:.2f} >= {limit}"
    instructions = sum(typed[i].instruction for i in top) / len(top)
    if instructions < params.min_instruction_share:
        limit = params.min_instruction_share
        return f"not_instructions: {instructions:.2f} of the steps read as instructions < {limit}"
    return None


def is_ui_procedure(typed: list[TypedStep], params: HowtoParams) -> bool:
    return bool(typed) and sum(s.ui for s in typed) / len(typed) >= params.ui_share


def _topic_counts(text: str) -> Counter:
    return Counter(TOPIC_INDEX[w] for w in re.findall(r"[\w-]+", text.lower()) if w in TOPIC_INDEX)


def topic_of(goal: str, texts: list[str]) -> str:
    """The topic whose words the goal uses most (the steps break ties), else the one the steps use most;
    ties go to the earlier topic; `other` when none."""
    from_goal, from_steps = _topic_counts(goal), _topic_counts(" ".join(texts))
    if not from_goal and not from_steps:
        return "other"
    scored = {t: (from_goal.get(t, 0), from_steps.get(t, 0)) for t in HOWTO_TOPICS}
    return max(HOWTO_TOPICS, key=lambda t: (scored[t], -HOWTO_TOPICS.index(t)))
