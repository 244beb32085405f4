"""What a control is for and the goal it serves, in words shown on its screenshot.

A phrase may use hidden words (a URL, a form's name, an input type) only where they are also on screen;
otherwise the perspective is skipped as `not_visible`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from transforms.annotate.item import Item, on_screen, words_of

FIELD_NOUNS = {"field", "search field"}
# What a typed field asks for, by its input type.
FIELD_THINGS = {
    "email": "e-mail address",
    "password": "password",
    "tel": "phone number",
    "url": "web address",
    "date": "date",
    "search": "search query",
    "number": "number",
    "time": "time",
}
# First words that make a control's label read as an action ("Sign in", "Add to cart").
ACTION_VERBS = frozenset(
    """
accept add apply back book buy cancel change checkout choose clear close compare confirm contact continue copy
create decline delete disable download edit enable export filter find follow get go hide import install invite
join learn load log login logout manage next open order pay play post preview print publish read register
reject remove rename reply report request reset retry save search see select send share shop show sign skip
sort start
submit subscribe try undo unsubscribe update upgrade upload verify view visit watch
""".split()
)


# Verbs that begin the names of desktop tool-bar icons ("Redo", "Zoom in", "Paste").
DESKTOP_VERBS = frozenset(
    """redo cut paste zoom quit exit refresh reload insert align indent increase decrease rotate flip crop
    scale move duplicate merge split replace print undo""".split()
)


def _plain(label: str) -> str:
    return label.strip().rstrip(":*.…").strip().lower()


def _short(text: str | None) -> bool:
    """Short enough to sit inside a phrase: at most 40 characters and 6 words."""
    return bool(text) and len(text) <= 40 and len(text.split()) <= 6


def _page_words(segment: str) -> str | None:
    words = re.sub(r"\.(html?|php|aspx?|jsp)$", "", segment, flags=re.IGNORECASE)
    words = " ".join(re.sub(r"[-_+%20]+", " ", words).split()).lower()
    if not words or len(words) > 40 or not re.fullmatch(r"[a-z][a-z ]*", words):
        return None
    return words


def link_target(href: str | None) -> str | None:
    """Where a link leads, in words: 'the pricing page', 'the comments section', 'example.org'."""
    if not href:
        return None
    if href.startswith("#"):
        words = _page_words(href[1:])
        return f"the {words} section" if words else None
    if href.startswith("mailto:"):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        words = _page_words(segments[-1])
        return None if words in (None, "index") else f"the {words} page"
    if parts.netloc:
        return parts.netloc.lower().removeprefix("www.")
    return "the home page" if parts.path == "/" else None


def is_submit(item: Item) -> bool:
    return item.row.get("input_type") == "submit" and bool(item.row.get("form_name"))


def drawn_span(item: Item, words: str) -> str | None:
    """The piece of the element's drawn text that spells `words` in order ('q more artikel' in "q&more
    Artikel"), as drawn: its case, accents and joining marks; None where it does not, or where the piece
    holds quotes or commas (which a phrase cannot carry)."""
    drawn = item.row.get("text") or item.label
    parts = [re.escape(w) for w in words.split()]
    if not parts:
        return None
    m = re.search(r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])", drawn, re.IGNORECASE)
    span = m and m.group(0).strip()
    return span if span and not re.search(r"[\"“”„,]", span) else None


def _visible_target(item: Item) -> str | None:
    """Where a link leads, in words, when the link shows those words itself (not 'the', 'page',
    'section'): a person reads them on it, so they are written as it draws them (an address gives
    them in lower case and without their marks: 'q-more-artikel' for "q&more Artikel")."""
    target = link_target(item.row.get("href"))
    core = target and re.sub(r"^the | (page|section)$", "", target)
    if not core or not set(words_of(core)) <= set(words_of(item.label)):
        return None
    span = drawn_span(item, core)
    return target.replace(core, span, 1) if span else None


# Actions that say nothing without an object ("Select", "Open"); "Subscribe" or "Print" alone is a goal.
BARE_ACTIONS = frozenset(
    "select choose open go visit show view use see get try start find edit change manage load".split()
)
# Link texts that do not say where the link goes ("Read more"): a page gives their purpose only by context.
GENERIC_PHRASES = frozenset(
    {
        "here", "click here", "more", "read more", "learn more", "see more", "view more", "more info",
        "details", "continue", "continue reading", "link", "this", "next", "previous", "prev", "back",
        "top", "back to top", "show more", "go", "permalink", "reply", "comments", "source", "edit",
    }
)  # fmt: skip


# Words that start a piece of a sentence, not a name, and verbs of saying that news sites link.
PROSE_STARTS = frozenset(
    "of to in on at by as or and but a an the that which who whom whose with from".split()
)
SAYS = frozenset("says said reports writes wrote notes claims according told announced".split())
# Small words that name nothing by themselves.
NOT_NAMES = frozenset("and the for with from this that you your our are was not but all any its into".split())


def named_page(item: Item) -> str | None:
    """The page a link names by the words it shows ('the Bundesliga page'), the way WCAG reads a link's
    purpose from its text; None for text that names no page ('Read more', a number, a sentence)."""
    name = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", item.label.strip()).rstrip(":*.…»›→>").strip()  # "5.4. Zoom"
    plain = name.lower()
    words = words_of(name)
    if not words or len(words) > 4 or plain in GENERIC_PHRASES or '"' in name or "“" in name:
        return None
    if words[0] in ACTION_VERBS or re.search(r"[\[\](){}|/\\]|[^\W\d_]\.[^\W\d_]{2}", name):
        return None  # an action, a footnote mark, a path or a web address: no page's name
    if words[0] in PROSE_STARTS or (name.islower() and (words[-1].endswith("ed") or words[-1] in SAYS)):
        return None  # a piece of a sentence ("of two leftist politicians", "filed", "says")
    if not any(len(w) >= 3 and w.isalpha() and w not in NOT_NAMES for w in words):
        return None  # only short or small words ("and", "it is", "TV 2"): no page's name
    return f"the {name}" if words[-1] in ("page", "section") else f"the {name} page"


def _navigates(item: Item) -> bool:
    """The link leads to a page: not `#` alone, a script, an e-mail address or a phone number."""
    href = (item.row.get("href") or "").strip()
    return href not in ("", "#") and not href.lower().startswith(("javascript:", "mailto:", "tel:"))


def _hidden(item: Item, kind: str) -> None:
    setattr(item, f"{kind}_skip", "not_visible")
    return None


def _effect_function(item: Item) -> str | None:
    """What exploration saw the control do, as its purpose: 'the link to the "Contact" page', 'the menu
    item that opens the "Page Setup" dialog' (the name quoted: it is drawn on the screen it leads to)."""
    kind, name = item.effect or (None, None)
    if kind == "page" and item.noun == "link":
        return f'the link to the "{name}" page'
    if kind == "dialog" and item.noun in ("button", "menu item"):
        return f'the {item.noun} that opens the "{name}" dialog'
    if kind == "menu" and item.noun in ("button", "menu item") and item.shown:  # its own name: drawn
        return f'the {item.noun} that opens the "{name}" menu'
    return None


def _effect_goal(item: Item) -> str | None:
    """The goal the control was seen to serve: 'go to the Contact page', 'open the Page Setup dialog'."""
    kind, name = item.effect or (None, None)
    if kind == "page" and item.noun == "link":
        return f"go to the {name} page"
    if kind in ("dialog", "menu") and item.noun in ("button", "menu item"):
        return f"open the {name} {kind}"
    return None


def function_of(item: Item) -> str | None:
    """What the control is for: the effect exploration saw, else in words shown on the screen (else
    function_skip says why not)."""
    if not item.interactive or not _short(item.label):
        return None
    if (item.shown or item.spoken) and (seen := _effect_function(item)):
        return seen
    if item.spoken:  # an icon-only desktop control: its accessible name, unquoted
        return f"the {item.label.lower()} {item.noun}"
    if not item.shown:
        return _hidden(item, "function")
    if item.noun in FIELD_NOUNS or item.tag == "textarea":
        return f"the field for the {item.thing}" if item.thing else _hidden(item, "function")
    if item.noun == "drop-down" and item.tag == "select":
        return f"the drop-down for choosing the {_plain(item.label)}"
    if item.noun in ("checkbox", "switch", "option"):
        return f"the {item.noun} for {_plain(item.label)}"
    if item.noun == "link":
        if not item.row.get("href"):
            return None
        target = _visible_target(item) or (named_page(item) if _navigates(item) else None)
        return f"the link to {target}" if target else _hidden(item, "function")
    if item.noun == "button":
        form = item.row.get("form_name")
        if is_submit(item) and _short(form):
            return (
                f'the button that submits the "{form}" form'
                if on_screen(item, form)
                else _hidden(item, "function")
            )
        if item.row.get("has_popup"):
            return f'the button that opens the "{item.label}" menu'
    return None


def goal_of(item: Item) -> str | None:
    """The user goal that using the control serves, in lower case but for names, which keep their drawn
    spelling ('sign in', 'go to the q&more Artikel page'): the effect exploration saw, else in words
    shown on the screen (else goal_skip says why not)."""
    if not item.interactive or not _short(item.label):
        return None
    if (item.shown or item.spoken) and (seen := _effect_goal(item)):
        return seen
    plain = _plain(item.label)
    if item.spoken:  # an icon-only desktop control: its name as the goal where it is an action
        first = plain.split(" ", 1)[0]
        return plain if first in ACTION_VERBS | DESKTOP_VERBS and plain not in BARE_ACTIONS else None
    if not item.shown:
        return _hidden(item, "goal")
    if item.noun in FIELD_NOUNS or item.tag == "textarea":
        return f"enter your {item.thing}" if item.thing else _hidden(item, "goal")
    if item.noun == "drop-down" and item.tag == "select":
        return f"choose the {plain}"
    if item.noun in ("checkbox", "switch"):
        return f"turn on {plain}"
    if item.noun == "tab":
        return f"open the {plain} tab"
    first = plain.split(" ", 1)[0]
    if item.noun in ("button", "link", "menu item") and first in ACTION_VERBS and len(plain.split()) <= 6:
        goal = plain.rstrip(".!?…")
        return None if goal in BARE_ACTIONS else goal  # "Select" alone says no goal: select what?
    if item.noun == "link" and item.row.get("href"):
        target = _visible_target(item) or (named_page(item) if _navigates(item) else None)
        if target and target.startswith("the ") and target.endswith((" page", " section")):
            return f"go to {target}"
        return _hidden(item, "goal")
    if item.noun == "button" and item.row.get("has_popup"):
        return f"open the {plain} menu"
    form = item.row.get("form_name")
    if item.noun == "button" and is_submit(item) and _short(form):
        return f"submit the {form.lower()} form" if on_screen(item, form) else _hidden(item, "goal")
    return None


def _thing(item: Item) -> str | None:
    """What a field asks for, in words shown on screen: its input type's name, else its label."""
    typed = FIELD_THINGS.get(item.row.get("input_type") or "")
    if typed and on_screen(item, typed):
        return typed
    plain = _plain(item.label)
    return plain if on_screen(item, plain) else None
