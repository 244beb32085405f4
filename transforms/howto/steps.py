"""Typed steps: what one step of a procedure does, read from its words (seq2act-style spans).

A step is read clause by clause ("In the Name box, enter a name, and then click OK."): clauses that set
the scene ("In the Name box", "If …", "To …") are passed over, and the first clause that starts with an
action verb decides the step's action:
- `menu` when that clause names a menu path ("Choose Format - Character");
- `click`, `type`, `select`, `key` (press plus a key name), `drag`, `open` by the verb;
- `other` when no clause starts with an action verb.
Its target is the interface text the page marks after the verb, else a quoted name, else the noun phrase
after the verb without its article and its role word ("the Save button" -> "Save"); a menu step's target
is the last item of its path. `value` is the literal text to type (marked as input or quoted) or the key.
Every part comes with its [start, end) span into the step's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.howto.goals import GOAL_VERBS
from transforms.howto.menu import MenuPath, keys, menu_paths
from transforms.howto.verbs import ACTION_OF

PHRASES = {
    "double click": "click",
    "right click": "click",
    "click and drag": "drag",
    "drag and drop": "drag",
    "go to": "open",
    "switch to": "open",
    "navigate to": "open",
    "log in": "click",
    "log out": "click",
    "sign in": "click",
    "sign out": "click",
    "sign up": "click",
}
MENU_VERBS = {"choose", "select", "click", "open", "go", "navigate", "access", "pick", "use", "switch"}
ADVERBS = {
    "first",
    "then",
    "now",
    "next",
    "finally",
    "also",
    "simply",
    "optionally",
    "again",
    "just",
    "lastly",
    "either",
    "optional",
}
# "You can click …", "you need to choose …": the verb after them is the step's action.
MODAL = re.compile(
    r"(?:(?:you|we)\s+(?:can|may|must|should|will|need\s+to|have\s+to|might\s+want\s+to|want\s+to)"
    r"|don'?t\s+forget\s+to|do\s+not\s+forget\s+to|be\s+sure\s+to|remember\s+to|make\s+sure\s+to)\s+(?:also\s+)?",
    re.I,
)
DETERMINERS = r"(?:the|a|an|your|this|that|these|those|its|their|any|some|one of the|each|all)"
ROLES = (
    r"(?:radio |push |toggle |command |spin |combo |list |text |check |option )?"
    r"(?:buttons?|icons?|tabs?|menus?|boxe?s?|checkbox(?:es)?|fields?|links?|lists?|dialog(?: box)?|"
    r"commands?|area|bar|toolbar|keys?|window|panel|pane|drop-?down(?: list)?|slider|control|tool|menu item|"
    r"submenu)"
)
ROLE_TAIL = re.compile(rf"\s+{ROLES}$", re.I)
UI_WORDS = re.compile(
    r"\b(?:buttons?|icons?|tabs?|menus?|dialogs?(?: box(?:es)?)?|check ?box(?:es)?|text box(?:es)?|"
    r"list box(?:es)?|combo box(?:es)?|spin box(?:es)?|drop-?down(?: list)?|toolbars?|toolbox|menu bar|"
    r"status bar|title bar|sidebar|slider|panel|pane|window|radio button|option button|click|double-click|"
    r"right-click|mouse|pointer|cursor|keyboard shortcut|screen)\b",
    re.I,
)
CLAUSE_END = re.compile(r"[,;:!?]\s|\.\s|\.$|\s(?:and|then|or|to|so that|until|before|after|while)\s|\s\(")
BOUNDARY = re.compile(r"(?:^|[,;:]\s+|\.\s+|\s+(?:and|then|and then|or)\s+)")
MAX_NAME_WORDS = 6
# Verbs that act on an interface by themselves (a command verb such as "save" or "download" does not).
UI_VERBS = set(
    "click double-click right-click middle-click double tap double-tap press hit hold drag drop type scroll "
    "check uncheck tick untick toggle".split()
)
QUOTED = re.compile(r"[“\"‘']([^”\"’']{1,80})[”\"’']")


@dataclass
class TypedStep:
    text: str
    action: str = "other"
    action_span: list[int] | None = None
    target: str | None = None
    target_span: list[int] | None = None
    value: str | None = None
    value_span: list[int] | None = None
    menu_path: list[str] = field(default_factory=list)
    menu_span: list[int] | None = None
    ui: bool = False
    instruction: bool = False


def _verb_at(text: str, pos: int) -> tuple[str, int, int] | None:
    """(action, start, end) of an action verb starting the clause at `pos` (after adverbs), or None."""
    while (m := re.compile(r"\(?([A-Za-z][\w-]*)\)?[,]?\s*").match(text, pos)) is not None:
        word = m.group(1).lower()
        if word in ADVERBS:
            pos = m.end()
            continue
        if modal := MODAL.match(text, m.start()):
            pos = modal.end()
            continue
        start = m.start(1)
        for phrase, action in PHRASES.items():
            if text[start : start + len(phrase)].lower() == phrase:
                return action, start, start + len(phrase)
        return (ACTION_OF[word], start, m.end(1)) if word in ACTION_OF else None
    return None


def _clause_starts(text: str) -> list[int]:
    return sorted({m.end() for m in BOUNDARY.finditer(text)})


FINITE = {"is", "are", "was", "were", "has", "have", "will", "can", "shows", "appears"}
SCENE = re.compile(r"(?:in|on|under|from|at|inside|within)\s", re.I)


def _find_verb(text: str) -> tuple[str, int, int] | None:
    """The first clause's action verb; a clause that sets the scene without a comma ("In the Type list
    click …") has its verb inside."""
    for pos in _clause_starts(text):
        if verb := _verb_at(text, pos):
            return verb
        if SCENE.match(text, pos):
            end = _clause_end(text, pos)
            for word in re.finditer(r"\b[a-z][\w-]*", text[pos:end]):
                if word.group() in FINITE:  # "in front of it is display …": a statement, no instruction
                    break
                if word.group() in ACTION_OF and (verb := _verb_at(text, pos + word.start())):
                    return verb
    return None


def _clause_end(text: str, start: int) -> int:
    m = CLAUSE_END.search(text, start)
    return m.start() if m else len(text)


def _clean_np(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a noun phrase's name: no article before, no role word after ("the Save button")."""
    np = text[start:end]
    lead = re.match(rf"\s*(?:on\s+|onto\s+)?(?:{DETERMINERS}\s+)?", np, re.I).end()
    core = np[lead:].rstrip(" .")
    tail = ROLE_TAIL.search(core)
    if tail and tail.start() > 0:
        core = core[: tail.start()]
    core = core.strip(" \"“”'‘’")
    if not core or re.match(r"(?:in|into|at|inside|anywhere|where|here|there|it|them)\b", core, re.I):
        return None
    if len(core.split()) > MAX_NAME_WORDS:  # a description, not the name of a control
        return None
    s = text.index(core, start + lead) if core in text[start + lead : end] else start + lead
    return s, s + len(core)


def _first(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in spans if start <= s < end), None)


def _quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in QUOTED.finditer(text, start, end)]


def _ui_marks(marks: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    return [(s, e) for s, e, k in marks if k == "ui"]


def _joined_keys(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Key spans with the ones joined by '+' merged ("Ctrl" "+" "S" -> "Ctrl+S")."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and text[merged[-1][1] : s].strip() in ("+", ""):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


CONTEXT = set(
    "if when to in on with from once after before while under at for by using as since because depending "
    "although unless whether within inside during upon".split()
)
FUNCTION_WORDS = CONTEXT | set(
    "the a an this that these those it its you your we our they their there here he she i which what who how "
    "why where is are was were be been has have had can could will would should may might must do does did "
    "not no all each every some any both either neither most many much more less only also note tip warning "
    "example see one two three yes ok".split()
)
EXTRA_VERBS = set(
    "repeat wait make let keep try ensure verify follow leave stir mix cover pour bake heat cook whisk "
    "knead boil serve chop preheat fold season sprinkle spread transfer drain simmer fry roast slice beat "
    "call pass return declare define import install clone compile build run print read write test log "
    "connect release hold place position put duplicate desaturate invert rename drag scroll zoom paint "
    "fill crop scale".split()
)


def _is_imperative(text: str, pos: int) -> bool:
    """Does the clause at `pos` start with a verb in the imperative (a known one, or a word that reads as
    one: not a function word, not -ing, -ed, -ly or a plural, and not followed by is/are/can...)?"""
    words = re.findall(r"[A-Za-z][\w'-]*", text[pos : pos + 80])
    while words and words[0].lower() in ADVERBS:
        words = words[1:]
    if not words:
        return False
    first = words[0].lower()
    if first in ACTION_OF or first in GOAL_VERBS or first in EXTRA_VERBS:
        return True
    second = words[1].lower() if len(words) > 1 else ""
    shaped = not first.endswith(("ing", "ed", "ly")) and not (
        first.endswith("s") and not first.endswith(("ss", "us"))
    )
    return first not in FUNCTION_WORDS and shaped and second not in FUNCTION_WORDS and words[0][:1].isupper()


def _instruction(text: str) -> bool:
    """The first clause that does not set the scene ("If …", "In the … dialog") gives an instruction."""
    for pos in _clause_starts(text):
        word = re.match(r"\s*([A-Za-z]+)", text[pos:])
        if word and word.group(1).lower() in CONTEXT:
            continue
        return _is_imperative(text, pos)
    return False


def _span(pair: tuple[int, int] | None) -> list[int] | None:
    return [pair[0], pair[1]] if pair else None


def _target(step: TypedStep, ui: list, start: int, end: int) -> None:
    """The control a click, select, open or drag acts on: marked text, else quoted, else the noun phrase."""
    found = _first(ui, start, end) or _first(_quoted(step.text, start, end), start, end)
    if found is None:
        found = _clean_np(step.text, start, end)
    if found:
        step.target, step.target_span = step.text[found[0] : found[1]], _span(found)


def _typed(step: TypedStep, marks: list, ui: list, verb: tuple[int, int], end: int) -> None:
    """Text to type (marked as input or quoted, or a literal such as '>3') and the field it goes in."""
    text, (vs, ve) = step.text, verb
    inputs = [(s, e) for s, e, k in marks if k == "input"]
    # a marked span right after the verb is what is typed ("type user_lastname == "Doe"", the quote in it)
    right_after = [(s, e) for s, e in ui if s == ve + len(text[ve:end]) - len(text[ve:end].lstrip())]
    value = _first(inputs, ve, end) or (right_after[0] if right_after and not inputs else None)
    value = value or _first(_quoted(text, ve, end), ve, end)
    if value is None:
        literal = re.match(r"\s*([^\s,.;]*[\d<>=+*/%$@#][^\s,;]*)", text[ve:end])
        value = (ve + literal.start(1), ve + literal.end(1)) if literal else None
    if value:
        step.value, step.value_span = text[value[0] : value[1]], _span(value)
    into = re.compile(r"\b(?:in|into|to)\s+(?:the\s+)?").search(text, ve)
    sentence_start = text.rfind(". ", 0, vs) + 1
    field_span = None
    if into and into.start() <= _clause_end(text, ve) + 1:  # "in the box" of the verb's own clause
        stop = _clause_end(text, into.end())
        field_span = _first(ui, into.start(), stop) or _clean_np(text, into.end(), stop)
    if field_span is None:
        before = [(s, e) for s, e in ui if sentence_start <= s and e <= vs]
        field_span = before[-1] if before else None
    if field_span:
        step.target, step.target_span = text[field_span[0] : field_span[1]], _span(field_span)


def parse_step(text: str, marks: list[tuple[int, int, str]] = ()) -> TypedStep:
    """The typed form of one step; `marks` are the page's marked spans (ui, input, key, link)."""
    step, marks = TypedStep(text), list(marks)
    ui = _ui_marks(marks)
    paths = menu_paths(text, ui)
    verb = _find_verb(text)
    if paths:
        step.menu_path, step.menu_span = paths[0].items, _span(paths[0].span)
    if verb is not None:
        _act(step, verb, paths, marks, ui)
    elif paths:
        _menu(step, paths[0])
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[
        0
    ]  # the first sentence gives the instruction
    step.instruction = (verb is not None and verb[1] < len(first)) or _instruction(first)
    named = any(k in ("ui", "key") for _, _, k in marks) or (step.action == "type" and bool(marks))
    acted = verb is not None and text[verb[1] : verb[2]].lower().split()[0] in UI_VERBS
    step.ui = bool(paths) or named or acted or bool(UI_WORDS.search(text))
    return step


def _menu(step: TypedStep, path: MenuPath) -> None:
    step.action = "menu"
    step.menu_path, step.menu_span = path.items, _span(path.span)
    step.target, step.target_span = path.items[-1], _span(path.last)


def _act(step: TypedStep, verb: tuple[str, int, int], paths: list[MenuPath], marks: list, ui: list) -> None:
    action, vs, ve = verb
    text = step.text
    end = _clause_end(text, ve)
    step.action, step.action_span = action, [vs, ve]
    word = text[vs:ve].lower().split()[0]
    path = next((p for p in paths if ve <= p.span[0] <= end), None)
    if path is not None and (word in MENU_VERBS or action == "click"):
        _menu(step, path)
        return
    if action == "key" or word == "use":
        spans = _joined_keys([(s, e) for s, e, k in marks if k == "key"] + keys(text, ve, end), text)
        key = _first(spans, ve, end)
        if key is not None:
            step.value, step.value_span = text[key[0] : key[1]], _span(key)
            return
        step.action = "click"  # "Press the OK button", "Use the Ellipse tool"
    if step.action == "type":
        _typed(step, marks, ui, (vs, ve), end)
    else:
        _target(step, ui, ve, end)
