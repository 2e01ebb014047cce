"""The text of an email saved as a file (.eml): its body, its subject as the title and the
day it was sent as the date.

The message is read with the standard library's email package, which decodes its
transfer encoding and charset. The body is the plain text part where the message has
one, else its HTML part read as a page is (service.ingest.html_text: a mailing's
layout tables become lines). Attachments are not read.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from email.message import EmailMessage

from service.core.errors import UnreadableFile
from service.ingest.extracted import Extracted
from service.ingest.html_text import extract_html

_HEADERS = ("subject", "from", "date", "to", "message-id")  # one at least: an email


def extract_email(data: bytes, name: str) -> Extracted:
    """The body, subject and date of the .eml file `data` called `name`."""
    message = email.message_from_bytes(data, _class=EmailMessage, policy=email.policy.default)
    if not any(header in message for header in _HEADERS):
        raise UnreadableFile(f"{name} is not an email (it has no headers)")
    text = _body(message, name)
    if not text.strip():
        raise UnreadableFile(f"{name} has no text")
    subject = " ".join(str(message.get("subject", "")).split()) or None
    return Extracted(text, subject, _day(message))


def _body(message: EmailMessage, name: str) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:  # an unknown or wrong charset
        raise UnreadableFile(f"{name} has a body that cannot be decoded") from exc
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        try:
            return extract_html(content).text
        except (AssertionError, ValueError) as exc:  # html.parser on some malformed markup
            raise UnreadableFile(f"{name} has an HTML body that cannot be parsed") from exc
    return content.replace("\r\n", "\n").strip()


def _day(message: EmailMessage) -> str | None:
    """The day the email was sent (its Date header); None where it has none or no valid one."""
    sent = message.get("date")
    try:
        return email.utils.parsedate_to_datetime(str(sent)).date().isoformat() if sent else None
    except (TypeError, ValueError):
        return None
