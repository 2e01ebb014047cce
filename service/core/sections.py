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
def _headings(text: str) -> tuple[tuple[int, int, str], ...]:
    """(where its line starts, where it ends, its words) of every heading of the text."""
    return tuple(
        (m.start(), m.end(), m.group("name").strip("*_ \t")) for m in _HEADING.finditer(text)
    )


def on_heading_line(text: str, start: int) -> bool:
    """Whether `start` is on a Markdown heading's line."""
    return bool(_HEADING.match(text, text.rfind("\n", 0, start) + 1))


def _nearest(text: str, start: int) -> tuple[int, int, str] | None:
    """The nearest heading that ends before `start`; None when none does, or when `start` is
    on a heading's line (its own heading)."""
    if on_heading_line(text, start):
        return None
    found = _headings(text)
    i = bisect.bisect_right(found, start, key=lambda heading: heading[1]) - 1
    return found[i] if i >= 0 else None


def section_heading(text: str, start: int, title: str = "") -> str:
    """The words of the nearest heading that ends before `start` (`_nearest`), "" when there
    is none or it only repeats the document's `title` (shown with every passage already)."""
    heading = _nearest(text, start)
    if heading is None or heading[2].casefold() == title.strip().casefold():
        return ""
    return heading[2]


def heading_before(text: str, start: int) -> str:
    """The line of the nearest heading that ends before `start` (`_nearest`), and a blank
    line: put before `text[start:]`, it keeps the sentences there in their section (a chunk
    cut from inside a long section); "" when there is none."""
    heading = _nearest(text, start)
    return f"{text[heading[0] : heading[1]].strip()}\n\n" if heading else ""


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
