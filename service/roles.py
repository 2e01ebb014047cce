"""Offices a question asks about ("Who is the CEO of Lego?") and whether a sentence names
that office of that body.

A sentence naming a holder of another office ("creative director"), of another
body ("founder and CEO of Illumination", "The LEGO Foundation") or a former
holder ("was the CEO") does not answer who holds the asked one.
"""

from __future__ import annotations

import re

from service.names import NAME, is_demonym
from service.text import content_words, words

# Offices someone holds now ("Who is the CEO of Nintendo?"), and credits for a work or a
# founding, which films and firms keep ("Who is the director of The Godfather?").
_OFFICES = """ceo president chairman chairwoman head leader coach manager minister governor
    mayor chief owner captain""".split()
_CREDITS = "director producer author writer composer founder creator".split()


def _who_is(verbs: str, roles: list[str]) -> re.Pattern[str]:
    return re.compile(
        rf"\bwho(?:{verbs})\s+(?:the\s+)?(?:current\s+)?(?:\w+\s+){{0,2}}?({'|'.join(roles)})\b",
        re.I,
    )


# "Who is the CEO?" asks for the current holder of an office (not a film's director: "was
# the director of The Godfather" is how films are described) ...
_CURRENT_ROLE = _who_is(r"\s+is|'s|’s", _OFFICES)
# ... which a sentence about a former holder does not give: "Satoru Iwata was the global
# president and CEO of Nintendo", "the outgoing CEO of Panasonic".
_PAST_HOLDER = (
    r"\b(?:former|outgoing|ex|then|late|previous|was|were)\b"
    r"(?!\s+(?:named|appointed|elected|hired|chosen|made|promoted|confirmed|selected))"
    r"(?:\W+\w+){{0,4}}?\W+{role}\b"
)


def asked_role(question: str) -> str | None:
    """The role a "who is the ..." question asks the current holder of, if any."""
    match = _CURRENT_ROLE.search(question)
    return match.group(1).lower() if match else None


def names_past_holder(role: str | None, sentence: str) -> bool:
    """Whether the sentence gives the role's holder as former ("was the CEO", "outgoing")."""
    if role is None:
        return False
    return bool(re.search(_PAST_HOLDER.format(role=re.escape(role)), sentence, re.I))


# "Who is the director of the Assassin's Creed movie?": any office or credit asked of a body
# or a work (the answer sentence must name it, see states_role).
_ASKED_OFFICE = _who_is(r"\s+is|\s+was|'s|’s", _OFFICES + _CREDITS)
# Other words for a role: "chief executive" for "CEO", "directed by" for the director.
_ROLE_FORMS = {
    "ceo": "ceo|chief executive(?: officer)?",
    "chairman": "chairman|chair",
    "director": "director|directed",
    "author": "author|written",
    "writer": "writer|written",
    "producer": "producer|produced",
    "creator": "creator|created",
    "founder": "founder|founded",
}
# A word before a role that makes it another one: "creative director", "vice president".
_OTHER_ROLE = frozenset(
    """creative art executive music musical video casting artistic managing assistant
    associate technical deputy vice co interim acting""".split()
)


def asked_body(question: str) -> str | None:
    """The body or work an office is asked of: "Lego" in "Who is the CEO of Lego in 2021?"."""
    match = _ASKED_OFFICE.search(question)
    if match is None:
        return None
    after = question[match.end() :]
    body = re.match(rf"\s+(?i:of|at|for)\s+(?i:the\s+)?[\"“‘']?({_BODY})", after)
    return body.group(1) if body else None


def names_other_body(body: str | None, sentence: str) -> bool:
    """Whether the sentence names the asked body only inside a longer name of another one:
    "The LEGO Foundation" or "Nintendo of America" for Lego or Nintendo ("the LEGO
    Group" is Lego)."""
    if body is None:
        return False
    asked = set(content_words(body))
    found = [set(content_words(m.group(0))) for m in NAME.finditer(sentence)]
    holding = [name for name in found if asked & name]
    return bool(holding) and all(name - asked - _NOT_ANOTHER_BODY for name in holding)


def asked_office(question: str) -> str | None:
    """The office or credit a "who is the ... of X" question asks for, if any."""
    match = _ASKED_OFFICE.search(question)
    return match.group(1).lower() if match else None


def states_role(role: str | None, question_terms: frozenset[str], sentence: str) -> bool:
    """Whether the sentence names the asked role of the asked body: "CEO Niels B.
    Christiansen" or "CEO of the LEGO Group" for "Who is the CEO of Lego?"; not a sentence
    without the role, nor "founder and CEO of Illumination" or "CEO of the LEGO
    Foundation" (another body's), nor "creative director" (another role)."""
    if role is None:
        return True
    forms = _ROLE_FORMS.get(role, re.escape(role))
    pattern = (
        rf"\b(?i:{forms})s?\b"
        rf"(?:\s+(?i:of|at|for)\s+(?:(?i:(the|an?)\s+)?({_BODY})|({_GENERIC})\b))?"
    )
    for match in re.finditer(pattern, sentence):
        before = words(sentence[: match.start()])[-1:]
        if set(before) & _OTHER_ROLE or (match.group(1) or "").lower() in ("a", "an"):
            continue  # "creative director", "president of an NFL team"
        if match.group(3):
            continue  # "a director of music videos", "the director of such films as ..."
        if _other_body_before(sentence[: match.start()], question_terms):
            continue  # "Las Vegas Raiders president" for the NFL's
        if _in_aside_of_another(sentence[: match.start()], question_terms):
            continue  # "(HQ: San Francisco; CEO: John Hanke) and Nintendo Co., Ltd."
        if role in _CREDITS and _OPINION_AFTER.match(sentence[match.end() :]):
            continue  # "Director Stanley Kubrick believed that The Godfather ..."
        if match.group(2) is None:
            return True
        body = set(content_words(match.group(2))) - _COMPANY_WORDS
        if body and body <= question_terms:  # not "the NFL Players Association" for the NFL
            return True
    return False


def _other_body_before(text: str, question_terms: frozenset[str]) -> bool:
    """Whether `text` ends with a name the question lacks ("Raiders", "Illumination's"),
    a nationality aside ("the Australian director")."""
    match = _BODY_BEFORE.search(text)
    if match is None:
        return False
    tokens = [t for t in match.group(1).split() if not is_demonym(t)]
    body = set(content_words(" ".join(tokens))) - _COMPANY_WORDS
    return bool(body) and not body <= question_terms


def _in_aside_of_another(text: str, question_terms: frozenset[str]) -> bool:
    """Whether `text` ends inside a bracketed aside ("(HQ: ...; CEO: ") that follows no
    word of the question: the aside tells of the name before it, another body."""
    opened = max(text.rfind(b) for b in "(（[")
    if opened < 0 or max(text.rfind(b) for b in ")）]") > opened:
        return False
    named = set(content_words(text[:opened])) & question_terms
    return not any(not term.isdigit() for term in named)


_BODY_BEFORE = re.compile(r"((?:[A-Z][\w&.-]*\s+)*[A-Z][\w&.-]*)(?:['’]s)?\s+$")
# Lower-case words after "director of" that make it a kind of director, not the one of a
# named body or work (but "the director of the film" is that film's).
_GENERIC = r"(?!the\b|this\b|that\b|its\b|his\b|her\b|their\b)[a-z]+"
_BODY = r"[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)*"
_COMPANY_WORDS = frozenset(content_words("group inc corp corporation company co ltd plc llc"))
# Words that extend a name without making it another body: "NFL Commissioner".
_NOT_ANOTHER_BODY = _COMPANY_WORDS | frozenset(
    content_words(" ".join([*_OFFICES, "executive director commissioner founder"]))
)
# A titled person giving a view: "Director Stanley Kubrick believed that ...", who is
# someone of that trade speaking of the work, not its credited one.
_OPINION_AFTER = re.compile(
    rf"\s+{_BODY}\s+(?:(?:has|had)\s+)?(?:believed|believes|said|says|called|calls|thinks|"
    r"thought|praised|praises|described|describes|argued|argues|claimed|claims)\b"
)
