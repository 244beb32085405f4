"""GTK 2's accessibility module (GAIL) reports the cells of a tree view's expander column one expander
too far to the right.

GAIL asks GTK for a cell's area (gtk_tree_view_get_cell_area, which since GTK 2.18 already leaves out
the room of the expanders), then moves every cell of the expander column right by the style's
`expander-size` plus its own padding of 4 px once more, and takes as much off its width. So the cell's
right edge is right and its left edge is about 16 px in: HexChat's channel tree and GIMP's Layers list
were published with their icon and name cells 14-17 px right of what is drawn (a box over the edge of
the text, the icon outside it). The expander column is recognised by that gap: the cells of a row tile
the table from its left edge, a column's cell starting within a few px (focus lines) of where the one
before it ends; a cell that starts EXPANDER_SHIFT px or more after it is the expander column's. Its left
edge goes back by EXPANDER_SHIFT, and the cells inside it (one per renderer, placed from it) move with it.
"""

from __future__ import annotations

from transforms.capture.desktop.tree import Tree

# GTK 2's default expander-size (12) and GAIL's EXTRA_EXPANDER_PADDING (4); the themes of the session
# keep the default.
EXPANDER_SHIFT = 16
TABLES = ("tree table", "table")


def gail_expander_cells(tree: Tree) -> int:
    """Move the expander column's cells of every tree view back to where they are drawn; the number of
    cells moved (nested ones included)."""
    children: dict[int, list[int]] = {}
    for i, node in enumerate(tree.nodes):
        children.setdefault(node["parent"], []).append(i)
    moved = 0
    for t, table in enumerate(tree.nodes):
        box = tree.box(t)
        if table["role"] not in TABLES or box is None:
            continue
        rows: dict[tuple, list[int]] = {}
        for c in children.get(t, []):
            cell = tree.box(c)
            if tree.nodes[c]["role"] == "table cell" and cell is not None:
                rows.setdefault((cell[1], cell[3]), []).append(c)
        for row in rows.values():
            start = box[0]
            for c in sorted(row, key=lambda c: tree.box(c)[0]):
                x1, _, x2, _ = tree.box(c)
                if x1 - start >= EXPANDER_SHIFT:
                    moved += _move(tree, c, children)
                start = x2
    return moved


def _move(tree: Tree, top: int, children: dict[int, list[int]]) -> int:
    """The top cell's left edge back by EXPANDER_SHIFT (its right edge stays), its inner cells whole."""
    x, y, w, h = tree.nodes[top]["box"]
    tree.nodes[top]["box"] = [x - EXPANDER_SHIFT, y, w + EXPANDER_SHIFT, h]
    moved, todo = 1, list(children.get(top, []))
    while todo:
        i = todo.pop()
        x, y, w, h = tree.nodes[i]["box"]
        if w > 0 and h > 0:
            tree.nodes[i]["box"] = [x - EXPANDER_SHIFT, y, w, h]
            moved += 1
        todo += children.get(i, [])
    return moved
