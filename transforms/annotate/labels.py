"""What an element is called on screen: its label, whether it is an icon, and the noun for its role."""

from __future__ import annotations

import polars as pl

from transforms.placeholders import NAMES

ROLE_NOUN = {
    "button": "button",
    "link": "link",
    "textbox": "field",
    "searchbox": "search field",
    "combobox": "drop-down",
    "listbox": "list",
    "checkbox": "checkbox",
    "switch": "switch",
    "radio": "option",
    "tab": "tab",
    "menuitem": "menu item",
    "img": "image",
    "heading": "heading",
}


def normalise(text: pl.Expr) -> pl.Expr:
    """Lower-case, whitespace collapsed and trimmed: the form names are compared in."""
    return text.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


# Desktop (AT-SPI) fields: their name is their label, drawn beside them, not in their box.
DESKTOP_FIELD_ROLES = ("textbox", "searchbox", "combobox", "spinbutton")


def desktop_field() -> pl.Expr:
    """A desktop entry, combo box or spin button: an element with AT-SPI states and a field's role."""
    return pl.col("states").is_not_null() & pl.col("role").is_in(DESKTOP_FIELD_ROLES)


def _placeholder(name: pl.Expr) -> pl.Expr:
    """The name only says what kind of widget it is (transforms/placeholders.py)."""
    key = normalise(name.str.replace_all("_", " ", literal=True))
    return key.is_in(list(NAMES)) | key.str.replace_all(" ", "", literal=True).is_in(list(NAMES))


def with_labels(elements: pl.DataFrame) -> pl.DataFrame:
    """Adds `label` (visible text, else accessible name; double quotes become single ones, as labels are
    quoted in phrases), `is_icon` (no visible text) and `label_key`. An accessible name that only says
    what kind of widget it is ("Combo Box", "Button") is no label (transforms/placeholders.py)."""
    text = pl.col("text").fill_null("").str.strip_chars()
    name = pl.col("name").fill_null("").str.strip_chars()
    # A glyph such as "🔔" or "›" is not a name a person would say: that is an icon.
    wordless = ~text.str.contains(r"[\p{L}\p{N}]")
    desktop = desktop_field() if {"states", "role"} <= set(elements.columns) else pl.lit(False)
    form_field = pl.col("tag").is_in(["input", "select", "textarea"]) | desktop
    # Inputs show their value or nothing as text; their label is the accessible name.
    use_name = wordless | form_field
    return (
        elements.with_columns(
            label=pl.when(use_name & ~_placeholder(name))
            .then(name)
            .otherwise(pl.when(use_name).then(pl.lit("")).otherwise(text)),
            is_icon=wordless & ~form_field,
        )
        .with_columns(
            # A label made only of glyphs names nothing a person could say.
            label=pl.when(pl.col("label").str.contains(r"[\p{L}\p{N}]"))
            .then(pl.col("label").str.replace_all('"', "'", literal=True))
            .otherwise(pl.lit("")),
        )
        .with_columns(label_key=normalise(pl.col("label")))
    )
