"""Sentence splitting and word tokenising, with character offsets kept."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A sentence ends at . ! ? (optionally followed by closing quotes, brackets or Markdown
# emphasis) before whitespace and an upper-case letter, digit or opening quote; at a blank
# line; at the line break before a list item, a Markdown heading or a table's row; at the end
# of a heading's or a row's line; and before the line of = or - that underlines a heading
# ("Prices\n------"). A table's row ("| Night | 4 | 10 pm |") is a sentence of its own.
LIST_ITEM = r"(?:[-*+•▪◦]|\d{1,3}[.)])[ \t]+(?=\S)"  # the marker a list item opens with
_SENTENCE_END = re.compile(
    r"""[.!?]["'”’)\]*_]*(?=\s+["'“‘(\[*_]*[A-Z0-9])|\n\s*\n"""
    rf"|\n(?=[ \t]*(?:{LIST_ITEM}|#{{1,6}}[ \t]|\|))"
    r"|(?m:^[ \t]*#{1,6}[ \t][^\n]*)(?P<line_end>\n)|(?<=\|)(?P<row_end>[ \t]*\r?\n)"
    r"|(?P<underline>\n[ \t]*(?:={2,}|-{2,})[ \t]*\r?)(?=\n|\Z)"
)
_TABLE_ROW = re.compile(r"[ \t]*\|")
_CELL_EDGES = re.compile(r"^[ \t]*\|[ \t]*|[ \t]*\|?[ \t\r]*$")
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
        line_end = next((g for g in ("line_end", "row_end", "underline") if match.group(g)), "")
        if line_end:  # a heading's or a row's line, or a heading's underline
            _append_trimmed(spans, text, start, match.start(line_end))
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
    """The span without the space around it, nor the marker a list item opens with, nor
    the bars that open and close a table's row; a table's delimiter row ("|---|:--:|") is
    no sentence."""
    while start < end and text[start].isspace():
        start += 1
    if marker := _LIST_MARKER.match(text, start, end):
        start = marker.end()
    elif text.startswith("|", start, end):  # a table's row
        if _is_delimiter_row(text[start:end]):
            return
        while start < end and text[start] in " \t|":  # the opening bar, and empty cells
            start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if text.endswith("|", start, end) and (end == len(text) or text[end] in "\r\n"):
        while end > start and text[end - 1] in " \t|":  # the closing bar, and empty cells
            end -= 1
    if end > start:
        spans.append(Span(start, end, text[start:end]))


def _is_delimiter_row(line: str) -> bool:
    """A Markdown table's line between its header and its rows ("|---|:--:|")."""
    return "-" in line and "|" in line and not line.strip(" \t\r|:-")


def _line(text: str, position: int) -> tuple[int, int]:
    """Where the line holding `position` starts and ends (before its line break)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end < 0 else end


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _CELL_EDGES.sub("", line).split("|")]


def is_table_row(text: str, start: int) -> bool:
    """Whether `start` is in a table's row: a line that opens with a bar ("| cell | cell |")."""
    return bool(_TABLE_ROW.match(text, _line(text, start)[0]))


def table_head(text: str, start: int) -> tuple[int, int] | None:
    """Where the header row above the table's row holding `start` starts, and where the
    delimiter row under that header ends (a Markdown table, or an HTML one as the pages give
    it: a header row, a delimiter row, then the rows); None when `start` is in no row under
    a header (or `text` starts below it)."""
    line_start = _line(text, start)[0]
    found = _tables(text)
    i = bisect.bisect_left(found, (line_start,)) - 1  # the last table whose header is above
    if i >= 0 and found[i][1] < line_start <= found[i][2]:
        return found[i][0], found[i][1]
    return None


@lru_cache(maxsize=32)
def _tables(text: str) -> tuple[tuple[int, int, int], ...]:
    """Each table of `text` that has a header: where its header row starts, where the
    delimiter row under it ends, and where its last row ends (where the delimiter row ends,
    when it has none); in one pass over the lines (a long table's every chunk asks, and its
    rows are many)."""
    found: list[tuple[int, int, int]] = []
    head: tuple[int, int] | None = None  # of the table being read
    rows_end = rows_end_before = 0  # its last row's end, and the one before that row's
    row: tuple[int, int] | None = None  # the line before, when it is a row
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if not _TABLE_ROW.match(line):
            if head:
                found.append((*head, rows_end or head[1]))
            head, row = None, None
            continue
        if row and _is_delimiter_row(line):  # the row before is a header
            if head:
                found.append((*head, rows_end_before or head[1]))
            head, rows_end = (row[0], end), 0
        elif head:
            rows_end_before, rows_end = rows_end, end
        row = (start, end)
    if head:
        found.append((*head, rows_end or head[1]))
    return tuple(found)


def is_table_header(text: str, start: int) -> bool:
    """Whether `start` is in a table's header row: the row right above its delimiter row."""
    line_start = _line(text, start)[0]
    found = _tables(text)
    i = bisect.bisect_left(found, (line_start,))
    return i < len(found) and found[i][0] == line_start


def table_context(text: str, start: int) -> str:
    """What, put before `text[start:]`, lets the table's rows there read under their header:
    the header row and the delimiter row, and the part of its row before `start`; "" when
    `start` is in no table's row under a header, or that header is not before it; the
    part of the header row before `start` when `start` is in the header row (a passage
    opens with the table's first sentence, after its row's opening bar)."""
    line_start = text.rfind("\n", 0, start) + 1
    if is_table_header(text, start):
        return text[line_start:start]
    head = table_head(text, start)
    if head is None or head[1] >= start:
        return ""
    return f"{text[head[0] : head[1]]}\n{text[line_start:start]}"


def row_cells(text: str, sentence: Span, before: str = "") -> tuple[list[str], list[str]]:
    """The names of the columns of the table's row that `sentence` starts, and the row's
    cells from its start to the sentence's end (a row's first cells may be empty: "|  | 9 am
    |" holds the second column's cell); ([], []) when it starts none under a header.
    `before`: the table's context of a passage that starts inside a table
    (`table_context`)."""
    if before:
        text = before + text
        sentence = Span(sentence.start + len(before), sentence.end + len(before), sentence.text)
    head = table_head(text, sentence.start)
    row_start = _line(text, sentence.start)[0]
    if head is None or text[row_start : sentence.start].strip(" \t|"):
        return [], []  # no row under a header, or not the start of its row
    return _cells(text[head[0] : _line(text, head[0])[1]]), _cells(text[row_start : sentence.end])


def read_with_header(text: str, sentence: Span, before: str = "") -> str:
    """A table's row read with its header, each cell after its column's name ("Shift: Night
    | Bakers: 4"), so that the row says what its figures are, and an empty cell left out;
    any other sentence as it is. `before`: as for `row_cells`."""
    header, cells = row_cells(text, sentence, before)
    if not header:
        return sentence.text
    columns = header + [""] * (len(cells) - len(header))
    named = zip(columns, cells, strict=False)
    return " | ".join(f"{name}: {cell}" if name else cell for name, cell in named if cell)


def item_line_start(text: str, start: int) -> int | None:
    """Where the line of the list item whose text starts at `start` begins; None when no list
    marker stands alone before `start` on its line (it is no item's text)."""
    line_start = text.rfind("\n", 0, start) + 1
    marker = _ITEM_OPENING.match(text, line_start)
    return line_start if marker and marker.end() == start else None


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessives folded ("mayor's" -> "mayor")."""
    return [_folded(t) for t in _WORD.findall(text.lower().replace("’", "'"))]


def word_matches(text: str) -> Iterator[re.Match[str]]:
    """The text's word tokens (as `words` finds them), with their places."""
    return _WORD.finditer(text)


def content_words(text: str) -> list[str]:
    """Word tokens without stopwords, stemmed (Snowball), for lexical matching.

    The same as stemming `words(text)` minus stopwords, one cached lookup per token
    (the index, the evidence ranking and the answerer all call this on every passage)."""
    return [term for term in map(_term, _WORD.findall(text.lower().replace("’", "'"))) if term]


# "How much" and "how many" ask for an amount or a count: "much" and "many" say what kind of
# answer is wanted, and the sentence that states it seldom holds them. ("How long", "how old"
# and the like are kept: the sentence may say "long" or "old", and without those words, a
# passage on the same subject that gives no length or age matched as well; 34 questions
# written over a user's files, docs/answer-quality.md.)
HOW_MUCH_OR_MANY = re.compile(r"\bhow\s+(?:much|many)\b", re.I)


def without_how_measure(question: str) -> str:
    """The question without the "much" or "many" of "how much" or "how many" ("How much is
    the fund?" -> "how is the fund?"), for matching its words with the documents'."""
    return HOW_MUCH_OR_MANY.sub("how", question)


def asked_words(question: str) -> list[str]:
    """The content words a question asks about, to be found in the documents' words (its
    content words, less the measure word of "how much" or "how many")."""
    return content_words(without_how_measure(question))


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
