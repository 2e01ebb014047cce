"""Comparing sources: the values a sentence gives for a question, and how new a passage is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from service.question import FULL_DATE, MONEY, NUMBER, QuestionInfo, without_dateline
from service.records import Passage


def answer_values(info: QuestionInfo, sentence: str) -> set[str]:
    """Normalised dates, amounts or numbers the sentence offers as an answer."""
    sentence = without_dateline(sentence)
    if info.kind == "date":
        return {v for v in (normal_date(m.group(0)) for m in FULL_DATE.finditer(sentence)) if v}
    if info.kind == "money":
        return {_normal_number(m.group(0)) for m in MONEY.finditer(sentence)}
    if info.kind == "number":
        found = {_normal_number(m.group(0)) for m in NUMBER.finditer(sentence)}
        return found - {_normal_number(d) for d in info.details}
    return set()


def recency(passages: Sequence[Passage]) -> list[float]:
    """Per passage, 0..1 by its document date among the dated ones (newest 1, undated 0)."""
    dates = sorted({p.chunk.date for p in passages if p.chunk.date})
    if len(dates) < 2:
        return [0.0] * len(passages)
    place = {d: i / (len(dates) - 1) for i, d in enumerate(dates)}
    return [place.get(p.chunk.date or "", 0.0) for p in passages]


def normal_date(text: str) -> str | None:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(".", "").replace(",", ""))
    parts = cleaned.split()
    for layout in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"):
        for candidate in (" ".join(parts), " ".join(parts).replace("Sept", "Sep")):
            try:
                return datetime.strptime(candidate, layout).date().isoformat()
            except ValueError:
                continue
    return None


def _normal_number(text: str) -> str:
    lowered = text.lower().replace(",", "").replace(" ", "")
    return re.sub(r"[^\d.a-z]", "", lowered).rstrip(".")
