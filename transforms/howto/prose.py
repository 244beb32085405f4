"""Procedures written as prose: sentences that say, in order, which menu path to open and which control to
click, check, choose or type into, under a goal.

A page's leaf blocks (paragraphs, definitions, items of lists no other method took) are read sentence by
sentence, and each sentence clause by clause: it splits at ", then", "; " and at "and" before an action verb
("Just click the Autosave checkbox, and set the interval"). A clause is a step when it reads as an
instruction and its typed form (`steps.parse_step`) has an action. A goal comes from
- a sentence that opens with it: "To turn on autosave, open Utilities > Global Options …" or "If you want
  to …, …" (goal "To turn on autosave"); its steps are the rest of the sentence and the step sentences after
  it in the same block, up to the next such sentence;
- else the goal heading of the section (`goals.goal_for`): its steps are the first run of step sentences in
  the section, at most one other sentence between two of them (a remark: "The dialog opens.").
A run needs a step naming a control, a menu path or a key; the filters decide how many steps are enough.
Deterministic: the same page gives the same procedures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from transforms.howto.goals import GOAL_VERBS, HEADINGS, clean_goal, goal_for, is_goal
from transforms.howto.steps import ADVERBS, TypedStep, parse_step
from transforms.howto.text import Flat, flatten, hidden
from transforms.howto.verbs import ACTION_OF

LEAVES = ("p", "dd", "li", "div", "body")  # not table cells: key and option tables describe, not instruct
INNER_BLOCKS = {"p", "div", "li", "ol", "ul", "dl", "dd", "table", "pre", "blockquote", *HEADINGS}
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z])")
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "fig.", "approx.", "no.")
GOAL_OPENING = re.compile(
    r"^(?:(?:now|then|next|also),?\s+)?(?:to|(?:if|when) you (?:want|wish|would like|need) to|in order to)"
    r"\s+(?P<goal>[^,:;.]{3,100}?)\s*,\s*",
    re.I,
)
# Where a sentence splits into steps: ", then", "; ", ", and then", and "and" before an action verb.
BREAK = re.compile(  # not the ";" of a key ("press C+;")
    r"\s*(?:,\s*(?:and\s+)?then\s+|\s+and\s+then\s+|(?<!\+);\s+|,?\s+and\s+(?=(?P<verb>[a-z-]+)\b))"
)
COMMA_VERB = re.compile(r",\s+(?=(?P<verb>[a-z-]+)\b)")
LEADING = re.compile(r"^(?:and|then|and then|also|finally|next|now)\s+", re.I)
# A clause that opens an aside ("For example, …", "Alternatively, …") or states a fact ("Undo will remove
# it", "View - Toggle Full Screen is one example") is not a step.
ASIDE = re.compile(r"^(?:for (?:example|instance)|e\.g\.|alternatively|either|or|otherwise|note)\b", re.I)
FACT = re.compile(
    r"^(?:\S+\s+){0,3}(?:is|are|was|were|will|would|can|could|may|might|should|must|has|have|does)\b", re.I
)
ADDRESS = re.compile(r"^(?:you|we)\b", re.I)  # "You can …": a step after a "To …" goal, an option elsewhere
PLACES = {"in", "on", "from", "under", "at", "within", "inside"}  # "On the Manage tab uncheck …"
MAX_GAP = 1  # sentences that are not steps allowed between two steps of a section's run


@dataclass
class Clause:
    """One step-sized piece of a block: its text and marks, and its typed form."""

    flat: Flat
    typed: TypedStep

    @property
    def step(self) -> bool:
        text = self.flat.text
        if ASIDE.match(text) or (FACT.match(text) and not ADDRESS.match(text)):
            return False
        return self.typed.action != "other" and self.typed.instruction

    @property
    def plain_step(self) -> bool:
        """A step that starts with its verb (or the place it acts in), without "you can": what a section's
        run and the sentences after a goal's first take."""
        return self.step and starts_with_verb(self.flat.text)


def starts_with_verb(text: str) -> bool:
    """Does the clause open with an action verb, after adverbs ("just click"), or with a place ("On the
    Manage tab uncheck …")?"""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", text[:80])]
    while words and words[0] in ADVERBS | {"please"}:
        words = words[1:]
    return bool(words) and (words[0] in ACTION_OF or words[0] in GOAL_VERBS or words[0] in PLACES)


def _cut(flat: Flat, start: int, end: int) -> Flat:
    """The piece [start, end) of `flat`, stripped of spaces and leading conjunctions, marks shifted."""
    text = flat.text[start:end]
    lead = len(text) - len(text.lstrip())
    if found := LEADING.match(text[lead:]):
        lead += found.end()
    start, text = start + lead, text[lead:].rstrip()
    marks = [(max(s - start, 0), min(e - start, len(text)), k) for s, e, k in flat.marks]
    return Flat(text, [(s, e, k) for s, e, k in marks if s < e])


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence: a split after . ! ? before a capital, not after an abbreviation."""
    spans, start = [], 0
    for found in SENTENCE_END.finditer(text):
        before = text[start : found.start() + 1].split()
        if before and before[-1].lower() in ABBREVIATIONS:
            continue
        spans.append((start, found.start() + len(found.group().rstrip())))
        start = found.end()
    return spans + [(start, len(text))] if start < len(text) else spans


def clauses(flat: Flat, start: int, end: int) -> list[Clause]:
    """The step-sized clauses of the sentence [start, end) of `flat`."""
    breaks = []  # (end of one piece, start of the next)
    for found in BREAK.finditer(flat.text, start, end):
        verb = found.group("verb")
        if verb is None or verb in ACTION_OF:
            breaks.append((found.start(), found.end()))
    for found in COMMA_VERB.finditer(flat.text, start, end):
        if found.group("verb") in ACTION_OF and starts_with_verb(flat.text[start : found.start()]):
            breaks.append((found.start(), found.start() + 1))  # "navigate to it, click the Favorites button"
    cuts = [start]
    for a, b in sorted(set(breaks)):
        if a >= cuts[-1]:
            cuts += [a, b]
    cuts.append(end)
    out = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        piece = _cut(flat, a, b)
        if piece.text:
            out.append(Clause(piece, parse_step(piece.text, piece.marks)))
    return out


def _leaves(root: lxml.html.HtmlElement, used: set) -> Iterator[lxml.html.HtmlElement]:
    """Blocks that hold text and no other block, shown, and not part of a procedure found before."""
    for node in root.iter(*LEAVES):
        if any(child.tag in INNER_BLOCKS for child in node.iter() if child is not node):
            continue
        if node in used or hidden(node) or any(a in used or hidden(a) for a in node.iterancestors()):
            continue
        if node.tag == "li" and any(a.tag == "ol" for a in node.iterancestors()):
            continue  # ordered lists are the list method's, taken or refused there
        yield node


def _goal_of_sentence(flat: Flat, start: int, end: int) -> tuple[str, int] | None:
    """The goal a sentence opens with ("To …, " / "If you want to …, ") and where its steps start."""
    found = GOAL_OPENING.match(flat.text[start:end])
    if not found:
        return None
    goal, rest = clean_goal(f"To {found.group('goal')}"), start + found.end()
    first = clauses(flat, rest, end)
    starts = first and (starts_with_verb(first[0].flat.text) or ADDRESS.match(first[0].flat.text))
    return (goal, rest) if is_goal(goal) and starts and first[0].step else None


@dataclass
class _Run:
    goal: str
    steps: list[Flat]
    nodes: list
    ui: bool = False
    gap: int = 0


class _Reader:
    def __init__(self, root: lxml.html.HtmlElement):
        self.root = root
        self.found: list[_Run] = []
        self.section: _Run | None = None  # the run under the current section's goal heading
        self.sections_done: set[str] = set()
        self.goals: dict = {}  # block -> its section's goal (goals.goal_for reads the whole page before it)

    def _keep(self, run: _Run | None) -> None:
        if run is not None and run.ui and run.steps and run not in self.found:
            self.found.append(run)

    def block(self, node: lxml.html.HtmlElement) -> None:
        flat = flatten(node)
        if not flat.text:
            return
        own: _Run | None = None
        for start, end in sentences(flat.text):
            opening = _goal_of_sentence(flat, start, end)
            if opening is not None:
                self._keep(own)
                own, start = _Run(opening[0], [], [node]), opening[1]
            elif own is not None and GOAL_OPENING.match(flat.text[start:end]):
                self._keep(own)  # "Now, to enter it, all you do is …": another goal, not stated as one
                own = None
                continue
            pieces = clauses(flat, start, end)
            if own is not None:
                first = opening is not None
                steps = [c for i, c in enumerate(pieces) if (c.step if first and i == 0 else c.plain_step)]
                own.steps += [c.flat for c in steps]
                own.ui |= any(c.typed.ui for c in steps)
            elif node.tag != "li" and not any(a.tag == "td" for a in node.iterancestors()):
                # items of an unordered list under a heading are options, table cells answers or keys
                self.sentence(node, [c for c in pieces if c.plain_step])
        self._keep(own)

    def sentence(self, node: lxml.html.HtmlElement, pieces: list[Clause]) -> None:
        """A sentence of a section with no goal of its own: it carries the section's run on, or breaks it."""
        if node not in self.goals:
            self.goals[node] = goal_for(node, self.root, strong=False)
        goal, run = self.goals[node], self.section
        if run is not None and (run.goal != goal or (not pieces and run.gap >= MAX_GAP)):
            self._keep(run)
            self.sections_done.add(run.goal)
            self.section = run = None
        if not pieces:
            if run is not None:
                run.gap += 1
            return
        if run is None:
            if goal is None or goal in self.sections_done:
                return
            run = self.section = _Run(goal, [], [])
        run.gap = 0
        run.steps += [c.flat for c in pieces]
        run.ui |= any(c.typed.ui for c in pieces)
        if node not in run.nodes:
            run.nodes.append(node)

    def read(self, used: set) -> list[_Run]:
        for node in _leaves(self.root, used):
            self.block(node)
        self._keep(self.section)
        return self.found


def prose_procedures(root: lxml.html.HtmlElement, used: set) -> list[tuple[str, list[Flat], list]]:
    """(goal, steps, blocks) of each procedure written as prose, blocks in `used` left out, in page order."""
    runs = _Reader(root).read(used)
    return [(r.goal, r.steps, r.nodes) for r in sorted(runs, key=lambda r: _order(root, r.nodes[0]))]


def _order(root: lxml.html.HtmlElement, node: lxml.html.HtmlElement) -> int:
    for i, seen in enumerate(root.iter()):
        if seen is node:
            return i
    return -1
