"""What a question asks for: the kind of answer, its detail terms (years, numbers), recency.

Used by retrieval (details decide between near-duplicate passages: the same
tournament in another year) and by the extractive answerer (a sentence can
only answer "when" if it holds a date).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

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
# A run of capitalised words: a name, a place, a title (initials and particles allowed).
NAME = re.compile(
    r"\b[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|(?:de|da|del|van|von|la|le|of|the)(?=\s+[A-Z])))*"
)

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
        """New names that can answer: for "who is the director", not "the Austrian"."""
        names = self.new_names(sentence, context)
        if self.kind == "place":
            return (name for name in names if _can_name(name, _EVENT_OR_BODY))
        # A name after "during" is a time: "set during the Cold War" names no film.
        names = (n for n in names if not _DURING.search(sentence[: sentence.find(n)]))
        if self.kind == "person":
            return (n for n in names if can_name_person(n))
        if self.kind == "entity":  # "a Colombian has won" names no one
            return (n for n in names if _can_name(n, frozenset()))
        return names

    def new_names(self, sentence: str, context: str = "") -> Iterator[str]:
        """Capitalised runs (names, places, titles) with a word the question lacks; a lone
        capitalised word opening the sentence counts only if `context` (its passage) also
        capitalises it mid-sentence ("Egypt has ..." yes, "Against all odds ..." no)."""
        first_letter = _first_letter(sentence)
        known = self.terms | _aliases(self.terms)
        for match in NAME.finditer(sentence):
            name, tokens = match.group(0), match.group(0).split()
            at_start = match.start() == first_letter
            if at_start and len(tokens) > 1 and tokens[0].lower() in _IMPERATIVES:
                tokens = tokens[1:]  # "See Oscars fashions ...": a web page's call
                name = " ".join(tokens)
            opening = at_start and len(tokens) == 1
            if opening and not re.search(rf"[a-z,;]\s+{re.escape(tokens[0])}\b", context):
                continue
            if any(not _name_lemmas(t) <= known for t in tokens):
                yield name


_DURING = re.compile(r"\b(?:during|throughout)\s+(?:the\s+)?$", re.I)
_FROM_PART = re.compile(
    r"\s+(?:came\s+)?from\s+(?:that|this|its|the|their|his|her)\s+(?:\w+\s+)?"
    r"(?:business|segment|division|unit|arm|subsidiary)\b",
    re.I,
)
# Words opening a web page's call to the reader, not a name: "See Oscars fashions".
_IMPERATIVES = frozenset(
    "see watch read meet find get check view click learn discover explore follow join".split()
)
# Names news gives the same thing: "the Oscars" are the Academy Awards.
_ALIASES = [
    (frozenset(content_words("Oscar")), frozenset(content_words("Academy Awards"))),
]


def _aliases(terms: frozenset[str]) -> frozenset[str]:
    """The stems of other names for what the question's words name."""
    found: set[str] = set()
    for one, other in _ALIASES:
        if one <= terms:
            found |= other
        if other <= terms:
            found |= one
    return frozenset(found)


def can_name_person(name: str) -> bool:
    """Whether a name can be a person's: not a title ("The Conversation"), a body or a
    place."""
    return _can_name(name, _NOT_PERSON) and not name.startswith("The ")


def subject_terms(question: str) -> frozenset[str]:
    """Stems of the names a question asks about, a nationality's country with it: "super",
    "bowl" for "Super Bowl 2021 location"; "french", "franc", "presidenti", "elect" for
    "Who won the French Presidential Election 2017?"."""
    found: set[str] = set()
    for match in NAME.finditer(question):
        tokens = match.group(0).split()
        if match.start() == _first_letter(question) and tokens[0].lower() in _QUESTION_WORDS:
            tokens = tokens[1:]  # "When", "Who"
        for token in tokens:
            country = COUNTRY_OF.get(token.lower().strip(".,;:'’"))
            found |= set(content_words(token + " " + (country or "")))
    return frozenset(found)


_QUESTION_WORDS = frozenset(
    "who whom whose what when where which why how is are was were did does do will can".split()
)


def _can_name(name: str, excluded: frozenset[str]) -> bool:
    """A name that can be a person's (or a place's): no word of it in `excluded` (the
    LEGO Group, Oscars 2021, the Summer Olympics) and not a lone nationality ("the
    Austrian author ..." names nobody)."""
    tokens = [_POSSESSIVE.sub("", t).strip(".,;:'’") for t in name.split()]
    tokens = [t for t in tokens if t.lower() not in _FUNCTION]
    if not tokens or any(t.lower() in excluded or t.lower() in _CALENDAR for t in tokens):
        return False
    return len(tokens) > 1 or not is_demonym(tokens[0])


_POSSESSIVE = re.compile(r"['’]s\b")


def is_demonym(word: str) -> bool:
    """Whether a word looks like a nationality: "Austrian", "Chinese", "Italian-American"."""
    parts = word.lower().strip(".,;:'’").split("-")
    return all(_DEMONYM_ENDING.search(p) or p in _DEMONYMS for p in parts)


_DEMONYM_ENDING = re.compile(r"(?:ian|ean|ese|ish)$")  # Austrian, Korean, Chinese, British
_DEMONYMS = frozenset(
    """american mexican german korean cuban moroccan kenyan ugandan tibetan afghan israeli
    qatari iraqi pakistani saudi yemeni emirati kuwaiti omani bangladeshi somali nepali
    french dutch greek swiss thai czech welsh""".split()
)
# Countries of common nationalities: "the French election" is told of "France".
COUNTRY_OF = {
    "american": "america",
    "australian": "australia",
    "brazilian": "brazil",
    "british": "britain",
    "canadian": "canada",
    "chinese": "china",
    "dutch": "netherlands",
    "egyptian": "egypt",
    "english": "england",
    "french": "france",
    "german": "germany",
    "indian": "india",
    "iranian": "iran",
    "israeli": "israel",
    "italian": "italy",
    "japanese": "japan",
    "korean": "korea",
    "mexican": "mexico",
    "palestinian": "palestine",
    "qatari": "qatar",
    "russian": "russia",
    "spanish": "spain",
    "swiss": "switzerland",
    "turkish": "turkey",
    "ukrainian": "ukraine",
}
# Words that mark a capitalised run as an organisation, an event or a work ...
_EVENT_OR_BODY = frozenset(
    """group inc corp corporation company co ltd llc association foundation university college
    school institute league party committee council commission ministry department agency
    bank club team fc news times post journal magazine press network tv radio
    election elections award awards prize prizes open cup championship championships
    tournament games olympics olympic festival ceremony edition series season episode film
    movie album show day week summer winter""".split()
)
# ... or a place, which no person's name is.
_NOT_PERSON = _EVENT_OR_BODY | frozenset(
    """stadium arena street avenue city county state states republic kingdom island islands
    river mountain north south east west new united""".split()
)
_FUNCTION = frozenset("the a an of in on at to and or but for with by from de la le".split())
_CALENDAR = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)


@lru_cache(maxsize=100_000)
def _name_lemmas(token: str) -> frozenset[str]:
    """The lemmas a name token can add; none for function words, months and days."""
    plain = token.strip(".,;:'’").lower()
    if plain in _FUNCTION or plain in _CALENDAR or len(plain) < 2:
        return frozenset()
    return frozenset(content_words(plain))


def _first_letter(sentence: str) -> int:
    match = _LETTER.search(sentence)
    return match.start() if match else 0


_LETTER = re.compile(r"[A-Za-z]")


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


def gives_opposite(info: QuestionInfo, found: set[str]) -> bool:
    """Whether the words give the opposite of a qualifier of the question and not the
    qualifier itself ("women" for a question on the men's singles)."""
    return bool(opposed_qualifiers(info, found))


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
    if gives_opposite(info, found):
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
