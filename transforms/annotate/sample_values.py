"""Deterministic sample values to type into text fields, chosen from the field's own hints."""

from __future__ import annotations

# First match wins: (keywords looked for in the field's type, name, label and placeholder; value).
HINTS: list[tuple[tuple[str, ...], str]] = [
    (("email", "e-mail"), "alex.morgan@example.com"),
    (("password",), "Tr0ub4dor&3-horse"),
    (("tel", "phone"), "+49 30 1234567"),
    (("date",), "2026-12-24"),
    (("url", "website", "https://"), "https://example.org"),
    (("postal", "zip"), "10115"),
    (("street", "address"), "Hauptstraße 5"),
    (("city",), "Lisbon"),
    (("destination", "where are you going"), "Paris"),
    (("from", "airport"), "Berlin"),
    (("first",), "Alex"),
    (("last",), "Morgan"),
    (("name",), "Alex Morgan"),
    (("company",), "Acme GmbH"),
    (("job", "title"), "Product designer"),
    (("promo", "code"), "WINTER25"),
    (("search", "find"), "noise cancelling headphones"),
    (("number", "quantity", "amount"), "2"),
    (("bio", "about"), "Designer who loves maps and trains."),
    (("request", "message", "comment", "note"), "Please seat us by the window."),
]
DEFAULT = "hello world"


def sample_value(*hints: str | None) -> str:
    """A plausible value for a field described by its type, name, label and placeholder."""
    words = " ".join(h.lower() for h in hints if h)
    tokens = set(words.replace("-", " ").replace("_", " ").split())
    for keys, value in HINTS:
        for key in keys:
            if (" " in key and key in words) or key in tokens:
                return value
    return DEFAULT
