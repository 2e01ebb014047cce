"""Currencies stated with figures: a claim's "2.1 million euros" needs a passage that gives
that figure in euros, not a "2.1 million" beside a fare in euros elsewhere.

A figure is in a currency where a currency's sign or code stands just before it ("$50",
"€ 4.50", "(€): 2.1" as a table's row reads under a "Cost (€)" header, "USD 50"), its
sign just after it ("4.50 €"), or its name after it and its scale ("50 million dollars",
"4.50 euros"), where the name also serves the figures joined before it ("30 million and 34
million euros", "between 30 and 34 million euros"). Signs, codes and
names of one currency are one currency; the dollar's sign stands for any dollar.
"""

from __future__ import annotations

import re

_NAMES = {
    "dollar": "$",
    "usd": "$",
    "euro": "€",
    "eur": "€",
    "pound": "£",
    "gbp": "£",
    "sterling": "£",
    "yen": "¥",
    "yuan": "¥",
    "jpy": "¥",
    "cny": "¥",
    "rupee": "₹",
    "inr": "₹",
    "franc": "CHF",
    "chf": "CHF",
}
SIGNS = "$€£¥₹"
NAME = r"dollars?|euros?|pounds?(?: sterling)?|sterling|yen|yuan|rupees?|francs?"
_FIGURE = r"(\d+(?:[.,]\d+)*)"
_SIGN_BEFORE = re.compile(rf"([{SIGNS}])[^\w\s]{{0,3}}\s?{_FIGURE}")
_SIGN_AFTER = re.compile(rf"{_FIGURE}\s?([{SIGNS}])")
_CODE_BEFORE = re.compile(rf"\b(USD|EUR|GBP|JPY|CNY|INR|CHF)\W{{0,4}}{_FIGURE}")
_SCALED = rf"{_FIGURE}(?:[\s-]*(?:million|billion|trillion|thousand|m|bn|k)\b)?"
_JOINED = r"(?:,?\s+(?:and|or|to)\s+|\s*[-–]\s*)"  # no bare comma: "In 2019, 5 million"
# Figures joined before one currency's name are each in it: "30 million and 34 million euros".
_NAME_AFTER = re.compile(
    rf"{_SCALED}(?:{_JOINED}{_SCALED})*[\s-]*(?P<name>{NAME})\b",
    re.IGNORECASE,
)


def stated(text: str) -> set[tuple[str, str]]:
    """Each figure of `text` given in a currency, with that currency's sign."""
    found = {(figure, sign) for sign, figure in _SIGN_BEFORE.findall(text)}
    found |= set(_SIGN_AFTER.findall(text))
    found |= {(figure, _NAMES[code.lower()]) for code, figure in _CODE_BEFORE.findall(text)}
    for run in _NAME_AFTER.finditer(text):
        sign = _NAMES[run.group("name").lower().split()[0].rstrip("s")]
        found |= {(figure, sign) for figure in re.findall(_FIGURE, run.group(0))}
    return {(figure.replace(",", ""), sign) for figure, sign in found}


def currencies_hold(claim: str, evidence: list[str]) -> bool:
    """Whether every figure the claim gives in a currency is given in it by some evidence."""
    given = set().union(*(stated(text) for text in evidence)) if evidence else set()
    return stated(claim) <= given
