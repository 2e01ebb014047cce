"""Text from documents (and from the model) is data: it must never act as markup or prompt.

- `defang_prompt`: for any document text put into a prompt (passages and titles alike),
  so it cannot close the untrusted-data block the prompt wraps it in.
- `inert_markdown`: for document text shown in Markdown output (titles and quotes of the
  OpenAI-compatible "Sources" list): the characters that start a link, image, HTML tag,
  entity or emphasis are backslash-escaped (CommonMark lets any punctuation be), on one
  line, so no block markup can start either.
- `inert_answer`: the same for an answer's prose, keeping its `[n]` citation markers.
"""

from __future__ import annotations

import re

PROMPT_FENCES = (("PASSAGES>>>", "PASSAGES>>"), ("<<<PASSAGES", "<<PASSAGES"))
# What can start a link, image, HTML tag, entity, code span, emphasis or table cell in a
# line of Markdown; plain punctuation (. , : ( ) -) stays as it is, so text reads normally.
_ACTIVE_CHARS = r"""[!&*<>\[\\\]_`|~]"""
_PUNCTUATION = re.compile(f"({_ACTIVE_CHARS})")
_ACTIVE = re.compile(rf"(\[\d+(?:\s*,\s*\d+)*\])|({_ACTIVE_CHARS})")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def defang_prompt(text: str) -> str:
    """Document text as it may appear inside the prompt's untrusted-data block."""
    for fence, harmless in PROMPT_FENCES:
        while fence in text:
            text = text.replace(fence, harmless)
    return text


def inert_markdown(text: str) -> str:
    """One line of document text that renders as itself in Markdown and HTML-in-Markdown."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def inert_answer(text: str) -> str:
    """Answer prose for Markdown clients: citation markers kept, anything active escaped."""
    return _ACTIVE.sub(lambda m: m.group(1) or "\\" + m.group(2), text)
