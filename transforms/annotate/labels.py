"""What an element is called on screen, and which of those names are unambiguous."""
from __future__ import annotations

import polars as pl

ROLE_NOUN = {
    "button": "button", "link": "link", "textbox": "field", "searchbox": "search field",
    "combobox": "drop-down", "listbox": "list", "checkbox": "checkbox", "switch": "switch",
    "radio": "option", "tab": "tab", "menuitem": "menu item", "img": "image", "heading": "heading",
}


def normalise(text: pl.Expr) -> pl.Expr:
    """Lower-case, whitespace collapsed and trimmed: the form names are compared in."""
    return text.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def with_labels(elements: pl.DataFrame) -> pl.DataFrame:
    """Adds `label` (visible text, else accessible name; double quotes become single ones, as labels are
    quoted in phrases), `is_icon` (no visible text) and `label_key`."""
    text = pl.col("text").fill_null("").str.strip_chars()
    name = pl.col("name").fill_null("").str.strip_chars()
    # A glyph such as "🔔" or "›" is not a name a person would say: that is an icon.
    wordless = ~text.str.contains(r"[\p{L}\p{N}]")
    form_field = pl.col("tag").is_in(["input", "select", "textarea"])
    # Inputs show their value or nothing as text; their label is the accessible name.
    use_name = wordless | form_field
    return elements.with_columns(
        label=pl.when(use_name).then(name).otherwise(text),
        is_icon=wordless & ~form_field,
    ).with_columns(
        # A label made only of glyphs names nothing a person could say.
        label=pl.when(pl.col("label").str.contains(r"[\p{L}\p{N}]"))
        .then(pl.col("label").str.replace_all('"', "'", literal=True)).otherwise(pl.lit("")),
    ).with_columns(label_key=normalise(pl.col("label")))


def mark_ambiguous(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `label_count`: how many elements on the same screenshot share this label."""
    return frame.with_columns(label_count=pl.len().over("screenshot_id", "label_key").cast(pl.Int32))


def role_noun(role: pl.Expr) -> pl.Expr:
    return role.replace_strict(ROLE_NOUN, default="element")


def on_image(targets: pl.DataFrame, screenshots: pl.DataFrame) -> pl.DataFrame:
    """Adds the screenshot's `image_width`/`image_height` and the click point (the box centre)."""
    sizes = screenshots.select("screenshot_id", image_width="width", image_height="height").unique("screenshot_id")
    return targets.join(sizes, on="screenshot_id", how="left").with_columns(
        click_x=((pl.col("x1") + pl.col("x2")) / 2).round(2),
        click_y=((pl.col("y1") + pl.col("y2")) / 2).round(2),
    )
