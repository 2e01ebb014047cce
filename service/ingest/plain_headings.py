"""The headings of a plain-text file, written as Markdown headings ("## Making a claim").

A guide, a policy or a FAQ saved as text marks its sections without Markdown's "#": a line
of capitals ("3. MAKING A CLAIM"), a numbered line ("4.1 Refunds"), a line underlined with
= or - (Markdown's other heading form), a line all in bold ("**Opening hours**"), or a
FAQ's question ("Q: Can I keep a dog?" over "A: No. Animals are not allowed."). Written
as Markdown headings of their level, as an HTML page's <h2> or a Word heading style are,
the sentences under them are read in their section (service/core/sections.py): "No.
Animals are not allowed." meets a question about a dog.

Only a line of its own is a heading: a short one without the punctuation that closes a
statement, between blank lines (a FAQ's question, and an underlined line, need none; nor
does a PDF's line), so a sentence, a list's item or a numbered step next to another is
never one.
"""

from __future__ import annotations

import re

from service.core.document_head import is_heading, split_front_matter

HEADING_WORDS = 12  # a longer line is a sentence without its full stop, not a heading
# "3. " or "3.1 " (not "7 April", a date): the number of a section, or of a list's item
NUMBER = r"(?:\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}\.)"
_NUMBERED = re.compile(rf"(?P<number>{NUMBER})[ \t]+(?=\S)")
# A source's credit ("ACME WIRE —", "XYZ"), not a heading: a line ending in a dash, or a word
# of at most four characters
_CREDIT = re.compile(r"[\u2013\u2014-]\Z|\A\S{1,4}\Z")
_UNDERLINE = re.compile(r"[ \t]*(?P<rule>=+|-+)[ \t]*")
_QUESTION = re.compile(r"[ \t]*(?:Q|Question)[ \t]*[:.][ \t]*(?P<question>\S.*\?)[ \t]*")
_ANSWER = re.compile(r"[ \t]*(?:A|Answer)[ \t]*[:.][ \t]*(?=\S)")
_BOLD_LINE = re.compile(r"[ \t]*(\*\*|__)(?P<words>[^*_\n]+?)\1[ \t]*")  # "**Opening hours**"
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_MARKDOWN_BLOCK = re.compile(r"[ \t]*(?:#|\||>|[-*+•][ \t])")  # a heading, a row, a quote, an item


def mark_headings(text: str, *, between_blank_lines: bool = True) -> str:
    """`text` with each of its plain-text headings written as a Markdown heading. A line of
    capitals or a numbered line must stand between blank lines, unless
    `between_blank_lines` is False: a PDF's text has no blank lines, but its lines are its
    layout's, with those it wrapped mid-sentence joined again (service/ingest/pdf_text.py)."""
    _, body_start = split_front_matter(text)
    lines = text[body_start:].split("\n")
    out: list[str] = []
    fenced = False  # in a block of code
    i = 0
    while i < len(lines):
        if _FENCE.match(lines[i]):
            fenced = not fenced
            found = None
        else:
            found = None if fenced else _heading(lines, i, between_blank_lines)
        line, used = found or (lines[i], 1)
        out.append(line)
        i += used
    return text[:body_start] + "\n".join(out)


def _heading(lines: list[str], i: int, between_blank_lines: bool) -> tuple[str, int] | None:
    """The Markdown heading that line `i` is, and how many lines it takes (an underlined one
    takes two); None when it is no heading. A FAQ's answer loses its label ("A:")."""
    line = lines[i]
    following = lines[i + 1] if i + 1 < len(lines) else ""
    underline = _UNDERLINE.fullmatch(following)
    if underline and _short_heading(line) and len(underline.group("rule")) >= 3:
        return f"{'#' if underline.group('rule')[0] == '=' else '##'} {line.strip()}", 2
    question = _QUESTION.fullmatch(_unbold(line))
    if question and len(question.group("question").split()) <= 2 * HEADING_WORDS:
        answer = i + 1 if following.strip() else i + 2  # on the next line, or after a blank
        if answer < len(lines) and _ANSWER.match(_unbold(lines[answer])):
            lines[answer] = _ANSWER.sub("", _unbold(lines[answer]), count=1)
        blank = "\n" if following.strip() else ""  # a blank line between it and its answer
        return f"### {question.group('question')}{blank}", 1
    before = lines[i - 1] if i else ""
    if between_blank_lines and (before.strip() or following.strip()):
        return None
    bold = _BOLD_LINE.fullmatch(line)
    if bold and _short_heading(bold.group("words")):
        return f"## {bold.group('words').strip()}", 1
    level = _level(line)
    if level and not _numbered_step(lines, i):
        return f"{'#' * level} {line.strip()}", 1
    return None


def _unbold(line: str) -> str:
    """The line without Markdown's bold marks ("**Q:** Can I park?" is "Q: Can I park?")."""
    return line.replace("**", "").replace("__", "")


def heading_like(text: str) -> bool:
    """As short as a heading (HEADING_WORDS) and without the punctuation that closes a
    statement: what a bold paragraph of a Word document or a web page must be to be one."""
    return len(text.split()) <= HEADING_WORDS and is_heading(text)


def _short_heading(line: str) -> bool:
    bare = line.strip()
    return (
        bool(bare)
        and not _MARKDOWN_BLOCK.match(line)
        and heading_like(bare)
        and any(ch.isalpha() for ch in bare)
    )


def _level(line: str) -> int:
    """2 for a line of capitals or a numbered line ("3. MAKING A CLAIM", "3. Making a
    claim"), 3 and on for a numbered line a level down ("3.1 Refunds"); 0 for any other."""
    if not _short_heading(line):
        return 0
    bare = line.strip()
    numbered = _NUMBERED.match(bare)
    if numbered and bare[numbered.end() :][:1].isupper():
        return min(2 + numbered.group("number").rstrip(".").count("."), 6)
    return 2 if _capitals(bare) and not _CREDIT.search(bare) else 0


def _numbered_step(lines: list[str], i: int) -> bool:
    """Line `i`, numbered, next to another (the line of text before or after it is numbered
    too): a list's step ("1. Open the app", "2. Tap Settings"), not a section's heading,
    unless it is in capitals."""
    if not _NUMBERED.match(lines[i].strip()) or _capitals(lines[i]):
        return False
    return any(_NUMBERED.match(_text_line(lines, i, step).strip()) for step in (-1, 1))


def _text_line(lines: list[str], i: int, step: int) -> str:
    """The nearest line of text before (`step` -1) or after (1) line `i`; "" when none."""
    j = i + step
    while 0 <= j < len(lines) and not lines[j].strip():
        j += step
    return lines[j] if 0 <= j < len(lines) else ""


def _capitals(text: str) -> bool:
    cased = [ch for ch in text if ch.isupper() or ch.islower()]
    return len(cased) >= 2 and all(ch.isupper() for ch in cased)
