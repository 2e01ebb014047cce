"""Emails saved as files (.eml): the body, the subject as the title, the day sent as the date."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from service.core.errors import UnreadableFile
from service.ingest.loaders import Metadata, format_of, load_file

SAID = "The board approved a night ferry on Tuesday. It runs from 15 May."


def _email(subject: str, date: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Harbour Board <board@example.org>"
    message["Date"] = date
    return message


def test_the_plain_body_with_the_subject_and_the_day_it_was_sent() -> None:
    """The plain part where there is one (not the HTML alternative, not the attachment)."""
    message = _email("Night ferry approved", "Tue, 03 Mar 2026 18:05:00 +0100")
    message.set_content(f"Dear residents,\n\n{SAID}\n")
    message.add_alternative(f"<table><tr><td><p>{SAID}</p></td></tr></table>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    doc = load_file(bytes(message), "news.eml", ".eml", Metadata())
    assert doc.text == f"Dear residents,\n\n{SAID}"
    assert (doc.title, doc.date) == ("Night ferry approved", "2026-03-03")


def test_an_html_only_email_in_another_charset_is_read_as_a_page() -> None:
    message = _email("Café opens at the pier", "not a date")  # a date that is none: no date
    message.set_content(
        "<p>The café opens on <b>Friday</b>.</p>", subtype="html", charset="latin-1"
    )
    doc = load_file(bytes(message), "cafe.eml", ".eml", Metadata())
    assert (doc.text, doc.title, doc.date) == (
        "The café opens on Friday.",
        "Café opens at the pier",
        None,
    )


def test_files_that_are_no_readable_email_are_refused() -> None:
    cases = [
        (b"just some text\n\nwithout headers", "is not an email"),
        (b"Subject: empty\n\n", "has no text"),
        (b"Subject: x\nContent-Type: text/plain; charset=bogus\n\nhello", "cannot be decoded"),
    ]
    for data, words in cases:
        with pytest.raises(UnreadableFile, match=words):
            load_file(data, "mail.eml", ".eml", Metadata())
    assert format_of("upload", "message/rfc822") == ".eml"
