"""What the answer service takes and gives: a question, its answer, the events of a stream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from service.core.ports import Message
from service.core.records import Passage
from service.core.sampling import Sampling
from service.grounding.citations import Citation
from service.grounding.claims import Claim
from service.retrieval.hybrid import Filters

Mode = Literal["auto", "llm", "extractive"]
# Why an answer is "not in the documents": no passage close enough to the question
# (relevance), no sentence likely enough to answer (likelihood), the model said so or
# cited nothing (model), no citation passed the claim check (claims), the model's
# support check said no (support), no cited excerpt, read alone, gave the same answer
# (reading), or the model gave no cited excerpt a likely enough "yes" to answering the
# question (question, where that check is on).
Refusal = Literal["relevance", "likelihood", "model", "claims", "support", "reading", "question"]
NOT_FOUND = "The documents do not contain an answer to this question."


@dataclass(frozen=True)
class Question:
    text: str
    top_k: int
    filters: Filters = field(default_factory=Filters)
    mode: Mode = "auto"
    history: Sequence[Message] = ()
    sampling: Sampling | None = None  # a client's options for the answering LLM call
    drafts: bool = False  # stream the model's unchecked text as `draft` events while held


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    mode: Literal["llm", "extractive"]
    model: str | None
    grounded: bool
    passages: list[Passage]
    degraded: bool = False
    # LLM answers: tokens (cl100k, counted here) of the model's prompt and of its reply
    usage: dict[str, int] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None  # the follow-up as rewritten for retrieval
    claims: list[Claim] = field(default_factory=list)
    support: float | None = None  # the model's probability that a cited passage states it
    # Not grounded, though passages were close enough to the question: the likeliest
    # sentence of each of the few passages most likely to answer, quoted for the reader to
    # judge. Not an answer and not checked; none when no passage was close (relevance).
    closest: list[Citation] = field(default_factory=list)
    refused_by: Refusal | None = None  # set when not grounded (for evaluation; not in the API)
    reply: str | None = None  # the model's reply before the checks (for evaluation; not in the API)


@dataclass(frozen=True)
class Event:
    """One event of a streamed answer: citations, delta, done or error; `pending` says only
    that the model wrote more that cannot be shown yet (held for the support check, or a
    sentence not yet settled). Nothing is sent for it; it ends the stream's step, so that
    a client's hang-up is acted on between the model's tokens. `draft` (only when the
    question asks for drafts): the model's whole reply so far, markup removed but not yet
    checked, while the answer is held; the first `delta` replaces it."""

    kind: Literal["citations", "draft", "delta", "pending", "done", "error"]
    data: Any
