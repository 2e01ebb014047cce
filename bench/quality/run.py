"""Runs the real service (components, Chroma, embedder, LLM) over an evaluation set.

Each set is ingested into its own data directory (kept between runs under
.cache/eval/, so unchanged documents are not embedded again); every question
is asked through AnswerService exactly as the API asks it. Retrieval is also
measured dense-only, BM25-only and fused, at depth 10.
"""

from __future__ import annotations

import io
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from bench.quality.data import EvalQuestion, EvalSet
from bench.quality.metrics import (
    answer_correct,
    answer_words,
    citation_support,
    first_hit,
    gold_in,
    mrr,
    percentile,
    recall_at,
    strictly_correct,
)
from service.answering.answers import Answer, Mode, Question, Refusal
from service.components import Components, build_components
from service.core.config import Settings
from service.core.ports import Embedder
from service.core.records import Passage
from service.retrieval.hybrid import Filters

RETRIEVERS: dict[str, tuple[float, float] | None] = {
    "dense": (1.0, 0.0),
    "bm25": (0.0, 1.0),
    "fused": None,  # the service's own retrieval: fusion, then reranking
}
RANK_DEPTH = 10


@dataclass
class Outcome:
    question: EvalQuestion
    answer: Answer
    seconds: float
    hits: dict[str, int | None] = field(default_factory=dict)
    likelihood: float = 0.0  # the extractive scorer's, of its likeliest sentence

    @property
    def correct(self) -> bool:
        q, a = self.question, self.answer
        return q.gold is not None and a.grounded and answer_correct(a.text, q.gold, q.style)

    @property
    def refused_right(self) -> bool:
        """Refused, although the model's reply before the checks was right."""
        q, a = self.question, self.answer
        return (
            q.gold is not None
            and not a.grounded
            and a.reply is not None
            and answer_correct(a.reply, q.gold, q.style)
        )

    @property
    def closest_gold(self) -> bool:
        """Refused, and a quote of the closest passages shown with the refusal holds the gold."""
        q, a = self.question, self.answer
        return (
            q.gold is not None
            and not a.grounded
            and any(gold_in(c.quote, q.gold, q.style) for c in a.closest)
        )

    @property
    def strict(self) -> bool:
        q, a = self.question, self.answer
        if not q.choices:
            return self.correct
        return (
            q.gold is not None
            and a.grounded
            and strictly_correct(a.text, q.gold, q.choices, q.style)
        )

    @property
    def cited_gold(self) -> bool:
        """A cited passage holds the gold answer (only asked of correct answers)."""
        q = self.question
        assert q.gold is not None
        return any(gold_in(c.chunk.text, q.gold, q.style) for c in self.answer.citations)

    @property
    def cited_gold_titled(self) -> bool:
        """A cited passage holds the gold in its text or its document's title, which every
        citation carries and the model and the checks read over each excerpt."""
        q = self.question
        assert q.gold is not None
        return any(
            gold_in(f"{c.chunk.title}\n{c.chunk.text}", q.gold, q.style)
            for c in self.answer.citations
        )

    @property
    def quoted_gold(self) -> bool:
        """A citation's quote, the sentence a reader is shown, holds the gold answer (only
        asked of correct answers)."""
        q = self.question
        assert q.gold is not None
        return any(gold_in(c.quote, q.gold, q.style) for c in self.answer.citations)

    def record(self, with_text: bool = True) -> dict[str, Any]:
        q, a = self.question, self.answer
        texts = (
            {"query": q.query, "gold": q.gold, "answer": a.text, "reply": a.reply}
            if with_text
            else {}
        )
        return {
            "id": q.qid,
            "part": q.part,
            **texts,
            "answerable": q.answerable,
            "grounded": a.grounded,
            "degraded": a.degraded,
            "correct": self.correct,
            "strict": self.strict,
            "words": answer_words(a.text),
            "citations": [
                {"n": c.n, "doc_id": c.chunk.doc_id, "verified": c.verified}
                | ({"quote": c.quote} if with_text else {})
                for c in a.citations
            ],
            "retrieved": [p.chunk.doc_id for p in a.passages],
            "first_hit": self.hits,
            "likelihood": round(self.likelihood, 4),
            "support": None if a.support is None else round(a.support, 4),
            "refused_by": a.refused_by,
            "closest_gold": self.closest_gold,
            "seconds": round(self.seconds, 3),
        }


def prepare(eval_set: EvalSet, settings: Settings, embedder: Embedder | None) -> Components:
    """The set's documents in its data directory (unchanged ones skipped); its components."""
    if eval_set.corpus_path is not None:
        from service.cli.ingest import ingest_paths  # the bulk path a user runs

        ingest_paths(settings, [eval_set.corpus_path], quiet=True, out=io.StringIO())
    components = build_components(settings, embedder)
    if eval_set.documents:
        components.library.ingest_many(eval_set.documents)
    return components


def run_set(
    eval_set: EvalSet,
    components: Components,
    mode: Mode,
    progress: Callable[[str], None] = lambda _: None,
    with_text: bool = False,
) -> dict[str, Any]:
    """Ask every question of the set; the summary of each part and every question's record."""
    all_ids = [r.doc_id for r in components.library.documents()] if _excludes(eval_set) else []
    outcomes = []
    for n, q in enumerate(eval_set.questions, start=1):
        outcomes.append(ask(components, q, all_ids, mode))
        progress(f"{eval_set.name} {n}/{len(eval_set.questions)}")
    parts = {p: [o for o in outcomes if o.question.part == p] for p in ("tune", "report")}
    summary = {name: summarize(items) for name, items in parts.items() if items}
    summary["all"] = summarize(outcomes)
    records = [o.record(with_text=with_text or eval_set.shareable) for o in outcomes]
    return {"summary": summary, "questions": records}


def _excludes(eval_set: EvalSet) -> bool:
    return any(q.exclude for q in eval_set.questions)


def ask(components: Components, q: EvalQuestion, all_ids: list[str], mode: Mode) -> Outcome:
    doc_ids = tuple(i for i in all_ids if i not in q.exclude) if q.exclude else ()
    filters = Filters(until=q.until, doc_ids=doc_ids)
    question = Question(q.query, components.settings.top_k, filters, mode)
    started = time.perf_counter()
    answer = components.answers.ask(question)
    outcome = Outcome(q, answer, time.perf_counter() - started)
    outcome.likelihood = components.answers.answer_likelihood(q.query, answer.passages)
    if q.answerable:
        for name, weights in RETRIEVERS.items():
            ranked = components.retriever.search(
                q.query, RANK_DEPTH, filters, weights, rerank=weights is None
            )
            outcome.hits[name] = first_relevant(q, ranked)
    return outcome


def first_relevant(q: EvalQuestion, ranked: list[Passage]) -> int | None:
    """RGB: the first passage of a positive document; RealTimeQA: the first holding the gold."""
    if q.style == "rtqa":
        assert q.gold is not None
        for rank, passage in enumerate(ranked, start=1):
            if gold_in(passage.chunk.text, q.gold, q.style):
                return rank
        return None
    return first_hit([p.chunk.doc_id for p in ranked], q.positives)


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    retrieval = {}
    for name in RETRIEVERS:
        hits = [o.hits.get(name) for o in answerable]
        retrieval[name] = {
            "recall@1": round(recall_at(hits, 1), 4),
            "recall@5": round(recall_at(hits, 5), 4),
            "recall@10": round(recall_at(hits, 10), 4),
            "mrr@10": round(mrr(hits, RANK_DEPTH), 4),
        }
    supported = total = 0
    for o in outcomes:
        if o.answer.grounded:
            triples = [(c.n, c.chunk.text, c.quote) for c in o.answer.citations]
            s, t = citation_support(o.answer.text, triples)
            supported, total = supported + s, total + t
    correct = [o for o in answerable if o.correct]
    seconds = [o.seconds * 1000 for o in outcomes]
    grounded_words = [answer_words(o.answer.text) for o in answerable if o.answer.grounded]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "retrieval": retrieval,
        "accuracy": _rate(o.correct for o in answerable),
        "strict_accuracy": _rate(o.strict for o in answerable),
        "citation_support": _rate(o.cited_gold for o in correct) if correct else None,
        "citation_support_titled": (
            _rate(o.cited_gold_titled for o in correct) if correct else None
        ),
        "quote_holds_gold": _rate(o.quoted_gold for o in correct) if correct else None,
        "quote_support": round(supported / total, 4) if total else None,
        "citations": total,
        "rejection": _rate(not o.answer.grounded for o in unanswerable),
        "false_rejection": _rate(not o.answer.grounded for o in answerable),
        "degraded": _rate(o.answer.degraded for o in outcomes),
        "outcomes": {
            "answerable": _outcomes(answerable, lambda o: "right" if o.correct else "wrong"),
            "unanswerable": _outcomes(unanswerable, lambda o: "answered"),
            # what each gate cost: the refusals whose reply was right (none is grounded)
            "refused_right_reply": _outcomes(
                [o for o in answerable if o.refused_right], lambda o: "right"
            ),
            # the refusals whose closest passages' quotes hold the answer for the reader
            "refused_closest_gold": _outcomes(
                [o for o in answerable if o.closest_gold], lambda o: "right"
            ),
        },
        "median_answer_words": statistics.median(grounded_words) if grounded_words else 0,
        "latency_ms": {
            "median": round(percentile(seconds, 50), 1),
            "p95": round(percentile(seconds, 95), 1),
        },
    }


def _outcomes(outcomes: list[Outcome], grounded: Callable[[Outcome], str]) -> dict[str, int]:
    """How many answers were grounded (by `grounded`'s label) or refused, by the gate that
    refused them (Answer.refused_by)."""
    counts = Counter(
        grounded(o) if o.answer.grounded else f"refused: {o.answer.refused_by}" for o in outcomes
    )
    order = ["right", "wrong", "answered", *(f"refused: {g}" for g in get_args(Refusal))]
    return dict(sorted(counts.items(), key=lambda item: _place(order, item[0])))


def _place(order: list[str], label: str) -> int:
    return order.index(label) if label in order else len(order)


def _rate(flags: Any) -> float:
    items = [bool(f) for f in flags]
    return round(sum(items) / len(items), 4) if items else 0.0


def data_dir_for(root: Path, eval_set: EvalSet) -> Path:
    return root / eval_set.name
