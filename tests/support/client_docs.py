"""A small invented library for client tests: facts the extractive answerer can cite."""

from __future__ import annotations

from pathlib import Path

DOCUMENTS = {
    "lighthouse.md": (
        "date 2021-05-14\n"
        "# The Varnholm lighthouse reopens\n\n"
        "The Varnholm lighthouse reopened to visitors on 12 May 2021 after a two-year "
        "restoration. The restoration was paid for by the Coastal Heritage Fund, which "
        "spent 4.2 million crowns on the tower and the keeper's house.\n\n"
        "The lighthouse was built in 1872 and its lamp was automated in 1961. Visitors can "
        "climb the 143 steps to the gallery from April to October.\n"
    ),
    "orchard.txt": (
        "date 2022-09-03\n"
        "Brennach cider harvest\n\n"
        "The Brennach orchard cooperative pressed 310 tonnes of apples this autumn, its "
        "largest harvest since it was founded in 1994. The Brennach orchard cooperative has "
        "58 member farms, most of them in the Lower Tamsel valley.\n\n"
        "Its best-known cider, Grey Heron, is aged for nine months in oak barrels.\n"
    ),
}
QUESTION = "Who paid for the restoration of the Varnholm lighthouse?"
ANSWER_WORDS = "Coastal Heritage Fund"
FOLLOW_UP = "How many steps does it have?"
OTHER_QUESTION = "How many member farms does the Brennach orchard cooperative have?"


def write_library(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
