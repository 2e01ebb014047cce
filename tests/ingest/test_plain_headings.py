"""A plain-text file's headings become Markdown headings; its sentences, steps and
sources stay as they are."""

from __future__ import annotations

from service.ingest.loaders import Metadata, load_file
from service.ingest.plain_headings import mark_headings

GUIDE = """ACME HOME COVER - CUSTOMER GUIDE

1. WHAT IS COVERED

Fire, storms and theft.

3.2 Cancelling early

You can cancel within 14 days.

Making a claim
==============
Call us within 30 days.

Contacts
--------
Write to the office.
"""


def test_lines_of_capitals_numbered_lines_and_underlined_lines_are_headings() -> None:
    assert mark_headings(GUIDE) == (
        "## ACME HOME COVER - CUSTOMER GUIDE\n\n## 1. WHAT IS COVERED\n\n"
        "Fire, storms and theft.\n\n### 3.2 Cancelling early\n\nYou can cancel within 14 days.\n\n"
        "# Making a claim\nCall us within 30 days.\n\n## Contacts\nWrite to the office.\n"
    )


def test_a_faqs_questions_and_bold_lines_are_headings_and_answers_lose_their_label() -> None:
    faq = (
        "Garden FAQ\n\nQ: Can I keep a dog?\nA: No. Animals are not allowed.\n\n"
        "Question: Is water provided?\nAnswer: Yes, at four taps.\n\n"
        "Q: Is there parking?\n\nA: Yes.\n\n**Q: Is there a cafe?**\n**A:** No.\n\n"
        "**Opening hours**\n\nNine to five.\n\n**A bold sentence.**\n\nText.\n"
    )
    assert mark_headings(faq) == (
        "Garden FAQ\n\n### Can I keep a dog?\n\nNo. Animals are not allowed.\n\n"
        "### Is water provided?\n\nYes, at four taps.\n\n### Is there parking?\n\nYes.\n\n"
        "### Is there a cafe?\n\nNo.\n\n## Opening hours\n\nNine to five.\n\n"
        "**A bold sentence.**\n\nText.\n"
    )


def test_sentences_steps_dates_and_sources_are_no_headings() -> None:
    text = (
        "ACME WIRE —\n\nXYZ\n\nThe harbour ordered cranes\n\n1. Open the app\n\n2. Tap Settings\n\n"
        "7 April 2026: the cranes arrive\n\nA WORD IN CAPITALS ENDS A SENTENCE.\n\n"
        "A paragraph wrapped\nAT A FIXED WIDTH\nstays one.\n\n"
        "- ITEM IN CAPITALS\n\n" + " ".join(["WORD"] * 13) + "\n\n```\nCODE\n====\n```\n"
    )
    assert mark_headings(text) == text


def test_front_matter_is_no_heading() -> None:
    text = "---\ntitle: Notes\n---\nSome text\n---\n\nMore.\n"
    assert mark_headings(text) == "---\ntitle: Notes\n---\n## Some text\n\nMore.\n"


def test_text_and_markdown_files_are_loaded_with_their_headings() -> None:
    faq = b"Q: Can I keep a dog?\nA: No. Animals are not allowed.\n"
    for name in ("faq.txt", "faq.md"):
        doc = load_file(faq, name, "." + name.split(".")[1], Metadata(title="Garden FAQ"))
        assert doc.text == "### Can I keep a dog?\n\nNo. Animals are not allowed.\n"
