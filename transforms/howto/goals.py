"""Goals: the heading or title a procedure is for, and whether a heading reads as a goal at all.

A goal heading says what the steps achieve: "How to export a report", "To insert a table", "Creating a
layer", "Install the CLI". A heading that only announces steps or a section ("Steps", "Procedure",
"Usage", "A Brief Tutorial", "Overview") hands the goal to the heading above it or the page title.
Section numbers ("4.2."), "Procedure 6.1.", "Step 2:" and a closing colon are not part of a goal.
"""

from __future__ import annotations

import re

import lxml.html

from transforms.howto.text import plain

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NUMBERING = re.compile(
    r"^\s*(?:(?:(?:procedure|section|chapter|part)\s+)?(?:\d+(?:\.\d+)*\.?|[A-Z]\.)|step\s*\d+\s*[:.)–-])\s+",
    re.I,
)
CAPTION = re.compile(r"^\s*(?:figure|table|screenshot|image)\s+\d", re.I)
EXAMPLE = re.compile(r"^\s*(?:example|exercise|task)\s+\d+\s*[:.–—-]\s*", re.I)
ANNOUNCES_STEPS = re.compile(
    r"^(?:steps?|procedures?|instructions?|directions?(?: for use)?|usage|method|tutorial"
    r"|a (?:brief|short|quick) tutorial|step[- ]by[- ]step(?: (?:guide|instructions))?"
    r"|how to(?: use)?|examples?|quick ?start|overview|introduction|description|summary|details)$",
    re.I,
)
HOW_TO = re.compile(r"\bhow to\b|\bstep[- ]by[- ]step\b", re.I)
# Verbs a goal may start with, bare ("Install the CLI") or after "To" ("To insert a table").
GOAL_VERBS = frozenset(
    """
access activate add adjust align apply
drag arrange assign attach back bake build calculate cancel change check
choose clean clear close combine compare compile configure connect convert copy create crop customize cut
define delete deploy disable display download draw duplicate edit embed enable enter export fill filter find
fix format generate get hide highlight import improve insert install join keep link load lock log make
manage merge modify move number open paste pick place prepare print protect publish record recover reduce
remove rename reorder repair replace reset resize restore rotate run save scale schedule search select
send set share show sign sort specify split start stop submit switch sync turn type undo unlock update
upgrade upload use view write
""".split()
)
# "To the …", and "To summarize" / "To conclude", which open a remark rather than name a goal.
NOT_AFTER_TO = frozenset(
    "the a an this that these those be do my your our their its summarize summarise sum conclude recap "
    "illustrate".split()
)
NOT_GERUNDS = frozenset(
    {"nothing", "something", "anything", "everything", "string", "thing", "spring", "king"}
)


def clean_goal(text: str) -> str:
    text = " ".join(text.split())
    text = EXAMPLE.sub("", NUMBERING.sub("", text, count=1), count=1)
    return text.strip().rstrip(":").strip()


def is_goal(text: str) -> bool:
    """Does a heading read as what a procedure achieves?"""
    words = clean_goal(text).split()
    if not words or len(words) > 20:
        return False
    first = words[0].lower().strip("“\"'")
    if HOW_TO.search(text):
        return True
    if first == "to" and len(words) > 1 and words[1].lower() not in NOT_AFTER_TO and words[1][:1].isalpha():
        return True
    if first.endswith("ing") and len(first) > 4 and first not in NOT_GERUNDS and len(words) > 1:
        return True  # "Creating a layer" (a gerund alone, "Trending", is a label)
    return first.split("-")[0] in GOAL_VERBS and len(words) > 1


def announces_steps(text: str) -> bool:
    return bool(ANNOUNCES_STEPS.match(clean_goal(text).rstrip(".")))


def _rank(node: lxml.html.HtmlElement) -> int:
    return int(node.tag[1]) if node.tag in HEADINGS else 7


def title_goal(root: lxml.html.HtmlElement) -> str | None:
    """The page title without the site name after a separator ("How to bake bread · Crumb")."""
    title = root.find(".//title")
    if title is None or not (title.text_content() or "").strip():
        return None
    return clean_goal(re.split(r"\s+[·|–—-]\s+", " ".join(title.text_content().split()))[0]) or None


PRECEDING = (
    "preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
    " or self::p[contains(concat(' ', normalize-space(@class), ' '), ' title ')]]"
)


def _headings_before(node: lxml.html.HtmlElement):
    """Headings before `node` in document order, nearest first (DocBook's p.title counts; captions do not)."""
    for found in reversed(node.xpath(PRECEDING)):
        text = plain(found)
        if text and not CAPTION.match(text):
            yield found, text


def lead_in(node: lxml.html.HtmlElement) -> str | None:
    """A goal the sentence right before the steps states: "To define a style:", "To crop, do this:"."""
    before = node.getprevious()
    while before is not None and not plain(before):
        before = before.getprevious()
    if before is None or before.tag not in ("p", "div", "span"):
        return None
    found = re.match(r"^(To\s+[^,:.;]{3,100})(?:[:,]|$)", plain(before))
    if not found or not is_goal(found.group(1)):
        return None
    return clean_goal(re.sub(r"\s+(?:proceed|do|follow)\b.*$", "", found.group(1)))  # "…, proceed as follows"


def goal_for(node: lxml.html.HtmlElement, root: lxml.html.HtmlElement, strong: bool) -> str | None:
    """The goal of the steps at `node`: a goal the sentence right before them states, else the nearest
    heading before them that reads as a goal. Headings that only announce steps hand over to the heading
    above them. Where the markup itself says these are steps (`strong`) or a heading announced them, a
    heading that names no goal ("Quick Mask") hands over to a higher one that does, and is the goal
    itself when none does. Last, the page title when it reads as a goal (or when `strong`)."""
    if goal := lead_in(node):
        return goal
    below, fallback = 8, None
    for heading, text in _headings_before(node):
        rank = _rank(heading)
        if rank >= below:
            continue
        if announces_steps(text):
            below = rank
            continue
        if is_goal(text):
            return clean_goal(text) or None
        if not (strong or below < 8):
            return None
        fallback = fallback or clean_goal(text) or None
        below = rank
    title = title_goal(root)
    if fallback:
        return fallback
    return title if title and (strong or below < 8 or is_goal(title)) else None
