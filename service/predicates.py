"""The action a question asks about ("won", "hosted", "released") and whether a sentence
states it.

A sentence that names the right event and a new name, but not the action ("Poll:
Oscars 2021 - Best Animated Feature Film" for "What movie won ...?"), answers
nothing. The action is the question's past-tense verb (or its verb after "will"
/ "did"); a sentence states it with any form of the word ("winner", "hosting",
"announcement") or a common news synonym ("held" for "hosted", "unveiled" for
"announced").
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.text import IRREGULAR, STOPWORDS, content_words, lemma, words

# Groups of words news uses for the same action (stems, matched as word prefixes).
_SYNONYMS = [
    {"win", "won", "victor", "champion", "triumph", "clinch"},
    {"host", "held", "hold", "stage"},
    {"releas", "launch", "debut", "premier", "arriv"},
    {"announc", "unveil", "reveal", "introduc", "launch", "confirm"},
    {"acquir", "acquisit", "buy", "bought", "purchas"},
    # "awarded", not the noun: "the 93rd Academy Awards" states no winning.
    {"awarded", "won", "win", "receiv", "honored", "honoured", "laureat", "given", "gave"},
    {"direct", "helm"},
    {"elected", "reelected", "chose", "chosen", "won", "win", "victor"},  # not "election"
    {"free", "releas", "liberat"},
    {"kill", "die", "dead", "death"},
    {"arrest", "detain", "custodi"},
]
_NOT_VERBS = frozenset("need speed seed red bed feed breed hundred united".split())
# "When will the first season premiere?": the last word; "How much did Google acquire
# YouTube for?": the first lower-case word after the subject.
_WILL = re.compile(r"\bwill\b.*\b([a-z]+)\W*$")
_DID = re.compile(r"\b(?:did|does|do)\s+(?:[A-Z0-9][\w'’-]*\s+)*([a-z]+)\b")
_LAST_WORD = re.compile(r"\b([a-z]+)\W*$")


@lru_cache(maxsize=4096)
def question_action(question: str) -> frozenset[str]:
    """Stems that state the question's action; empty when it names none ("Who is the CEO
    of Lego?", "Tesla's revenue in Q2 2020")."""
    verb = next(
        (
            t
            for t in words(question)
            if stem_of(t) in IRREGULAR or (t.endswith("ed") and len(t) > 4)
        ),
        None,
    )
    if verb is None or verb in _NOT_VERBS:
        found = _DID.search(question) or _WILL.search(question.strip())
        verb = found.group(1) if found and found.group(1) not in STOPWORDS else None
        last = _LAST_WORD.search(question)
        if found and found.re is _DID and last and last.group(1) not in STOPWORDS:
            verb = last.group(1)  # "What did Hamas fighters storm?": the verb ends it
    if verb is None or verb in _NOT_VERBS:
        return frozenset()
    stem = lemma(stem_of(verb))
    forms = {stem, stem_of(verb)}  # "make" and "made"
    forms |= {s for group in _SYNONYMS if _in_group(stem, group) for s in group}
    return frozenset(forms)


def states_action(action: frozenset[str], sentence: str) -> bool:
    """Whether the sentence holds a form of the action (any word starting with one of
    its stems); true when the question names no action."""
    if not action:
        return True
    tokens = words(sentence)
    return any(
        mentions(action, t) and not _asks_it(tokens[max(0, i - 2) : i])
        for i, t in enumerate(tokens)
    )


def mentions(action: frozenset[str], token: str) -> bool:
    return any(token.startswith(stem) for stem in action)


def first_mention(
    action: frozenset[str], sentence: str, clause_break: re.Pattern[str]
) -> tuple[list[str], int] | None:
    """The words of the first clause mentioning the action, and where in them it stands."""
    for clause in clause_break.split(sentence):
        tokens = words(clause)
        at = next((i for i, t in enumerate(tokens) if mentions(action, t)), None)
        if at is not None:
            return tokens, at
    return None


def _asks_it(before: list[str]) -> bool:
    """Whether the two words before an action make it a question ("and who is winning",
    "see who won"), not a relative clause ("children who were kidnapped"), or only a
    goal ("Votes Needed to Win", "hopes to win")."""
    if len(before) < 2:
        return False
    first, second = before[-2], before[-1]
    if second == "to" and stem_of(first) in _WANTS:
        return True
    return (first in _WH and second in _AUXILIARY) or (first in _LEADS_IN and second in _WH)


_WH = frozenset("who whoever whether".split())
_AUXILIARY = frozenset("is will would could might should can may".split())
_LEADS_IN = frozenset("and or about on of to see know predict decide".split())
_WANTS = frozenset(
    content_words("need needed want wanted hope hoped aim aimed seek bid try tried plan vie")
)


def _in_group(stem: str, group: set[str]) -> bool:
    return any(stem.startswith(s) or s.startswith(stem) for s in group)


def stem_of(word: str) -> str:
    stems = content_words(word)
    return stems[0] if stems else word


def action_distance(action: frozenset[str], sentence: str, names: set[str]) -> int | None:
    """Words between the action and the nearest of `names` ("Soul won": 1), or None when
    the sentence lacks either (or the question names no action)."""
    if not action or not names:
        return None
    tokens = words(sentence)
    at_action = [i for i, t in enumerate(tokens) if mentions(action, t)]
    name_words = {w for name in names for w in words(name)}
    at_name = [i for i, t in enumerate(tokens) if t in name_words]
    if not at_action or not at_name:
        return None
    return min(abs(i - j) for i in at_action for j in at_name)


# A title's colon ("Xenoblade Chronicles: Definitive Edition") keeps its clause whole here.
CLAUSE_BREAK = re.compile(r"[,;()\[\]·—–]|\.\s|\s-\s")


def asked_argument(question: str) -> str | None:
    """Which side of its action the question asks for: "doer" for "Who revealed ...?",
    "object" for "What did Hamas storm?"; then a sentence's words on that side of the
    action can answer it without a name ("Egyptian security sources revealed", "stormed
    towns")."""
    if _WHO_DID.match(question.strip()):
        return "doer"
    if _WHAT_DID.match(question.strip()):
        return "object"
    return None


def argument_words(
    action: frozenset[str], sentence: str, known: frozenset[str], side: str
) -> list[str]:
    """Content words the question lacks within four words before (the doer) or after
    (the object) the action's first mention, in its clause."""
    found = first_mention(action, sentence, _PHRASE_BREAK)
    if found is None:
        return []
    tokens, at = found
    near = tokens[max(0, at - 4) : at] if side == "doer" else tokens[at + 1 : at + 5]
    return [w for w in content_words(" ".join(near)) if w not in known and not w.isdigit()]


_PHRASE_BREAK = re.compile(r"[,;:()\[\]—–-]\s|\.\s")


_WHO_DID = re.compile(r"(?i:who)\s+(?:has\s+|have\s+|had\s+)?[a-z]+ed\b")
_WHAT_DID = re.compile(r"(?i:what)\s+(?:did|does|do|has|have|had)\s+[^?]*\b[a-z]+\W*$")


def names_people(sentence: str, known: frozenset[str]) -> bool:
    """Whether the sentence names a group of people the question does not ("women,
    children, elderly individuals, and soldiers"): a "who" answer without names."""
    return bool((set(content_words(sentence)) & _PEOPLE) - known)


_PEOPLE = frozenset(
    content_words(
        """people women men children soldiers officials sources residents civilians hostages
        prisoners mediators envoys police officers workers students voters fans players
        members leaders ministers diplomats negotiators families individuals citizens troops
        militants fighters doctors nurses journalists lawyers judges"""
    )
)
