"""Read, then compare: does the cited excerpt, read on its own, give the same answer?

The support check asks the model whether a passage states the answer, and a small model
shown an answer tends to agree with it. Here it is not shown the answer: it is given one
cited excerpt and the question, and answers in a few words taken from the excerpt, or
"none". The answer stands when some cited excerpt's reading agrees with it: the
reading is not "none", and the words it adds to the question's are either none at all
(it only restates the question) or share one with the words the answer adds. An answer
that names what the excerpt does not say, or whose excerpt the model reads as not
answering, is refused. Chosen on the dev sets' tune parts; end to end on every dev
question it refused 22 wrong or unanswerable answers and 13 right ones, all of those on
the news set (docs/answer-quality.md, "The reading check, shipped").

A yes/no question (no dev set has one) is read with a prompt that asks for yes or no
first: asked for a few words, the local model read "none" over every passage whose
answer is no. Its reading then also has to open as the answer does, where both open
with yes or no.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.answering.answer_type import asks_yes_or_no
from service.answering.prompts import Prompts
from service.core.ports import ChatModel, Message
from service.core.sampling import ONE_TOKEN, Sampling
from service.core.text import STOPWORDS, content_words, numbers_in, words
from service.core.untrusted import defang_prompt

NO_ANSWER = "none"  # what the prompt asks the model to reply when the excerpt does not answer
_A_FEW_WORDS = Sampling(max_tokens=24, temperature=0.0)
_QUOTES = "\"'.,:;!*`"


class ReadingCheck:
    def __init__(self, model: ChatModel, prompts: Prompts) -> None:
        self._model = model
        self._prompts = prompts

    def agrees(self, question: str, answer: str, excerpts: Sequence[str]) -> bool:
        """Whether some excerpt, read alone, answers the question as `answer` does. Reads
        them in order and stops at the first that agrees. Raises LLMFailure like any
        model call."""
        return any(agree(question, answer, self.read(question, e)) for e in excerpts)

    def read(self, question: str, excerpt: str) -> str:
        """The model's answer to `question` from `excerpt` alone, in a few words."""
        return self._model.complete(self._messages(question, excerpt), _A_FEW_WORDS).text

    def warm_up(self) -> None:
        """One token of a reading of nothing, so its model has read the prompt's start."""
        self._model.complete(self._messages("", ""), ONE_TOKEN)

    def _messages(self, question: str, excerpt: str) -> list[Message]:
        """The reading prompt; a yes/no question's asks for yes or no first, since asked for
        a few words, the local model reads "none" where the passage's answer is no."""
        return self._prompts.messages(
            "reading_yes_no" if asks_yes_or_no(question) else "reading",
            system="reading",
            passage=defang_prompt(excerpt),
            question=" ".join(question.split()),
        )


def agree(question: str, answer: str, reading: str) -> bool:
    """Whether a reading of one excerpt agrees with the answer: neither empty nor "none",
    for a yes/no question not opening with the other of yes and no, and what it adds to
    the question's words is nothing or shares a word with what the answer adds (or another
    form of one: `_same_thing`)."""
    first = _first_word(reading)
    if not reading.strip() or first == NO_ANSWER:
        return False
    if {first, _first_word(answer)} == {"yes", "no"} and asks_yes_or_no(question):
        return False  # the excerpt, read alone, says no where the answer says yes
    asked = set(content_words(question))
    read = set(content_words(reading)) - asked
    if not read or read & (set(content_words(answer)) - asked):
        return True
    said = set(words(question))
    added = _new_words(answer, said)
    return any(_same_thing(r, a) for r in _new_words(reading, said) for a in added)


def _new_words(text: str, said: set[str]) -> set[str]:
    """The text's words, as written, that are neither said already nor stopwords."""
    return {w for w in words(text) if w not in said and w not in STOPWORDS}


# A country's people, language or adjective: the stemmer leaves "Ostrian" apart from "Ostria".
_DEMONYM_ENDINGS = ("i", "n", "an", "ian", "ese", "ish")
_MIN_NAME = 4  # letters the shorter word needs before its ending is read as one


def _same_thing(read: str, added: str) -> bool:
    """Two different words that name the same thing: the same figure, one of them ordinal
    ("14" and "14th"), or a name and its people's word ("Ostria" and "Ostrian", "Brellin"
    and "Brellinese")."""
    if read[:1].isdigit() and added[:1].isdigit():
        return numbers_in(read) == numbers_in(added)
    short, long = sorted((read, added), key=len)
    return len(short) >= _MIN_NAME and any(long == short + end for end in _DEMONYM_ENDINGS)


def _first_word(text: str) -> str:
    """The text's first word, lower-cased, without quotes or punctuation ("" if none)."""
    words = text.split(maxsplit=1)
    return words[0].strip(_QUOTES).lower() if words else ""
