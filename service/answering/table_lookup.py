"""Which rows of a table a question looks up (the extractive answerer's candidates).

The scorer, fitted on prose, favours a sentence that adds names to the question, which
in a table is every row but the one asked about; a table is read by looking its row
up by its key instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.answering.extractive_model import Candidate
from service.core.records import Passage
from service.core.text import content_words, row_cells


def looked_up(
    question: str, candidates: list[Candidate], passages: Sequence[Passage]
) -> list[Candidate]:
    """The candidates without the rows of a table that the question does not look up. A
    table's row is found by its key (`_key_column`: a day, a team, an item, a year), so
    where the question names more of one row's key than of others', those others are no
    answer ("When does the library close on Saturday?": the Saturday row, not the Sunday
    one whose "Closed" the question also names). The scorer, fitted on prose, favours a
    sentence that adds names to the question, which in a table is every row but the one
    asked about."""
    tables: dict[tuple[int, tuple[str, ...]], list[tuple[int, list[str]]]] = {}
    for i, c in enumerate(candidates):
        chunk = passages[c.passage_rank].chunk
        header, cells = row_cells(chunk.text, c.span, chunk.context)
        if header:
            tables.setdefault((c.passage_rank, tuple(header)), []).append((i, cells))
    asked = set(content_words(question))
    dropped: set[int] = set()
    for rows in tables.values():
        table = [[set(content_words(cell)) for cell in cells] for _, cells in rows]
        key = _key_column(table, asked)
        if key is None:
            continue
        keys = [cells[key] for cells in table]
        named = [len(words & asked) / len(words) if words else 0.0 for words in keys]
        dropped |= {i for (i, _), share in zip(rows, named, strict=True) if share < max(named)}
    return [c for i, c in enumerate(candidates) if i not in dropped]


def _key_column(table: list[list[set[str]]], asked: set[str]) -> int | None:
    """The column the question looks its row up by (`table`: each row's cells' content
    words), of those whose cells all differ and some of which the question names: the
    first whose cells are not only figures (a day, a team); else the first of figures (a
    year, a route) whose figure no other column holds (not "18" for a team of 18 points in
    a table numbered 1 to 20); None if none."""
    width = min(len(cells) for cells in table)
    named = [
        column
        for column in range(width)
        if len({frozenset(cells[column]) for cells in table}) == len(table)
        and any(cells[column] & asked for cells in table)
    ]
    for column in named:
        if not all(_figure(word) for cells in table for word in cells[column]):
            return column
    for column in named:
        figures = asked & {word for cells in table for word in cells[column]}
        others = {
            w for cells in table for i, words in enumerate(cells) if i != column for w in words
        }
        if not figures & others:
            return column
    return None


def _figure(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word)
