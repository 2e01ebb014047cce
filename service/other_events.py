"""Sentences stating the asked action of something else, which answer nothing.

"Cavendish wins stage 13 of the Tour de France" states a win, but of a stage; "to
win best actor" a win in another award category; "candidates received in 2018" an
action of another year than the asked 2020; "A soundtrack album ... was released
on 2 August 2023" the release of a work derived from the asked game. Each is read
off the words around the action's mentions (service.predicates).
"""

from __future__ import annotations

import re

from service.predicates import CLAUSE_BREAK, first_mention, mentions, stem_of
from service.question import YEAR, is_ordinal, without_dateline
from service.text import content_words, words


def asked_category(question: str, action: frozenset[str]) -> str | None:
    """The award category the question's action is about: "director" for "Which director
    won Best Director at ...?", "animated" for "What movie won the Oscar for Best Animated
    Film?"."""
    tokens = words(question)
    at = next((i for i, t in enumerate(tokens) if mentions(action, t)), None)
    if at is None:
        return None
    after = tokens[at + 1 : at + 1 + _CATEGORY_REACH]
    best = next((i for i, t in enumerate(after[:-1]) if t == "best"), None)
    return stem_of(after[best + 1]) if best is not None else None


def wins_other_category(action: frozenset[str], category: str | None, sentence: str) -> bool:
    """Whether every mention of the action in the sentence is of another award category:
    "to win best actor Oscar" for a question on Best Director."""
    if not action or category is None:
        return False
    tokens = [t for t in words(sentence) if t not in _ARTICLES]
    after = [tokens[i + 1 : i + 3] for i, t in enumerate(tokens) if mentions(action, t)]
    return bool(after) and all(
        len(a) == 2 and a[0] == "best" and stem_of(a[1]) != category for a in after
    )


def acts_in_other_year(action: frozenset[str], sentence: str, years: frozenset[str]) -> bool:
    """Whether every clause stating the action names years, none of them asked: "...
    candidates for the U.S. House received in 2018" for a question on 2020."""
    if not action or not years:
        return False
    clauses = [
        c
        for c in CLAUSE_BREAK.split(without_dateline(sentence))
        if any(mentions(action, t) for t in words(c))
    ]
    return bool(clauses) and all(
        (found := set(YEAR.findall(c))) and not found & years for c in clauses
    )


def wins_part(action: frozenset[str], sentence: str, known: frozenset[str]) -> bool:
    """Whether every mention of the action in the sentence is of a part of the event the
    question does not ask about: "Cavendish wins stage 13 of the Tour de France, his
    fourth victory in this year's race" or "sprinted to the stage 21 victory" does not say
    who won the Tour (a counted win, "fourth victory", is one of several)."""
    if not action:
        return False
    tokens = [t for t in words(sentence) if t not in _ARTICLES]
    at_action = [
        i
        for i, t in enumerate(tokens)
        if mentions(action, t) and not (i and is_ordinal(tokens[i - 1]))  # "fourth victory"
    ]
    return bool(at_action) and all(
        _names_part(tokens[i + 1 : i + 1 + _PART_REACH], known)
        or _names_part(tokens[max(0, i - 2) : i][::-1], known)  # "the stage 21 victory"
        for i in at_action
    )


def _names_part(following: list[str], known: frozenset[str]) -> bool:
    for token in following:
        stem = stem_of(token)
        if stem in known:
            return False
        if stem in _PARTS:
            return True
    return False


_PARTS = frozenset(content_words("stage stages round leg heat episode"))
_PART_REACH = 3  # words: "wins the final stage", "won the third round"
_ARTICLES = frozenset("the a an".split())
_CATEGORY_REACH = 5  # words: "won the Oscar for Best Animated Film"


def acts_on_other_work(
    action: frozenset[str], sentence: str, question_terms: frozenset[str]
) -> bool:
    """Whether the clause stating the action is about a work derived from the asked one:
    "A second soundtrack album ... of Xenoblade Chronicles was released on 2 August 2023"
    does not date the game's release, nor does a version's "2.0.0 (Released ...)"."""
    if not action or question_terms & _DERIVED_WORKS:  # asked about a soundtrack itself
        return False
    found = first_mention(action, sentence, CLAUSE_BREAK)
    if found is None:
        return False
    tokens, at = found
    if set(content_words(" ".join(tokens[:at]))) & _DERIVED_WORKS:
        return True
    before = next(
        (
            sentence[: m.start()]
            for m in _TOKEN.finditer(sentence)
            if mentions(action, m.group(0).lower())
        ),
        "",
    )
    return _VERSION.search(before) is not None


_TOKEN = re.compile(r"[A-Za-z0-9]+")
_VERSION = re.compile(r"\b(?:\d+\.\d+\.\d+|(?:version|ver|v)\s?\d+(?:\.\d+)+)\b", re.I)
_DERIVED_WORKS = frozenset(
    content_words(
        """soundtrack album trailer teaser update patch dlc expansion demo beta remaster
        remastered remake port sequel prequel spinoff manga novel adaptation merchandise"""
    )
)
