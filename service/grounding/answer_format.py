"""The answer format, enforced on whatever the model replies.

An answer is plain prose whose sentences cite retrieved passages with `[n]`.
The model's reply is untrusted (a retrieved document may carry instructions the
model obeys), so before the citation check:
- markup is removed: HTML/XML tags (script and style elements with their
  content; an unclosed tag at the end), Markdown images (inline and reference
  style, escaped brackets in their text too), link reference definitions, and
  Markdown links (their text is kept), so no
  client that renders the answer fetches or links anything;
- control characters other than newlines and tabs are removed;
- every sentence that cites no retrieved passage is dropped: the service only
  states what it can show a retrieved passage for; so is a sentence repeating an
  earlier one. Markers after a sentence's
  full stop ("... in Doha. [2]") count for that sentence, as in citations.py; a
  reply left with markers and no words is no answer.
Streams go through the same check (CheckedStream): they carry whole checked
sentences, never the raw reply; drafts (draft_text), shown only until the checked
answer replaces them, carry the reply with its markup removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.core.text import item_line_start, numbers_in, split_sentences
from service.grounding.citations import LEADING_MARKERS, MARKER

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_UNCLOSED_TAG = re.compile(r"</?[A-Za-z!?][^<>]*$")  # '<img src=x onerror=...' at the end
# Link text: escaped characters (\]) and one level of nested brackets, as CommonMark allows.
_LABEL = r"((?:\\.|\[[^\]]*\]|[^\]\\])*)"
_MD_IMAGE = re.compile(r"!\[" + _LABEL + r"\]\s*(\([^)]*\)|\[[^\]]*\])")  # inline, reference
_MD_LINK = re.compile(r"\[" + _LABEL + r"\]\([^)]*\)")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$", re.M)  # [ref]: http://...
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_markup(text: str) -> str:
    text = _SCRIPT_OR_STYLE.sub("", text)
    text = _TAG.sub("", text)
    text = _UNCLOSED_TAG.sub("", text)
    text = _MD_REFERENCE.sub("", text)  # so no reference-style image or link can resolve
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    return _CONTROL.sub("", text)


# A figure whose thousands the model wrote apart ("140, 000"): each group after the first
# is a comma, one space and three digits.
_SPLIT_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:, \d{3})+(?![\d.,]\d)")


def rejoin_split_figures(reply: str, passages: Sequence[str]) -> str:
    """The reply with each figure written apart ("140, 000") written as some passage writes
    it ("140,000"); a list of figures ("rooms 101, 102") that no passage writes as one
    figure is left as it is."""
    if not _SPLIT_FIGURE.search(reply):  # most replies: the passages are not read
        return reply
    written = set().union(*map(numbers_in, passages))

    def rejoined(match: re.Match[str]) -> str:
        figure = match.group(0).replace(", ", ",")
        return figure if figure.replace(",", "") in written else match.group(0)

    return _SPLIT_FIGURE.sub(rejoined, reply)


def keep_cited_sentences(text: str, passage_count: int) -> str:
    """Cut out sentence bodies that cite none of passages 1..passage_count, and any that
    repeats an earlier one word for word (a small model sometimes loops)."""
    sentences = split_sentences(text)
    dropped: list[tuple[int, int]] = []
    seen: set[str] = set()
    for i, sentence in enumerate(sentences):
        leading = LEADING_MARKERS.match(sentence.text)
        body_start = sentence.start + (leading.end() if leading else 0)
        body = text[body_start : sentence.end]
        following = sentences[i + 1].text if i + 1 < len(sentences) else ""
        next_leading = LEADING_MARKERS.match(following)
        cited_after = next_leading is not None and _cites(next_leading.group(0), passage_count)
        words = " ".join(MARKER.sub(" ", body).split()).lower()
        if words and words in seen:  # with the markers that follow it
            after = sentences[i + 1].start + next_leading.end() if next_leading else sentence.end
            dropped.append((body_start, after))
        elif body.strip() and not (_cites(body, passage_count) or cited_after):
            dropped.append((_item_start(text, body_start), sentence.end))
        else:
            seen.add(words)
    kept, position = [], 0
    for start, end in dropped:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    answer = _tidy("".join(kept))
    # Markers alone say nothing: a reply whose one sentence was dropped can leave the
    # marker that began it ("[2] <a copied heading>"), which belongs to no sentence.
    return answer if any(c.isalnum() for c in MARKER.sub("", answer)) else ""


def _item_start(text: str, start: int) -> int:
    """Where a list item whose text starts at `start` begins with the line break before its
    marker (a dropped item leaves no empty "-" line), else `start`."""
    line_start = item_line_start(text, start)
    return start if line_start is None else max(line_start - 1, 0)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def enforce_answer_format(reply: str, passage_count: int) -> str:
    return keep_cited_sentences(strip_markup(reply), passage_count)


def _cites(text: str, passage_count: int) -> bool:
    for match in MARKER.finditer(text):
        numbers = [int(x) for x in re.split(r"\s*,\s*", match.group(1))]
        if any(1 <= n <= passage_count for n in numbers):
            return True
    return False


class CheckedStream:
    """Releases a streamed reply in checked pieces, so the stream never carries what the
    final answer would not: markup, uncited sentences, markers naming no passage.

    `check` maps raw reply text to checked answer text (the same function the final
    answer goes through). A sentence is released once the next one has begun (its
    trailing markers are then known). The released pieces add up to the final
    answer; should the checked text of a longer prefix ever not extend what was
    released, nothing more is released and the `done` event carries the answer.
    """

    def __init__(self, check: Callable[[str], str]) -> None:
        self._check = check
        self._raw = ""
        self._stable_end = 0
        self.released = ""

    def feed(self, delta: str) -> str:
        self._raw += delta
        end = _stable_end(self._raw)
        if end <= self._stable_end:
            return ""
        self._stable_end = end
        return self._release(self._check(self._raw[:end]))

    def finish(self, final_text: str) -> str:
        return self._release(final_text)

    def _release(self, checked: str) -> str:
        if not checked.startswith(self.released):
            return ""
        new, self.released = checked[len(self.released) :], checked
        return new


# The end of a reply cut off mid-way: a "<", or a marker, link or image not yet closed.
_UNFINISHED = re.compile(r"(?:</?|!?\[[^\[\]]*(?:\]\([^()]*)?)$")


def draft_text(reply: str) -> str:
    """A reply the model is still writing, fit to be shown as a draft: markup removed and
    an unfinished marker, link, image or tag at its end cut off. Nothing else is checked
    (uncited sentences stay); the checked answer replaces it."""
    return strip_markup(_UNFINISHED.sub("", reply)).strip()


def _stable_end(raw: str) -> int:
    """Where the settled part of a reply ends: whole sentences whose markers are known."""
    unfinished_tag = raw.rfind("<")
    if unfinished_tag != -1 and ">" not in raw[unfinished_tag:]:
        raw = raw[:unfinished_tag]
    sentences = split_sentences(raw)
    if len(sentences) < 2:
        return 0
    last = sentences[-1]
    head = LEADING_MARKERS.match(last.text)
    rest = last.text[head.end() :] if head else last.text
    if rest.lstrip().startswith("[") or not any(c.isalnum() for c in rest):
        # the last sentence may still be adding markers that belong to the one before
        last = sentences[-2]
        head = LEADING_MARKERS.match(last.text)
    return last.start + (head.end() if head else 0)
