"""The names a text mentions: its capitalised words, less those that name no one."""

from __future__ import annotations

import re

from service.core.dates import MONTHS
from service.core.text import content_words, word_matches

# Capitalised words that name no one: months and weekdays, written out or cut short.
_CALENDAR = MONTHS | frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun""".split()
)
_INTRODUCTORY = re.compile(r"[,.!]")


def names(text: str) -> set[str]:
    """The content words (as `content_words` gives them) of the text's capitalised words of
    three or more letters: the names it mentions ("Jo Placeholder", "Acme"), months, weekdays
    and two-letter abbreviations ("US", written "U.S." elsewhere) left out, and so is a word
    that opens a sentence before a comma or a full stop ("Yes, …", "However, …"), which is
    capitalised for its place."""
    text = text.replace("’", "'")
    found = set()
    for match in word_matches(text):
        word = match.group().removesuffix("'s")  # a possessive: "Acme's" names "Acme"
        if len(word) < 3 or not word[0].isupper() or word.lower() in _CALENDAR:
            continue
        if _INTRODUCTORY.match(text, match.end()) and _opens_sentence(text, match.start()):
            continue
        found.update(content_words(word))
    return found


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of its sentence (of the text, or after a
    sentence's end, a line break or a list marker)."""
    before = text[:start].rstrip(" \t\"'*(")
    return not before or before[-1] in ".!?:\n-" or before.endswith("]")
