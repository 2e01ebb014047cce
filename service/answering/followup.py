"""Follow-up questions: rewrite a question that leans on the conversation so it stands alone.

Retrieval sees one question, so "How many workers does it plan to hire?" after
"Which company is building the new plant?" has to become a standalone question
first. With an LLM the rewrite uses prompts/condense_question.md, which lets
the model return a question that stands alone unchanged; without one, or when
the LLM fails, a heuristic carries the previous question's content words over
to a follow-up, and only to one: a question that opens with "and", "what
about", ... leans on the conversation; one that names its own subject (a
capitalised name or acronym past its first word) stands alone, even with a
pronoun in it ("Did Acme say it would vote?"); one
without a name is a follow-up when it is short or refers back ("it", "they").
bench/followups.jsonl measures this on invented conversations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.answering.prompts import Prompts
from service.core.errors import LLMFailure
from service.core.ports import ChatModel, Message
from service.core.text import STOPWORDS, content_words, words
from service.grounding.citations import MARKER

# Words that point back into the conversation.
_REFERRING = frozenset(
    "it its they them their theirs this that these those he him his she her hers there "
    "one ones other others else another former latter".split()
)
_OPENERS = re.compile(r"^\s*(and|but|also|so|then|what about|how about|why|why not)\b", re.I)
_SPACED_MARKER = re.compile(r"\s*" + MARKER.pattern)
_SHORT = 2  # a question with this many content words or fewer is taken as a follow-up
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_NAMES_CARRIED = 4
_TURNS_SHOWN = 6  # messages of history the rewriting prompt sees
_CHARS_PER_TURN = 1000


@dataclass(frozen=True)
class Standalone:
    text: str
    llm_failed: bool = False


class FollowUpRewriter:
    def __init__(
        self, prompts: Prompts, chat_model: ChatModel | None, *, max_chars: int = 2000
    ) -> None:
        self._prompts = prompts
        self._chat_model = chat_model
        self._max_chars = max_chars

    def rewrite(self, question: str, history: Sequence[Message], use_llm: bool) -> Standalone:
        """The question as it reads without the conversation (unchanged when there is none)."""
        if not any(m["role"] == "user" for m in history):
            return Standalone(question)
        if use_llm and self._chat_model is not None:
            try:
                reply = self._chat_model.complete(self._messages(question, history)).text
            except LLMFailure:
                return Standalone(carry_over(question, history), llm_failed=True)
            rewritten = _one_line(reply)
            if rewritten and len(rewritten) <= self._max_chars:
                return Standalone(rewritten)
        return Standalone(carry_over(question, history))

    def _messages(self, question: str, history: Sequence[Message]) -> list[Message]:
        transcript = "\n".join(
            f"{'User' if m['role'] == 'user' else 'Assistant'}: {_quoted(m['content'])}"
            for m in history[-_TURNS_SHOWN:]
        )
        prompt = self._prompts.render(
            "condense_question", history=transcript, question=_quoted(question)
        )
        return [{"role": "user", "content": prompt}]


def carry_over(question: str, history: Sequence[Message]) -> str:
    """Append the previous question's content words to a follow-up that needs them, and the
    names in the previous answer ("it", "they" usually stand for what was just answered)."""
    previous = next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
    if not previous or not is_follow_up(question):
        return question
    answered = next((m["content"] for m in reversed(history) if m["role"] == "assistant"), "")
    names = _NAME.findall(_SPACED_MARKER.sub("", answered))[:_NAMES_CARRIED]
    own = set(content_words(question))
    carried = [
        word
        for word in [*words(previous), *(n.lower() for n in names)]
        if word not in STOPWORDS and content_words(word) and content_words(word)[0] not in own
    ]
    if not carried:
        return question
    return f"{question} ({' '.join(dict.fromkeys(carried))})"


def is_follow_up(question: str) -> bool:
    """Whether a question probably leans on the one before it."""
    if _OPENERS.match(question):
        return True
    if has_own_subject(question):
        return False
    return len(content_words(question)) <= _SHORT or bool(_REFERRING & set(words(question)))


def has_own_subject(question: str) -> bool:
    """A name of its own: a capitalised word or an acronym past the first word (which any
    sentence capitalises, and which alone, "Tomorrow?", is as elliptical as a pronoun)."""
    first_word = re.match(r"\s*\S+", question)
    rest = question[first_word.end() :] if first_word else question
    return bool(_NAME.search(rest) or _ACRONYM.search(rest))


def without_markers(message: Message) -> Message:
    """An earlier answer without its [n] markers: they named that answer's passages, not these."""
    if message["role"] != "assistant":
        return dict(message)
    return {**message, "content": _SPACED_MARKER.sub("", message["content"])}


def _quoted(text: str) -> str:
    """One message as data: no citation markers, no way to close the conversation block."""
    flat = " ".join(_SPACED_MARKER.sub("", text).split())[:_CHARS_PER_TURN]
    return flat.replace("CONVERSATION>>>", "CONVERSATION>>").replace(
        "<<<CONVERSATION", "<<CONVERSATION"
    )


def _one_line(reply: str) -> str:
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    first = re.sub(r"^(standalone question|question)\s*:\s*", "", first, flags=re.I)
    return first.strip().strip('"“”').strip()
