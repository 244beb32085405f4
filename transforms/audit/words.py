"""The audit's own reading of a phrase's words: which need support from the screen, and which belong to
the fixed vocabulary of roles, places, colours, looks and actions a person can see without reading.

Written apart from the annotators on purpose: the audit shares no matching code with what it checks.
"""

from __future__ import annotations

import re
import unicodedata

# Words that carry no claim about the screen.
STOPWORDS = frozenset(
    "a an the of to in on at for with and or from into by as is its your you it this that than".split()
)
ROLE_WORDS = frozenset(
    """button buttons link links field fields search box heading headings title text image picture photo
    icon icons tab tabs option options checkbox checkboxes switch toggle drop down dropdown list menu item
    items element control page section form entry logo label input dialog window""".split()
)
PLACE_WORDS = frozenset(
    """top bottom left right centre center middle corner corners side screen above below under over beside
    next near first second third fourth fifth sixth seventh eighth ninth tenth last row column""".split()
)
COLOUR_WORDS = frozenset(
    "black white gray grey red orange yellow green teal blue purple pink brown dark light".split()
)
LOOK_WORDS = frozenset(
    """large small big tiny bold round rounded pill shaped square symbol shape arrow cross plus minus star
    heart bell gear check mark magnifying glass cart shopping more dots hamburger with asterisk number sign
    comma curly bracket parenthesis less greater than quotation""".split()
)
# Parts of a web address that name no page: "the link to kotaku.com" is read on a link that says "Kotaku".
ADDRESS_WORDS = frozenset("www com org net co uk io de fr es html htm php".split())
ACTION_WORDS = frozenset(
    """click tap press type enter select choose tick untick toggle open hover scroll go visit turn on off
    show view use opens submit submits choosing chooses leads goes shows""".split()
)
VOCABULARY = ROLE_WORDS | PLACE_WORDS | COLOUR_WORDS | LOOK_WORDS | ACTION_WORDS
_DOMAIN = re.compile(r"[^\W_]\.[^\W_]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents, the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')  # noqa: RUF001


def content_words(phrase: str) -> list[str]:
    """The words of a phrase that name something only the screen's text can show: every word it quotes,
    and the others that are not in the fixed vocabulary."""
    quoted = [w for a, b in _QUOTED.findall(phrase) for w in tokens(a or b)]
    frame = VOCABULARY | (ADDRESS_WORDS if _DOMAIN.search(phrase) else frozenset())
    rest = [w for w in tokens(_QUOTED.sub(" ", phrase)) if w not in STOPWORDS and w not in frame]
    return [*quoted, *rest]


def latin(word: str) -> bool:
    """Whether the OCR (English model, Latin script) could read the word at all."""
    return all(ch.isdigit() or "a" <= ch <= "z" or ch in "'’" for ch in word)
