"""What a question asks for: the kind of answer, its detail terms (years, numbers), recency.

Used by retrieval (details decide between near-duplicate passages: the same
tournament in another year) and by the extractive answerer (a sentence can
only answer "when" if it holds a date). Which names can answer a "who", "which"
or "where" is read in service.names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from service.names import answer_names, new_names
from service.text import content_words, words

AnswerKind = Literal["date", "number", "money", "person", "place", "entity", "other"]

MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
FULL_DATE = re.compile(
    rf"\b(?:{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{MONTH_NAME},?\s+\d{{4}})\b"
)
# Less than a full date: "on Monday", "in March", "Nov. 12", "in 2019", "yesterday".
PARTIAL_DATE = re.compile(
    rf"\b(?:{MONTH_NAME}(?:\s+\d{{1,2}})?|\d{{1,2}}\s+{MONTH_NAME}|(?:19|20)\d{{2}}|[Yy]esterday|[Tt]oday|"
    r"[Tt]onight|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|[Ll]ast (?:week|month|year))\b"
)
MONEY = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*(?:\s?(?:billion|million|thousand|bn|m|k)\b)?"
    r"|\b\d[\d,.]*\s?(?:billion|million|trillion)?\s?(?:dollars|euros|pounds|usd)\b)",
    re.I,
)
NUMBER = re.compile(r"\b\d[\d,.]*\b")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

_NOT_ONLY_PEOPLE = (
    r"won|wins|win|beat|defeated|lost|acquired|acquires|bought|buys|purchased|owns|owned|"
    r"makes|made|manufactures|developed|develops|published|publishes|produced|produces|"
    r"sponsors|sponsored"
)
_PERSON_ROLES = (
    r"director|actor|actress|player|author|writer|singer|artist|president|ceo|chairman|"
    r"coach|manager|leader|minister|senator|governor|mayor|candidate|person|man|woman"
)
_KINDS: list[tuple[AnswerKind, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"\b(when|what date|which date|release date|premiere date|date of|"
            r"what day|on what day)\b",
            re.I,
        ),
    ),
    ("money", re.compile(r"\b(how much|revenue|price|cost|worth|salary|earn(ed|ings)?)\b", re.I)),
    (
        "number",
        re.compile(
            r"\b(how many|what number|what percentage|how old|how long|"
            r"what year|which year)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"\b(where|location|which city|what city|which country|"
            r"what country|venue|hosted)\b",
            re.I,
        ),
    ),
    # "Who bought X?" asks for a company, "who won?" maybe a team: not only people.
    ("entity", re.compile(rf"\bwho\s+(?:{_NOT_ONLY_PEOPLE})\b", re.I)),
    ("person", re.compile(r"\b(who|whom|whose)\b", re.I)),
    ("person", re.compile(rf"\b(?:which|what)\s+(?:{_PERSON_ROLES})\b", re.I)),
    ("entity", re.compile(r"\b(which|what)\b", re.I)),
]
# A search snippet's own date ("Sep 17, 2020 ... text") says when it was written, not what.
DATELINE = re.compile(r"\s*[A-Z][a-z]{2} \d{1,2}, \d{4}\s*\.\.\.")
DATELINE_ONLY = 0.25
# A report of something done on the day of writing: "has (officially) announced", "today".
JUST_HAPPENED = re.compile(
    r"\b(?:(?:has|have)\s+(?:(?:just|now|officially|finally|formally)\s+)?(?:been\s+)?"
    r"[a-z]+ed|today|this morning)\b",
    re.I,
)
_RECENT = re.compile(r"\b(latest|current(ly)?|now|today|most recent|newest|as of|still)\b", re.I)


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: AnswerKind
    terms: frozenset[str]  # stemmed content words
    details: frozenset[str]  # word tokens holding a digit: years, quarters, ordinals
    years: frozenset[str]
    recent: bool  # asks for the latest / current state
    qualifiers: frozenset[str] = frozenset()  # "men" in "men's singles": rules out "women"
    ordinals: frozenset[tuple[str, str]] = frozenset()  # ("first", "season")

    def answer_kind_strength(self, sentence: str, context: str = "") -> float:
        """1.0 when the sentence holds something of the kind asked for, new to the
        question; 0.5 when it holds part of a date ("on 19th October"); less when only its
        dateline does (that says when the snippet was written); else 0.0."""
        body = without_dateline(sentence)
        if self.holds_answer_kind(body, context):
            return 1.0
        if self.kind == "date" and FULL_DATE.search(body) and self.years:
            return 0.0  # its full dates fall in other years than the one asked about
        dated = self.kind == "date" and self.holds_answer_kind(sentence)  # by its dateline
        if dated and JUST_HAPPENED.search(body):
            return 1.0  # "Oct 19, 2021 ... Google has announced ...": news of its own day
        if self.kind == "date" and any(
            m.group(0) not in self.years for m in PARTIAL_DATE.finditer(body)
        ):
            return 0.5  # part of a date, more than the question's own year
        if dated:
            return DATELINE_ONLY
        return 0.0

    def holds_answer_kind(self, sentence: str, context: str = "") -> bool:
        if self.kind == "date":  # asked about a year's event: a date in that year
            dates = FULL_DATE.findall(sentence)
            return any(not self.years or set(YEAR.findall(d)) & self.years for d in dates)
        if self.kind == "money":  # not a part's: "$370 million from that business"
            return any(not _FROM_PART.match(sentence[m.end() :]) for m in MONEY.finditer(sentence))
        if self.kind == "number":
            return any(n not in self.details for n in _number_tokens(sentence))
        if self.kind in ("person", "place", "entity"):
            return next(self.answer_names(sentence, context), None) is not None
        return True

    def answer_names(self, sentence: str, context: str = "") -> Iterator[str]:
        """New names that can answer: for "who is the director", not "the Austrian" (see
        service.names)."""
        return answer_names(self.kind, sentence, context, self.terms)

    def new_names(self, sentence: str, context: str = "") -> Iterator[str]:
        """Capitalised runs with a word the question lacks (see service.names)."""
        return new_names(sentence, context, self.terms)


_FROM_PART = re.compile(
    r"\s+(?:came\s+)?from\s+(?:that|this|its|the|their|his|her)\s+(?:\w+\s+)?"
    r"(?:business|segment|division|unit|arm|subsidiary)\b",
    re.I,
)


@lru_cache(maxsize=4096)
def analyse(question: str) -> QuestionInfo:
    kind: AnswerKind = next((k for k, pattern in _KINDS if pattern.search(question)), "other")
    details = frozenset(w for w in words(question) if any(ch.isdigit() for ch in w))
    return QuestionInfo(
        text=question,
        kind=kind,
        terms=frozenset(content_words(question)),
        details=details,
        years=frozenset(YEAR.findall(question)),
        recent=bool(_RECENT.search(question)),
        qualifiers=frozenset(w for w in words(question) if w in _OPPOSITE),
        ordinals=frozenset(ordinal_pairs(question)),
    )


# Qualifiers that rule each other out: a text giving only the other one is off the question.
_OPPOSITE = {"men": "women", "male": "female", "boys": "girls", "singles": "doubles"}
_OPPOSITE |= {b: a for a, b in _OPPOSITE.items()}


def opposed_qualifiers(info: QuestionInfo, found: set[str]) -> set[str]:
    """The question's qualifiers whose opposite the words give without them."""
    return {q for q in info.qualifiers if _OPPOSITE[q] in found and q not in found}


def detail_match(info: QuestionInfo, text: str, date: str | None = None) -> float:
    """1.0 when the text holds every detail (year, number) the question names; lower when
    it misses some, and 0.0 when it names other years but none of the asked ones. A text
    that names no year at all takes its document's year (news of 2021 is about 2021).
    0.0 also when it gives the opposite of a qualifier the question names (women's for
    men's)."""
    text = without_dateline(text)
    found = set(words(_dates_as_years(text)))
    if opposed_qualifiers(info, found):
        return 0.0  # the women's final for a question on the men's
    if info.ordinals and _other_ordinal_only(info.ordinals, ordinal_pairs(text)):
        return 0.0  # the tenth season for a question on the first
    if not info.details:
        return 1.0
    if date and not YEAR.search(text):
        found.add(date[:4])
    share = len(info.details & found) / len(info.details)
    if info.years and not (info.years & found) and YEAR.search(text):
        return 0.0
    return share


_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
)
_ORDINAL = re.compile(
    rf"\b({'|'.join(_ORDINAL_WORDS)}|\d+(?:st|nd|rd|th))\s+(?:and\s+(?:final|last)\s+)?"
    r"([a-z]+)",
    re.I,
)
_NUMBERED = re.compile(r"\b(season|series|episode|round|stage|week|game|part) (\d+)\b", re.I)


def ordinal_pairs(text: str) -> list[tuple[str, str]]:
    """Each ordinal, as a number, with the word it counts: ("10", "season") for "the tenth
    and final season" and for "Season 10"."""
    pairs = [(_ordinal_number(m.group(1)), m.group(2).lower()) for m in _ORDINAL.finditer(text)]
    pairs += [(m.group(2), m.group(1).lower()) for m in _NUMBERED.finditer(text)]
    return pairs


def is_ordinal(word: str) -> bool:
    """Whether a word is an ordinal: "fourth", "34th"."""
    return word.lower() in _ORDINAL_WORDS or re.fullmatch(r"\d+(?:st|nd|rd|th)", word) is not None


def _ordinal_number(ordinal: str) -> str:
    lowered = ordinal.lower()
    if lowered in _ORDINAL_WORDS:
        return str(_ORDINAL_WORDS.index(lowered) + 1)
    return lowered.rstrip("stndrh")


def _other_ordinal_only(asked: frozenset[tuple[str, str]], found: list[tuple[str, str]]) -> bool:
    """Whether the text counts an asked thing only with other ordinals."""
    for ordinal, counted in asked:
        others = {o for o, c in found if c == counted}
        if others and ordinal not in others:
            return True
    return False


def _dates_as_years(text: str) -> str:
    """Full dates reduced to their years: the day in "2 August 2023" is no detail "2"."""
    if not any(ch.isdigit() for ch in text):
        return text
    return FULL_DATE.sub(lambda m: " ".join(YEAR.findall(m.group(0))), text)


def without_dateline(text: str) -> str:
    match = DATELINE.match(text)
    return text[match.end() :] if match else text


def _number_tokens(text: str) -> list[str]:
    return [n.strip(".,").replace(",", "") for n in NUMBER.findall(text)]
