"""Names in a text that can answer a question: who, what, where.

A capitalised run ("Emmanuel Macron", "the LEGO Group", "Super Bowl") answers
a "who", "which" or "where" when it holds a word the question lacks, and can be
of the kind asked: a person is no body, title or place; a place no event or
body; and a lone nationality ("the Austrian author") names nobody. A name the
question already has under another name ("an Oscar ceremony" for the Academy
Awards) is not new. The names a question asks about (its subject) are read
here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from service.text import content_words

# A run of capitalised words: a name, a place, a title (initials and particles allowed).
NAME = re.compile(
    r"\b[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|(?:de|da|del|van|von|la|le|of|the)(?=\s+[A-Z])))*"
)


def answer_names(kind: str, sentence: str, context: str, terms: frozenset[str]) -> Iterator[str]:
    """New names that can answer a question of that kind: for "who is the director", not
    "the Austrian"."""
    names = new_names(sentence, context, terms)
    if kind == "place":
        return (name for name in names if _can_name(name, _EVENT_OR_BODY))
    # A name after "during" is a time: "set during the Cold War" names no film.
    names = (n for n in names if not _DURING.search(sentence[: sentence.find(n)]))
    if kind == "person":
        return (n for n in names if can_name_person(n))
    if kind == "entity":  # "a Colombian has won" names no one
        return (n for n in names if _can_name(n, frozenset()))
    return names


def new_names(sentence: str, context: str, terms: frozenset[str]) -> Iterator[str]:
    """Capitalised runs (names, places, titles) with a word the question's `terms` lack;
    a lone capitalised word opening the sentence counts only if `context` (its passage)
    also capitalises it mid-sentence ("Egypt has ..." yes, "Against all odds ..." no)."""
    first_letter = _first_letter(sentence)
    known = _known(terms)
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
# Words opening a web page's call to the reader, not a name: "See Oscars fashions".
_IMPERATIVES = frozenset(
    "see watch read meet find get check view click learn discover explore follow join".split()
)
# Names news gives the same thing: "the Oscars" are the Academy Awards.
_ALIASES = [
    (frozenset(content_words("Oscar")), frozenset(content_words("Academy Awards"))),
]


@lru_cache(maxsize=4096)
def _known(terms: frozenset[str]) -> frozenset[str]:
    """The question's stems with those of other names for what they name."""
    found = set(terms)
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
            country = _COUNTRY_OF.get(token.lower().strip(".,;:'’"))
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
_COUNTRY_OF = {
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
