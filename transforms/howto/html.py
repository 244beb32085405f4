"""Procedures in a page's HTML: a goal and its ordered steps, from whichever form the page writes them in.

In order, each list or step used once:
- `microdata`: schema.org HowTo, HowToSection or Recipe items and their HowToStep / recipeInstructions;
- `procedure`: DocBook procedures (`div.procedure`, `ol.procedure`), titled "Procedure 6.1. …";
- `list`: an ordered list under a goal heading or a goal-like title;
- `step_headings`: headings or paragraphs "Step 1 …", "Step 2 …";
- `numbered_paragraphs`: sibling paragraphs "1. …", "2. …";
- `json_ld`: schema.org HowTo or Recipe in JSON-LD (kept only when the page does not show the same steps);
- `prose`: sentences that give the steps in order under a goal, in blocks no other method took (`prose`).
Nested lists become sub-steps (depth 1, 2, … with the index of their parent step); a list whose last step
ends in a colon takes the unordered list right after it as that step's sub-steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from transforms.howto.goals import HEADINGS, clean_goal, goal_for, title_goal
from transforms.howto.jsonld import jsonld_procedures
from transforms.howto.prose import prose_procedures
from transforms.howto.text import Flat, flatten, hidden

STEP_LABEL = re.compile(r"^\s*step\s*(\d+)\s*(?:of\s+\d+\s*)?[:.)\-–—]?\s*", re.I)
NUMBERED = re.compile(r"^\s*\(?(\d{1,2})[.)]\s+(?=\S)")
SCHEMA = "schema.org/"


@dataclass
class RawStep:
    text: str
    depth: int = 0
    parent: int | None = None
    marks: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def link_only(self) -> bool:
        """The step is nothing but a link (a navigation list, not steps)."""
        linked = sum(e - s for s, e, k in self.marks if k == "link")
        return linked >= 0.9 * len(self.text.replace(" ", "")) > 0


@dataclass
class Procedure:
    goal: str
    method: str
    steps: list[RawStep]
    named: bool = False  # the goal is the name the page's markup gives the procedure (schema.org `name`)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.steps]


def _step(flat: Flat, depth: int, parent: int | None) -> RawStep:
    return RawStep(flat.text, depth, parent, flat.marks)


def _item_type(node: lxml.html.HtmlElement) -> str:
    kind = node.get("itemtype") or ""
    return kind.rsplit("/", 1)[-1] if SCHEMA in kind else ""


def list_steps(
    items: list, depth: int = 0, parent: int | None = None, out: list | None = None
) -> list[RawStep]:
    """Steps of list items (nested lists as sub-steps), in document order."""
    out = [] if out is None else out
    for li in items:
        if hidden(li):
            continue
        flat = flatten(li)
        nested = [n for n in li if n.tag in ("ol", "ul") and not hidden(n)]
        if not flat.text and not nested:
            continue
        here = parent
        if flat.text:
            out.append(_step(flat, depth, parent))
            here = len(out) - 1
        for sub in nested:
            list_steps(sub.findall("li"), depth + 1 if flat.text else depth, here, out)
    return out


def _numbers_on(node: lxml.html.HtmlElement | None) -> bool:
    """An ordered list that continues the numbering of one before it (<ol start="5">)."""
    return node is not None and node.tag == "ol" and (node.get("start") or "1").strip() not in ("", "1")


def _next_element(node: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The next sibling element that shows something (empty anchors and spacers skipped)."""
    following = node.getnext()
    while following is not None and (not isinstance(following.tag, str) or not flatten(following).text):
        if isinstance(following.tag, str) and following.tag in ("ol", "ul"):
            break
        following = following.getnext()
    return following


def _with_alternatives(ol: lxml.html.HtmlElement, steps: list[RawStep]) -> list[RawStep]:
    """The unordered list right after the steps holds sub-steps of the last one when that step ends in
    ':' ("do one of the following:") or when an ordered list numbering on follows it (details between
    the numbered parts of one procedure)."""
    following = _next_element(ol)
    if not steps or following is None or following.tag != "ul":
        return steps
    if not (steps[-1].text.endswith(":") or _numbers_on(_next_element(following))):
        return steps
    last = max(i for i, s in enumerate(steps) if s.depth == 0)
    return list_steps(following.findall("li"), steps[last].depth + 1, last, steps)


class _Page:
    def __init__(self, root: lxml.html.HtmlElement):
        self.root = root
        self.used: set[lxml.html.HtmlElement] = set()
        self.found: list[Procedure] = []

    def add(self, goal: str | None, method: str, steps: list[RawStep], *nodes, named: bool = False) -> None:
        """A procedure found; a list numbered on from the last one under the same goal (<ol start="5">)
        continues it."""
        if not (goal and steps):
            return
        self.used.update(nodes)
        first = nodes[0] if nodes else None
        numbered_on = (
            first is not None and first.tag == "ol" and (first.get("start") or "1").strip() not in ("", "1")
        )
        if numbered_on and self.found and self.found[-1].goal == goal and self.found[-1].method == method:
            self.found[-1].steps += [_shifted(s, len(self.found[-1].steps)) for s in steps]
            return
        self.found.append(Procedure(goal, method, steps, named))

    def microdata(self) -> None:
        for scope in self.root.xpath("//*[@itemscope][@itemtype]"):
            if _item_type(scope) not in ("HowTo", "HowToSection", "Recipe") or scope in self.used:
                continue
            steps = _microdata_steps(scope)
            if not steps:
                continue
            name = next(iter(_own(scope, ".//*[@itemprop='name']")), None)
            goal = clean_goal(flatten(name).text) if name is not None else goal_for(scope, self.root, True)
            self.add(goal, "microdata", steps, scope, *scope.iter("ol", "ul"), named=name is not None)

    def docbook(self) -> None:
        for node in self.root.xpath(
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' procedure ')]"
        ):
            lists = [node] if node.tag == "ol" else node.findall("ol")
            if node.tag not in ("div", "ol") or not lists or lists[0] in self.used or node in self.used:
                continue
            title = node.find("p[@class='title']") if node.tag == "div" else None
            goal = clean_goal(flatten(title).text) if title is not None else goal_for(node, self.root, True)
            steps = _with_alternatives(lists[0], list_steps(lists[0].findall("li")))
            self.add(goal, "procedure", steps, node, *lists)

    def lists(self) -> None:
        previous: dict[str, Procedure] = {}
        for ol in self.root.iter("ol"):
            if ol in self.used or hidden(ol) or any(a.tag == "li" for a in ol.iterancestors()):
                continue
            goal = goal_for(ol, self.root, strong=False)
            steps = _with_alternatives(ol, list_steps(ol.findall("li")))
            if goal in previous and (ol.get("start") or "1").strip() in ("", "1"):
                continue  # a second list under one goal counts only when it numbers on from the first
            self.add(goal, "list", steps, ol)
            if goal and steps:
                previous[goal] = self.found[-1]

    def numbered(self, method: str) -> None:
        """Step-labelled headings or paragraphs, or numbered paragraphs, that are siblings."""
        pattern = STEP_LABEL if method == "step_headings" else NUMBERED
        tags = (*HEADINGS, "p") if method == "step_headings" else ("p",)
        by_parent: dict = {}
        for node in self.root.iter(*tags):
            found = pattern.match(flatten(node).text) if not hidden(node) else None
            if found and not any(a in self.used or a.tag == "li" for a in node.iterancestors()):
                by_parent.setdefault(node.getparent(), []).append((int(found.group(1)), node))
        for numbered in by_parent.values():
            for run in _runs(numbered):
                if method == "step_headings":
                    flats = [_step_body(n) for n in run]
                else:
                    flats = [_without_prefix(flatten(n), NUMBERED.match(flatten(n).text).end()) for n in run]
                steps = [_step(f, 0, None) for f in flats if f.text]
                self.add(goal_for(run[0], self.root, strong=True), method, steps, *run)


def _shifted(step: RawStep, by: int) -> RawStep:
    return RawStep(step.text, step.depth, None if step.parent is None else step.parent + by, step.marks)


def _own(scope: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """Nodes at `path` under `scope` whose nearest item (itemscope) is `scope` itself."""
    return [
        n
        for n in scope.xpath(path)
        if next((a for a in n.iterancestors() if a.get("itemscope") is not None), None) is scope
    ]


def _microdata_steps(scope: lxml.html.HtmlElement) -> list[RawStep]:
    """HowToStep items (or recipeInstructions) that belong to `scope` itself, not to a nested item."""
    if scope.tag in ("ol", "ul"):
        return _with_alternatives(scope, list_steps(scope.findall("li")))
    steps = []
    for node in _own(scope, ".//*[@itemprop='step' or @itemprop='recipeInstructions' or @itemtype]"):
        kind = _item_type(node)
        if node.get("itemtype") and kind not in ("HowToStep", "HowToSection"):
            continue
        lists = [node] if node.tag in ("ol", "ul") else node.findall(".//ol") or node.findall(".//ul")
        if kind == "HowToSection":
            steps += _microdata_steps(node)
        elif lists and (node.tag in ("ol", "ul") or not flatten(node).text):
            steps += list_steps(lists[0].findall("li"))
        else:
            text = next(iter(_own(node, ".//*[@itemprop='text']")), None)
            flat = flatten(text if text is not None else node)
            if flat.text:
                steps.append(_step(flat, 0, None))
    return steps


def _join(flats: list[Flat]) -> Flat:
    """Texts one after another (a space between), marks shifted to match."""
    text, marks = "", []
    for flat in flats:
        if not flat.text:
            continue
        shift = len(text) + (1 if text else 0)
        text = f"{text} {flat.text}" if text else flat.text
        marks += [(s + shift, e + shift, k) for s, e, k in flat.marks]
    return Flat(text, marks)


def _without_prefix(flat: Flat, n: int) -> Flat:
    """`flat` minus its first `n` characters ("Step 2: ", "3. ") and the spaces after them."""
    cut = n + len(flat.text[n:]) - len(flat.text[n:].lstrip())
    text = flat.text[cut:]
    marks = [(max(s - cut, 0), min(e - cut, len(text)), k) for s, e, k in flat.marks]
    return Flat(text, [(s, e, k) for s, e, k in marks if s < e])


def _runs(numbered: list[tuple[int, lxml.html.HtmlElement]]) -> list[list[lxml.html.HtmlElement]]:
    """Runs numbered 1, 2, 3, … (at least two long) among nodes in document order."""
    runs, current = [], []
    for number, node in numbered:
        if number == len(current) + 1:
            current.append(node)
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [node] if number == 1 else []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _step_body(node: lxml.html.HtmlElement) -> Flat:
    """A "Step N" heading's text after the label, else what follows it up to the next heading."""
    flat = flatten(node)
    label = STEP_LABEL.match(flat.text)
    rest = _without_prefix(flat, label.end())
    if rest.text or node.tag not in HEADINGS:
        return rest
    body = []
    for sibling in node.itersiblings():
        if sibling.tag in HEADINGS or STEP_LABEL.match(flatten(sibling).text):
            break
        body.append(flatten(sibling))
    return _join(body)


def _norm(texts: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(re.findall(r"\w+", t.lower())) for t in texts)


def mine_procedures(html: str) -> list[Procedure]:
    """Every procedure on a page, each list or step used once, in the order of the forms above."""
    if not html or not html.strip():
        return []
    try:  # lxml refuses a str that declares its encoding (<?xml … encoding="UTF-8"?>): drop the declaration
        root = lxml.html.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    except (lxml.etree.ParserError, ValueError):
        return []
    page = _Page(root)
    page.microdata()
    page.docbook()
    page.lists()
    page.numbered("step_headings")
    page.numbered("numbered_paragraphs")
    seen = {_norm(p.texts) for p in page.found}
    for goal, texts in jsonld_procedures(root):
        steps = [RawStep(t) for t in texts if t]
        if _norm([s.text for s in steps]) not in seen:
            page.add(goal or title_goal(root), "json_ld", steps, named=bool(goal))
            seen.add(_norm([s.text for s in steps]))
    for goal, flats, nodes in prose_procedures(root, page.used):
        page.add(goal, "prose", [_step(f, 0, None) for f in flats], *nodes)
    return page.found
