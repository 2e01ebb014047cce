"""Measures stated with figures: a claim's "29 years old" is not held by a passage whose
only 29 is "29 million euros".

A figure is of a kind of measure where its unit follows it (perhaps after a scale:
"2.1 million euros", "52.4 percent", "5.8 metres", "19.3 days", "a 24-year-old") or an
age's word comes before it ("aged 67"). The claim's figure of one kind is held by the
passage where the passage gives that figure as that kind, or anywhere without a unit
("Strack, 46, said"); a passage whose every such figure is of another kind does not hold
it. A figure the passage does not give at all is the number check's to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from service.grounding import currencies

_SCALE = r"(?:[\s-]*(?:million|billion|trillion|thousand|bn)\b)?"
_UNITS = {
    "age": r"[\s-]*(?:years?[\s-]+old|year-olds?)\b",
    "share": r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)",
    "money": rf"[\s-]*(?:{currencies.NAME})\b",
    "length": r"[\s-]*(?:millimet(?:re|er)s?|mm|centimet(?:re|er)s?|cm|met(?:re|er)s?|"
    r"kilomet(?:re|er)s?|km|miles?|feet|foot|ft|inch(?:es)?)\b",
    "weight": r"[\s-]*(?:kilograms?|kg|grams?|tonnes?|tons?)\b",
    "time": r"[\s-]*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b",
    "temperature": r"\s*(?:°|degrees?\b)",
}
_AFTER = [(kind, re.compile(_SCALE + unit, re.IGNORECASE)) for kind, unit in _UNITS.items()]
_AGE_BEFORE = re.compile(r"\b(?:aged|age)\s*$", re.IGNORECASE)
_SIGN_BEFORE = re.compile(rf"[{currencies.SIGNS}]\s?$")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def measured(text: str) -> Iterator[tuple[str, str | None]]:
    """Each figure of `text` ("1,200" read as "1200") with its kind of measure, or None
    where no unit says one."""
    for match in _FIGURE.finditer(text):
        yield match.group().replace(",", ""), _kind(text, match.start(), match.end())


def _kind(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 8) : start]
    if _SIGN_BEFORE.search(before):
        return "money"
    if _AGE_BEFORE.search(before):
        return "age"
    for kind, unit in _AFTER:  # "age" before "time": "29 years old" is an age
        if unit.match(text, end):
            return kind
    return None


def measures_hold(claim: str, evidence: list[str]) -> bool:
    """Whether no figure the claim gives as one kind of measure is given by the evidence
    only as others."""
    given: dict[str, set[str | None]] = {}
    for text in evidence:
        for figure, kind in measured(text):
            given.setdefault(figure, set()).add(kind)
    return all(
        kind is None or figure not in given or bool(given[figure] & {kind, None})
        for figure, kind in measured(claim)
    )
