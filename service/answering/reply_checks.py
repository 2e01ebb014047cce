"""What a model's reply becomes: the answer format enforced, its [n] markers resolved,
citations whose passage does not support their sentence dropped (the claim check) and,
when configured, the model's own yes/no reading of each cited excerpt (the support
check), its own answer from each cited excerpt alone (the reading check) and its own
yes/no on whether some cited excerpt answers the question (the question check). A reply
left with no citation is "not in the documents", with the gate that refused it
recorded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from service.answering.answers import NOT_FOUND, Answer, Refusal
from service.answering.excerpts import Excerpt, titled
from service.answering.question_check import QuestionCheck
from service.answering.reading import ReadingCheck
from service.answering.support import SupportCheck
from service.core.records import Passage
from service.grounding.answer_format import enforce_answer_format, rejoin_split_figures
from service.grounding.citations import (
    MARKER,
    Citation,
    resolve_markers,
    without_stray_markers,
)
from service.grounding.claims import Claim, ClaimChecker, verify
from service.grounding.markers import attribute, renumber


class Checked(NamedTuple):
    text: str
    citations: list[Citation]
    claims: list[Claim]
    marked: bool  # some marker named a passage before the claim check


class ReplyChecks:
    def __init__(
        self,
        claim_checker: ClaimChecker | None,
        support_check: SupportCheck | None,
        reading_check: ReadingCheck | None = None,
        question_check: QuestionCheck | None = None,
    ) -> None:
        self.claim_checker = claim_checker
        self.support_check = support_check
        self.reading_check = reading_check
        self.question_check = question_check

    @property
    def ask_the_model(self) -> bool:
        """Whether a whole reply is read again by a model before it is an answer."""
        return any(
            check is not None
            for check in (self.support_check, self.reading_check, self.question_check)
        )

    def shown_text(
        self, reply: str, question: str, passages: list[Passage], shown: Sequence[Excerpt]
    ) -> str:
        """The reply (or a prefix of it) as it may be shown while it streams."""
        return self._checked(reply, question, passages, shown).text

    def answer(
        self,
        reply: str,
        question: str,
        passages: list[Passage],
        shown: Sequence[Excerpt],
        model: str,
    ) -> Answer:
        """The checked reply; "not in the documents" when no citation survives the claim
        check or, with the model's checks, no cited excerpt states the answer (support),
        gives the same answer read alone (reading) or answers the question (question). They
        read what the answering model read, not the whole passage, and in that order, which
        lets the question check's prompt start where the reading check's last one did. Their
        calls raise LLMFailure like the answering one."""
        text, citations, claims, marked = self._checked(reply, question, passages, shown)
        support = None
        refused_by: Refusal | None = None
        read = {e.n: titled(e.passage, e.text) for e in shown}
        cited = [
            read.get(c.n) or titled(passages[c.n - 1], passages[c.n - 1].chunk.text)
            for c in citations
        ]
        prose = _prose(text)
        if not citations:
            refused_by = "claims" if marked else "model"
        elif self.support_check:
            support = self.support_check.probability(prose, cited)
            if support < self.support_check.min_probability:
                refused_by = "support"
        if not refused_by and self.reading_check:
            if not self.reading_check.agrees(question, prose, cited):
                refused_by = "reading"
        if not refused_by and self.question_check:
            if not self.question_check.answered(question, cited):
                refused_by = "question"
        if refused_by:
            citations = []
        grounded = bool(citations)
        return Answer(
            text=text if grounded else NOT_FOUND,
            citations=citations,
            mode="llm",
            model=model,
            grounded=grounded,
            passages=passages,
            claims=claims if grounded else [],
            support=support,
            refused_by=refused_by,
            reply=reply,
        )

    def _checked(
        self, reply: str, question: str, passages: list[Passage], shown: Sequence[Excerpt]
    ) -> Checked:
        """Figures the model wrote apart rejoined as the excerpts write them ("140, 000"),
        uncited sentences copied from an excerpt attributed to it, answer format
        enforced, markers resolved, and citations whose passage does not support their
        sentence dropped. Streams release prefixes of this same text, so what was shown is
        what the answer says."""
        reply = rejoin_split_figures(reply, [e.text for e in shown])
        reply = self._attributed(reply, question, passages, shown)
        answer = enforce_answer_format(reply, len(passages))
        text, citations = resolve_markers(answer, passages, question)
        marked = bool(citations)
        claims: list[Claim] = []
        if self.claim_checker and citations:
            text, checked, claims = verify(
                self.claim_checker, text, citations, passages, question=question
            )
            text, citations = resolve_markers(text, passages, question)  # tidies removed markers
            quoted = {c.n: c for c in checked}  # the claim check's quotes
            citations = [replace(quoted.get(c.n, c), verified=True) for c in citations]
        return Checked(text, citations, claims, marked)

    def _attributed(
        self, reply: str, question: str, passages: list[Passage], shown: Sequence[Excerpt]
    ) -> str:
        """The reply with a marker after each uncited sentence that one excerpt holds
        (markers.attribute), and a sentence's marker changed to the one excerpt that
        holds it where the passage it names does not support it (markers.renumber); a
        reply saying the documents do not hold the answer stays a refusal. A marker that
        names no passage at all ("[2]" where one was found) is dropped first, so that its
        sentence, if copied, is attributed as an unmarked one."""
        if self.claim_checker is None or NOT_FOUND in reply:
            return reply
        reply = without_stray_markers(reply, len(passages))
        read = [(e.n, e.text) for e in shown]
        dates = [p.chunk.date for p in passages]
        attributed = attribute(self.claim_checker, reply, read, question, dates)
        texts, titles = [p.chunk.text for p in passages], [p.chunk.title for p in passages]
        return renumber(self.claim_checker, attributed, read, texts, question, titles, dates)


def _prose(answer: str) -> str:
    """An answer's text without its [n] markers."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(MARKER.sub("", answer).split()))
