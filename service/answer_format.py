"""The answer format, enforced on whatever the model replies.

An answer is plain prose whose sentences cite retrieved passages with `[n]`.
The model's reply is untrusted (a retrieved document may carry instructions the
model obeys), so before the citation check:
- markup is removed: HTML/XML tags (script and style elements with their
  content), Markdown images, and Markdown links (their text is kept), so no
  client that renders the answer fetches or links anything;
- control characters other than newlines and tabs are removed;
- every sentence that cites no retrieved passage is dropped: the service only
  states what it can show a retrieved passage for. Markers after a sentence's
  full stop ("... in Doha. [2]") count for that sentence, as in citations.py.
"""

from __future__ import annotations

import re

from service.citations import MARKER
from service.text import split_sentences

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LEADING_MARKERS = re.compile(r"(\s*\[[\d,\s]+\])+")


def strip_markup(text: str) -> str:
    text = _SCRIPT_OR_STYLE.sub("", text)
    text = _TAG.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    return _CONTROL.sub("", text)


def keep_cited_sentences(text: str, passage_count: int) -> str:
    """Cut out sentence bodies that cite none of passages 1..passage_count."""
    sentences = split_sentences(text)
    dropped: list[tuple[int, int]] = []
    for i, sentence in enumerate(sentences):
        leading = _LEADING_MARKERS.match(sentence.text)
        body_start = sentence.start + (leading.end() if leading else 0)
        body = text[body_start : sentence.end]
        following = sentences[i + 1].text if i + 1 < len(sentences) else ""
        next_leading = _LEADING_MARKERS.match(following)
        cited_after = next_leading is not None and _cites(next_leading.group(0), passage_count)
        if body.strip() and not (_cites(body, passage_count) or cited_after):
            dropped.append((body_start, sentence.end))
    kept, position = [], 0
    for start, end in dropped:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return _tidy("".join(kept))


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
