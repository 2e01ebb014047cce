"""The section a sentence is in: the Markdown heading nearest above it ("## Lost property").

A handbook's, a manual's or a FAQ's sentences often leave their subject to the heading
above them: under "## Lost property", "Items left behind are kept for 30 days" never says
"lost". Read under its heading, such a sentence meets a question in the heading's words.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from service.core.text import Span, read_with_header

_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<name>[^\n]*?)[ \t#]*$", re.MULTILINE)


@lru_cache(maxsize=32)
def _headings(text: str) -> tuple[tuple[int, str], ...]:
    """(where its line ends, its words) of every heading of the text, in order."""
    return tuple((m.end(), m.group("name").strip("*_ \t")) for m in _HEADING.finditer(text))


def section_heading(text: str, start: int, title: str = "") -> str:
    """The words of the nearest heading that ends before `start`, "" when none does, when
    `start` is on a heading's line, or when it only repeats the document's `title` (shown
    with every passage already)."""
    if _HEADING.match(text, text.rfind("\n", 0, start) + 1):  # a heading's own line
        return ""
    found = _headings(text)
    i = bisect.bisect_right(found, (start, "\uffff")) - 1  # the last ending by `start`
    if i < 0 or found[i][1].casefold() == title.strip().casefold():
        return ""
    return found[i][1]


def heading_before(text: str, start: int) -> str:
    """The line of the nearest heading that ends before `start`, and a blank line: put before
    `text[start:]`, it keeps the sentences there in their section (a chunk cut from inside
    a long section); "" when no heading ends before `start`, or `start` is on a heading's
    line (its own heading follows)."""
    found = _headings(text)
    i = bisect.bisect_right(found, (start, "\uffff")) - 1
    if i < 0 or _HEADING.match(text, text.rfind("\n", 0, start) + 1):
        return ""
    end = found[i][0]
    return text[text.rfind("\n", 0, end) + 1 : end].strip() + "\n\n"


def read_in_section(text: str, sentence: Span, before: str = "", title: str = "") -> str:
    """The sentence as read to be compared with a question or a claim: a table's row with its
    header (`read_with_header`), any other sentence under its section's heading if it has
    one that is not the document's `title` ("Lost property: Items left behind are kept for
    30 days."). `before`: what comes before `text` (a chunk's context: the heading it
    starts under, the header of the table it starts in)."""
    read = read_with_header(text, sentence, before)
    if read != sentence.text:  # a table's row
        return read
    heading = section_heading(before + text, sentence.start + len(before), title)
    return f"{heading}: {sentence.text}" if heading else sentence.text
