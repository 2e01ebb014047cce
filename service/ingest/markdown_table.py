"""Rows of cells written as a Markdown table, as the service reads tables (service.core.text):
the first row the header, a delimiter row under it, every row padded to the widest."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """The table's lines, without a final line break; a cell's runs of space are one space
    and its bar is "/", since a bar separates a row's cells."""
    cleaned = [[" ".join(cell.split()).replace("|", "/") for cell in row] for row in rows]
    width = max((len(row) for row in cleaned), default=0)
    lines = ["| " + " | ".join([*row, *[""] * (width - len(row))]) + " |" for row in cleaned]
    return "\n".join(lines[:1] + ["|" + " --- |" * width] + lines[1:])
