"""The figures a claim must hold: those its passage has to give for the claim to hold,
and where a table's row gives them.

A claim's figure is held by its passage where the passage writes it, with two
exceptions that read a figure as what it stands for: a figure inside an identifier
the question names ("Velmar-3c") is part of a name, and a year the answer adds to a
month is the passage's own date's year where the passage is dated so. Within a table,
a figure is held under the column the claim names.
"""

from __future__ import annotations

import re

from service.core.dates import MONTHS
from service.core.text import Span, content_words, numbers_in, row_cells

_DIGITS = re.compile(r"\d")
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATED_YEAR = re.compile(  # "March 16, 2026", "16 March 2026", "April 2026"
    rf"\b(?:{_MONTH})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_IDENTIFIER = re.compile(r"\b[^\W\d_]+-?\d[^\W_]*")  # "Velmar-3c", "XR-7", "B52"


def claimed_figures(claim: str, question: str = "", date: str | None = None) -> set[str]:
    """The figures a passage must hold for the claim to hold: the claim's figures, less those
    of an identifier the question names as the claim does ("Velmar-3c", which the passage may
    call "the planet", as a name the question holds need not be in it), and less the year of
    the passage's own date where the claim writes it after a month ("sworn in on March 16,
    2026" from a passage dated 2026-03-06 that says "on March 16": the answering model reads
    each excerpt under its date)."""
    asked = {m.group().lower() for m in _IDENTIFIER.finditer(question)}
    claim = _IDENTIFIER.sub(lambda m: " " if m.group().lower() in asked else m.group(), claim)
    figures = numbers_in(claim)
    year = (date or "")[:4]
    if any(m.group(1) == year for m in _DATED_YEAR.finditer(claim)):
        figures.discard(year)
    return figures


def figures_under_named_columns(
    claim: str, figures: set[str], passage: str, sentence: Span, context: str = ""
) -> bool:
    """Whether a table row, where `sentence` is one, gives each of the claim's `figures`
    under a column the claim names, where it names any: "The weekend price is 9" does not
    hold over a row whose 9 is the weekday price and whose weekend cell is empty. A figure
    in a cell whose words the claim also has ("Kiosk 9 upstairs") is the cell's, not a
    column's. Any other sentence, a claim naming no column, and a figure in no cell of the
    row pass."""
    header, cells = row_cells(passage, sentence, context)
    claimed = set(content_words(claim))
    named = {i for i, name in enumerate(header) if set(content_words(name)) & claimed}
    if not named:
        return True
    worded = {
        i for i, cell in enumerate(cells) if set(content_words(_DIGITS.sub(" ", cell))) & claimed
    }
    for figure in figures:
        holders = {i for i, cell in enumerate(cells) if figure in numbers_in(cell)}
        if holders and not holders & (named | worded):
            return False
    return True
