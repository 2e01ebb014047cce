"""What kind of thing a question asks for, and whether a sentence holds one.

Generic language only: question words, dates, numbers and capitalised names. A
sentence "holds" the kind when it has such a thing that the question does not
already name ("When did X open?" is not answered by repeating X).
"""

from __future__ import annotations

import re
from typing import Literal

from service.core.text import HOW_MUCH_OR_MANY

AnswerType = Literal["date", "number", "name", "place", "other"]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_TIME_OF_DAY = r"\d{1,2}(?:[:.]\d\d)?\s?[ap]\.?m\b\.?|\d{1,2}:\d\d|noon|midnight"
TIME_OF_DAY = re.compile(_TIME_OF_DAY)
DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}}|(?:1[6-9]|20)\d\d|{_WEEKDAY}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d\d-\d\d|{_TIME_OF_DAY})\b"
)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions trillion dozen dozens"
)
NUMBER = re.compile(rf"(?:[$€£¥]\s?)?\b\d[\d,.]*\b|\b(?:{_NUMBER_WORDS.replace(' ', '|')})\b", re.I)
# A capitalised word not at the start of the text (a sentence's first word is always capitalised).
NAME = re.compile(r"(?<=[^.!?\s]\s)[A-Z][\w'’.-]*[A-Za-z]|(?<=[\s(“\"])[A-Z]{2,}\b")

# A question that opens with an auxiliary verb asks yes or no ("Can I keep a dog?").
_ASKS_YES_OR_NO = re.compile(
    r"^\W*(?:is|are|was|were|am|do|does|did|can|could|will|would|shall|should|may|might|must"
    r"|has|have|had)(?:n[’']t)?\b",
    re.I,
)
_ASKS_DATE = re.compile(
    r"^\s*when\b|\bwhat (?:year|date|day|month|time)s?\b|\bwhich (?:year|date|day|month)s?\b"
    r"|\bhow long ago\b|\bsince when\b",
    re.I,
)
_ASKS_NUMBER = re.compile(
    r"\bhow (?:many|much|old|far|long|tall|big|high|large|fast)\b"
    r"|\bwhat (?:percentage|percent|number|amount|price|score|age|rate|share)\b",
    re.I,
)
_ASKS_NAME = re.compile(r"^\s*(?:who|whom|whose)\b|\b(?:who|whom|whose)\b", re.I)
_ASKS_PLACE = re.compile(r"^\s*where\b|\bin which (?:city|country|state|town|place)\b", re.I)


def answer_type(question: str) -> AnswerType:
    if _ASKS_DATE.search(question):
        return "date"
    if _ASKS_NUMBER.search(question):
        return "number"
    if _ASKS_PLACE.search(question):
        return "place"
    if _ASKS_NAME.search(question):
        return "name"
    return "other"


_PATTERNS = {"date": DATE, "number": NUMBER, "name": NAME, "place": NAME, "other": NAME}


def type_match(kind: AnswerType, sentence: str, question: str) -> float:
    """1 when the sentence offers a thing of the asked kind that the question lacks, 0 when
    it offers none; 0.5 when the question asks for no particular kind ("how are ...?")."""
    if kind == "other":
        return 0.5
    return 1.0 if offered(kind, sentence, question) else 0.0


# What can say when without a full date: a month or a day of the week alone, a time of day,
# a relative day or period ("yesterday", "last week", "in the spring"), or what it came
# before or after.
_WHEN = re.compile(
    rf"\b(?:{_WEEKDAY}s?|{_MONTH}|yesterday|today|tonight|tomorrow|ago|now|currently|recently|soon"
    r"|(?:week|weekend|month|year|decade|century|season|spring|summer|autumn|fall|winter"
    r"|morning|afternoon|evening|night|noon|midnight|dawn|hour|minute|quarter)s?"
    r"|o'clock|[ap]\.?m\.?|before|after|until|since)\b",
    re.I,
)
# What can say how much or how many without a figure ("twice", "half", "free").
_AMOUNT = re.compile(
    r"\b(?:once|twice|thrice|half|halves|double|triple|several|few|couple|single|none|zero"
    r"|free|dozens?|percent|per\s?cent)\b|%",
    re.I,
)


def could_answer(kind: AnswerType, sentence: str, question: str) -> bool:
    """False where the question asks when (`kind` "date"), how many or how much and the
    sentence says nothing of that kind: no date and no word saying when ("yesterday",
    "after the vote"), or no figure and no word for an amount ("twice", "free"). Any
    sentence could answer other questions."""
    if kind == "date":
        return bool(offered("date", sentence, question) or _WHEN.search(sentence))
    if kind == "number" and HOW_MUCH_OR_MANY.search(question):
        return bool(offered("number", sentence, question) or _AMOUNT.search(sentence))
    return True


def offered(kind: AnswerType, sentence: str, question: str) -> set[str]:
    """The things of the asked kind in the sentence that the question does not name."""
    pattern = _PATTERNS[kind]
    asked = {m.group(0).lower() for m in pattern.finditer(question)}
    return {m.group(0).lower() for m in pattern.finditer(sentence)} - asked


def asks_yes_or_no(question: str) -> bool:
    """Whether the question asks yes or no: it opens with an auxiliary verb ("Is", "Can",
    "Does", "Have", "Isn't")."""
    return bool(_ASKS_YES_OR_NO.match(question))
