"""Sentence splitting and word tokenising, with character offsets kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A sentence ends at . ! ? (optionally followed by closing quotes, brackets or Markdown
# emphasis) before whitespace and an upper-case letter, digit or opening quote; at a blank
# line; at the line break before a list item or a Markdown heading; at the end of a heading's
# line; and before the line of = or - that underlines a heading ("Prices\n------").
LIST_ITEM = r"(?:[-*+•▪◦]|\d{1,3}[.)])[ \t]+(?=\S)"  # the marker a list item opens with
_SENTENCE_END = re.compile(
    r"""[.!?]["'”’)\]*_]*(?=\s+["'“‘(\[*_]*[A-Z0-9])|\n\s*\n"""
    rf"|\n(?=[ \t]*(?:{LIST_ITEM}|#{{1,6}}[ \t]))"
    r"|(?m:^[ \t]*#{1,6}[ \t][^\n]*)(?P<heading_end>\n)"
    r"|(?P<underline>\n[ \t]*(?:={2,}|-{2,})[ \t]*\r?)(?=\n|\Z)"
)
_LIST_MARKER = re.compile(LIST_ITEM)
_ITEM_OPENING = re.compile(rf"[ \t]*{LIST_ITEM}")
_ITEM_NUMBER = re.compile(r"\s*\d{1,3}[.)]")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "u.s", "inc", "co", "corp"}
# Titles before a name ("the state's Gov. Jo Placeholder", "Lt. Gen. ...") and parts of names
# ("Mt. ...", "... Bros. Ltd.").
_ABBREVIATIONS |= set("gov sen sens rep reps gen lt sgt col maj capt cmdr adm rev prof".split())
_ABBREVIATIONS |= {"hon", "pres", "mt", "ft", "bros", "ltd"}
# Month abbreviations ("Nov. 12, 2020") and initials ("Jo Q. Placeholder") end no sentence.
_ABBREVIATIONS |= set("jan feb mar apr jun jul aug sep sept oct nov dec".split())
_STEMMER = snowballstemmer.stemmer("english")
# Words are runs of letters and digits in any script; a possessive or contraction stays
# on its word. Han characters and kana are written without spaces, so each is a word of
# its own (BM25 on single characters: coarse, but it finds them).
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+(?:['’][^\W\d_{_UNSPACED}]+)?")

STOPWORDS = frozenset(
    """a an and are as at be been but by did do does for from had has have he her his how i if in
    into is it its me my of on or our she so than that the their them then there these they this
    those to was we were what when where which who whom whose why will with would you your about
    after also any can could over under up out more most other some such only own same just being
    should were while during before again further here once all both each few nor not very s t
    until against between through above below off""".split()
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """Split text into sentence spans whose offsets slice `text` exactly (whitespace trimmed)."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group("heading_end") or match.group("underline"):
            heading_end = match.start("heading_end" if match.group("heading_end") else 0)
            _append_trimmed(spans, text, start, heading_end)
            start = match.end()
            continue
        paragraph_break = match.group(0).startswith("\n")  # or a line's break before an item
        end = match.start() if paragraph_break else match.end()
        last_word = text[start:end].rstrip(".!?\"'”’)]*_").rsplit(None, 1)[-1:] or [""]
        initial = len(last_word[0]) == 1 and last_word[0].isupper()
        item_number = _ITEM_NUMBER.fullmatch(text, start, end)  # "2. The council voted."
        if paragraph_break or not (
            initial or item_number or last_word[0].lower() in _ABBREVIATIONS
        ):
            _append_trimmed(spans, text, start, end)
            start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    """The span without the space around it, nor the marker a list item opens with."""
    while start < end and text[start].isspace():
        start += 1
    if marker := _LIST_MARKER.match(text, start, end):
        start = marker.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end, text[start:end]))


def item_line_start(text: str, start: int) -> int | None:
    """Where the line of the list item whose text starts at `start` begins; None when no list
    marker stands alone before `start` on its line (it is no item's text)."""
    line_start = text.rfind("\n", 0, start) + 1
    marker = _ITEM_OPENING.match(text, line_start)
    return line_start if marker and marker.end() == start else None


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessives folded ("mayor's" -> "mayor")."""
    return [_folded(t) for t in _WORD.findall(text.lower().replace("’", "'"))]


def content_words(text: str) -> list[str]:
    """Word tokens without stopwords, stemmed (Snowball), for lexical matching.

    The same as stemming `words(text)` minus stopwords, one cached lookup per token
    (the index, the evidence ranking and the answerer all call this on every passage)."""
    return [term for term in map(_term, _WORD.findall(text.lower().replace("’", "'"))) if term]


# Capitalised words that name no one: months and weekdays, written out or cut short.
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun""".split()
)


def names(text: str) -> set[str]:
    """The content words (as `content_words` gives them) of the text's capitalised words of
    three or more letters: the names it mentions ("Jo Placeholder", "Acme"), months, weekdays
    and two-letter abbreviations ("US", written "U.S." elsewhere) left out."""
    found = set()
    for word in map(_folded, _WORD.findall(text.replace("’", "'"))):
        if len(word) >= 3 and word[0].isupper() and word.lower() not in _CALENDAR:
            if term := _term(word.lower()):
                found.add(term)
    return found


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> set[str]:
    """The figures written with digits ("1,200" and "1200" alike)."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _folded(token: str) -> str:
    """The token without its possessive ("Mayor's" -> "Mayor")."""
    return token[:-2] if token.endswith("'s") else token


@lru_cache(maxsize=200_000)
def _term(token: str) -> str:
    """A token's stemmed content word, or "" for a stopword."""
    word = _folded(token)
    if word in STOPWORDS:
        return ""
    # The stemmer knows unaccented Latin-script words: others are kept as they are.
    return str(_STEMMER.stemWord(word)) if word.isascii() else word


# Irregular past forms, stemmed, and the stem of the verb they are forms of (the stemmer
# leaves "won" and "win" apart).
IRREGULAR = {
    "won": "win", "held": "hold", "took": "take", "taken": "take", "made": "make",
    "gave": "give", "given": "give", "began": "begin", "begun": "begin", "led": "lead",
    "sold": "sell", "bought": "buy", "chose": "choos", "chosen": "choos", "becam": "becom",
    "beat": "beat", "wrote": "write", "ran": "run", "built": "build", "paid": "pay",
    "struck": "strike", "stole": "steal", "fought": "fight", "lost": "lose",
}  # fmt: skip


def lemma(stem: str) -> str:
    """The verb a stemmed irregular past form belongs to ("won" -> "win"); else the stem."""
    return IRREGULAR.get(stem, stem)
