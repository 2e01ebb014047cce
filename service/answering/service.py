"""Answering: retrieve, decide whether the documents hold an answer, answer with citations.

Two answerers sit behind one service: the LLM (when configured) and the
extractive one (always available). In `auto` mode an LLM failure falls back
to the extractive answer, marked `degraded`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from service.answering.answer_prompt import answer_messages
from service.answering.answers import NOT_FOUND, Answer, Event, Mode, Question, Refusal
from service.answering.excerpts import Excerpt, closest_quotes, excerpts
from service.answering.extractive import ExtractiveAnswerer
from service.answering.followup import FollowUpRewriter
from service.answering.prompts import Prompts
from service.answering.question_check import QuestionCheck
from service.answering.reading import ReadingCheck
from service.answering.reply_checks import ReplyChecks
from service.answering.support import SupportCheck
from service.core.errors import LLMFailure, LLMNotConfigured
from service.core.ports import ChatModel
from service.core.records import Passage
from service.core.sampling import ONE_TOKEN
from service.core.tokens import counted_usage
from service.grounding.answer_format import CheckedStream, draft_text
from service.grounding.citations import Citation
from service.grounding.claims import ClaimChecker, verify
from service.retrieval.hybrid import Retriever


@dataclass(frozen=True)
class LLMContext:
    """How much the model reads, and how likely an answer must be for it to be asked."""

    passages: int = 4  # excerpts shown
    words: int = 80  # per excerpt
    min_probability: float = 0.0  # of the likeliest sentence (the extractive scorer's)


@dataclass(frozen=True)
class Plan:
    """A question made ready to answer: standalone, its passages, and how to answer it."""

    question: Question
    passages: list[Passage]
    use_llm: bool
    degraded: bool  # the LLM already failed while rewriting the follow-up
    timings_ms: dict[str, float]


class AnswerService:
    def __init__(
        self,
        retriever: Retriever,
        extractive: ExtractiveAnswerer,
        prompts: Prompts,
        chat_model: ChatModel | None,
        *,
        min_relevance: float,
        llm_context: LLMContext | None = None,
        on_degraded: Callable[[], None] = lambda: None,
        claim_checker: ClaimChecker | None = None,
        support_check: SupportCheck | None = None,
        reading_check: ReadingCheck | None = None,
        question_check: QuestionCheck | None = None,
        rewrite_model: ChatModel | None = None,  # for follow-ups; default: chat_model
    ) -> None:
        self._retriever = retriever
        self._extractive = extractive
        self._prompts = prompts
        self._chat_model = chat_model
        self._min_relevance = min_relevance
        self._llm_context = llm_context or LLMContext()
        self._followup = FollowUpRewriter(prompts, rewrite_model or chat_model)
        self._on_degraded = on_degraded  # told of every extractive fallback (metrics)
        self._checks = ReplyChecks(claim_checker, support_check, reading_check, question_check)

    def ask(self, question: Question) -> Answer:
        """The whole answer: the end of `stream(question, whole=True)`, so that an answer
        given at once is made exactly like a streamed one."""
        return final_answer(self.stream(question, whole=True))

    def _plan(self, question: Question, started: float) -> Plan:
        use_llm = self._use_llm(question.mode)
        timings: dict[str, float] = {}
        standalone = self._followup.rewrite(question.text, question.history, use_llm)
        if question.history:
            timings["rewrite"] = _ms_since(started)
        question = replace(question, text=standalone.text)
        searched = time.perf_counter()
        passages = self._retriever.search(question.text, question.top_k, question.filters)
        timings["retrieval"] = _ms_since(searched)
        use_llm = use_llm and not standalone.llm_failed
        return Plan(question, passages, use_llm, standalone.llm_failed, timings)

    def _finish(self, answer: Answer, plan: Plan, started: float) -> Answer:
        if plan.degraded and not answer.degraded:
            self._on_degraded()  # the follow-up rewrite already fell back
        answer.degraded = answer.degraded or plan.degraded
        if answer.refused_by not in (None, "relevance"):
            answer.closest = self._closest(plan.question.text, answer.passages)
        answer.timings_ms = {**plan.timings_ms, "total": _ms_since(started)}
        if plan.question.history:
            answer.standalone_question = plan.question.text
        return answer

    def check(self, question: Question) -> None:
        """Raise now, before any streaming starts, if the question cannot be served."""
        self._use_llm(question.mode)

    def stream(self, question: Question, whole: bool = False) -> Iterator[Event]:
        """The answer as events; the last is `done` (with the Answer) or `error`.

        `whole`: for a caller that wants only the Answer (a request answered at once):
        the model's text is not released as it comes, and a model that breaks midway is
        answered extractively (`degraded`) instead of with an `error`. The model's tokens
        still end a step each (`pending`), so a caller that stops reading stops the model.
        """
        started = time.perf_counter()
        plan = self._plan(question, started)
        relevant = self._relevant(plan.question.text, plan.passages)
        if plan.use_llm and relevant:
            shown = self._excerpts(plan.question, plan.passages)
            if shown:
                yield from self._stream_llm(plan, shown, started, whole)
                return
        if relevant and not plan.use_llm:
            answer = self._extract(plan.question, plan.passages)
        else:
            mode: Literal["llm", "extractive"] = "llm" if plan.use_llm else "extractive"
            why: Refusal = "likelihood" if relevant else "relevance"
            answer = self._not_found(mode, plan.passages, why)
        yield from _replay(self._finish(answer, plan, started))

    def _stream_llm(
        self, plan: Plan, shown: list[Excerpt], started: float, whole: bool
    ) -> Iterator[Event]:
        assert self._chat_model is not None
        question, passages, timings = plan.question, plan.passages, plan.timings_ms
        yield Event("citations", [cite_passage(e.n, e.passage) for e in shown])
        parts: list[str] = []
        checked = CheckedStream(
            lambda raw: self._checks.shown_text(raw, question.text, passages, shown)
        )
        # With the model's own checks, no answer text is sent before the whole reply has
        # passed them; a client that asked for drafts is shown the reply as it is written.
        hold = whole or self._checks.ask_the_model
        drafts = hold and question.drafts and not whole
        messages = answer_messages(self._prompts, question, shown)
        try:
            for delta in self._chat_model.stream(messages, question.sampling):
                if not delta:  # the call is under way (a slot was taken), no text yet
                    yield Event("pending", None)
                    continue
                if not parts:
                    timings["first_token"] = _ms_since(started)
                parts.append(delta)
                if drafts:
                    yield Event("draft", draft_text("".join(parts)))
                    continue
                released = "" if hold else checked.feed(delta)
                # Every delta ends a step, shown or not: a hang-up is seen before the next.
                yield Event("delta", released) if released else Event("pending", None)
            reply = "".join(parts)
            answer = self._from_llm(reply, question.text, passages, shown)
            answer.usage = counted_usage([m["content"] for m in messages], reply)
        except LLMFailure as failure:
            if parts and not hold:  # the model had begun answering: say it broke
                yield Event("error", failure)
                return
            answer = self._extract(question, passages, degraded=True)
            yield from _replay(self._finish(answer, plan, started), with_citations=False)
            return
        answer = self._finish(answer, plan, started)
        rest = checked.finish(answer.text)
        if rest:
            yield Event("delta", rest)
        yield Event("done", answer)

    def _from_llm(
        self, reply: str, question: str, passages: list[Passage], shown: Sequence[Excerpt]
    ) -> Answer:
        assert self._chat_model is not None
        return self._checks.answer(reply, question, passages, shown, self._chat_model.model)

    def warm_up(self) -> None:
        """Have the model read what every answer's prompt starts with (and the support and
        reading checks'), one token each, so that the first question is not also the one
        that pays for the model's first run: a local model server keeps the prefix it last
        read.
        Raises LLMFailure like any model call."""
        if self._chat_model is None:
            return
        self._chat_model.complete(
            answer_messages(self._prompts, Question("", top_k=1), []), ONE_TOKEN
        )
        if self._checks.support_check:
            self._checks.support_check.warm_up()
        if self._checks.reading_check:
            self._checks.reading_check.warm_up()

    def answer_likelihood(self, question: str, passages: Sequence[Passage]) -> float:
        """The extractive scorer's probability that the likeliest sentence answers."""
        ranked = self._extractive.rank(question, passages)
        return ranked[0].probability if ranked else 0.0

    def _closest(self, question: str, passages: Sequence[Passage]) -> list[Citation]:
        """What a refusal quotes for the reader, of the passages close enough to the
        question (as the relevance gate asks of the closest)."""
        closeness = self._extractive.closeness(question, passages)
        close = {i for i, c in enumerate(closeness) if c >= self._min_relevance}
        return closest_quotes(self._extractive.rank(question, passages), passages, close)

    def _excerpts(self, question: Question, passages: list[Passage]) -> list[Excerpt]:
        """What the model is shown; none when no sentence is likely enough to answer (small
        models rarely refuse by themselves, so the service decides that the documents do
        not hold the answer, with the extractive scorer's fitted probability)."""
        ranked = self._extractive.rank(question.text, passages)
        if not ranked or ranked[0].probability < self._llm_context.min_probability:
            return []
        return excerpts(
            ranked, passages, count=self._llm_context.passages, words=self._llm_context.words
        )

    def _extract(
        self, question: Question, passages: list[Passage], degraded: bool = False
    ) -> Answer:
        text, citations = self._extractive.answer(question.text, passages)
        if not citations:
            answer = self._not_found("extractive", passages, "likelihood")
        else:
            answer = Answer(text, citations, "extractive", None, True, passages)
            if self._checks.claim_checker:
                _, answer.citations, answer.claims = verify(
                    self._checks.claim_checker,
                    text,
                    citations,
                    passages,
                    question=question.text,
                    drop=False,
                )
        answer.degraded = degraded
        if degraded:
            self._on_degraded()
        return answer

    def _not_found(
        self, mode: Literal["llm", "extractive"], passages: list[Passage], why: Refusal
    ) -> Answer:
        model = self._chat_model.model if mode == "llm" and self._chat_model else None
        return Answer(NOT_FOUND, [], mode, model, False, passages, refused_by=why)

    def _relevant(self, question: str, passages: Sequence[Passage]) -> bool:
        """Some passage, or one of its sentences, is as close to the question as
        QA_MIN_RELEVANCE asks, or one sentence holds every word the question asks about."""
        closeness = self._extractive.closeness(question, passages)
        if any(c >= self._min_relevance for c in closeness):
            return True
        return self._extractive.holds_every_word(question, passages)

    def _use_llm(self, mode: Mode) -> bool:
        if mode == "llm" and self._chat_model is None:
            raise LLMNotConfigured("mode 'llm' was asked for but no LLM is configured")
        return mode != "extractive" and self._chat_model is not None


def cite_passage(n: int, passage: Passage) -> Citation:
    """A passage offered to the model, as a citation of its whole text."""
    chunk = passage.chunk
    return Citation(n, chunk, chunk.text, chunk.start, chunk.end, passage.score)


def final_answer(events: Iterable[Event]) -> Answer:
    """The Answer at the end of `events`; an `error` event's failure is raised."""
    last = next(iter(deque(events, maxlen=1)), None)
    if last is None or last.kind not in ("done", "error"):
        raise RuntimeError("an answer stream ended without its answer")
    if last.kind == "error":
        raise last.data
    answer: Answer = last.data
    return answer


def _replay(answer: Answer, with_citations: bool = True) -> Iterator[Event]:
    if with_citations:
        yield Event("citations", answer.citations)
    yield Event("delta", answer.text)
    yield Event("done", answer)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
