"""The benchmark: the real service (components, Chroma, embedder) over RGB and the seed QA set.

python -m service eval [--dataset rgb|seeds|all] [--out bench/results] [--mode extractive]

Each data set is ingested into its own temporary data directory; every
question is asked through AnswerService exactly as the API asks it. Retrieval
is also measured dense-only, BM25-only and fused.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.answering import Answer, Mode, Question
from service.components import Components, build_components
from service.config import Settings
from service.embedding import Embedder
from service.eval_data import EvalQuestion, EvalSet
from service.eval_metrics import (
    answer_correct,
    answer_words,
    citation_support,
    first_hit,
    mrr,
    percentile,
    recall_at,
)
from service.retrieval import Filters

RETRIEVERS: dict[str, tuple[float, float, float] | None] = {
    "dense": (1.0, 0.0, 0.0),
    "bm25": (0.0, 1.0, 0.0),
    "rrf": (1.0, 1.0, 0.0),  # plain reciprocal rank fusion of the two
    "fused": None,  # the service's own fusion (with the evidence ranking)
}
RANK_DEPTH = 10


@dataclass
class Outcome:
    question: EvalQuestion
    answer: Answer
    seconds: float
    hits: dict[str, int | None] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        q, a = self.question, self.answer
        return q.gold is not None and a.grounded and answer_correct(a.text, q.gold)

    def record(self, with_text: bool = True) -> dict[str, Any]:
        q, a = self.question, self.answer
        texts = {"query": q.query, "gold": q.gold, "answer": a.text} if with_text else {}
        return {
            "id": q.qid,
            **texts,
            "answerable": q.answerable,
            "grounded": a.grounded,
            "correct": self.correct,
            "words": answer_words(a.text),
            "citations": [
                {"n": c.n, "doc_id": c.chunk.doc_id, "verified": c.verified}
                | ({"quote": c.quote} if with_text else {})
                for c in a.citations
            ],
            "retrieved": [p.chunk.doc_id for p in a.passages],
            "first_hit": self.hits,
            "seconds": round(self.seconds, 4),
        }


def run_set(
    eval_set: EvalSet,
    settings: Settings,
    mode: Mode,
    embedder: Embedder | None = None,
    data_dir: Path | None = None,
) -> dict[str, Any]:
    """Ingest the set (into `data_dir`, else a temporary one) and ask every question."""
    with tempfile.TemporaryDirectory(prefix=f"qa-eval-{eval_set.name}-") as tmp:
        local = settings.model_copy(
            update={"data_dir": data_dir or Path(tmp), "seed_on_start": False, "chroma_url": None}
        )
        components = build_components(local, embedder)
        started = time.perf_counter()
        components.library.ingest_many(eval_set.documents)
        ingest_seconds = time.perf_counter() - started
        all_ids = [d.doc_id for d in eval_set.documents]
        outcomes = [ask(components, q, all_ids, mode) for q in eval_set.questions]
    summary = summarize(outcomes)
    summary["documents"] = len(eval_set.documents)
    summary["ingest_seconds"] = round(ingest_seconds, 2)
    records = [o.record(with_text=eval_set.shareable) for o in outcomes]
    return {"summary": summary, "questions": records}


def ask(components: Components, q: EvalQuestion, all_ids: list[str], mode: Mode) -> Outcome:
    filters = (
        Filters(doc_ids=tuple(i for i in all_ids if i not in q.exclude)) if q.exclude else Filters()
    )
    question = Question(q.query, components.settings.top_k, filters, mode)
    started = time.perf_counter()
    answer = components.answers.ask(question)
    outcome = Outcome(q, answer, time.perf_counter() - started)
    if q.answerable:
        for name, weights in RETRIEVERS.items():
            ranked = components.retriever.search(q.query, RANK_DEPTH, filters, weights)
            outcome.hits[name] = first_hit([p.chunk.doc_id for p in ranked], q.positives)
    return outcome


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    retrieval = {}
    for name in RETRIEVERS:
        hits = [o.hits.get(name) for o in answerable]
        retrieval[name] = {
            "recall@1": recall_at(hits, 1),
            "recall@5": recall_at(hits, 5),
            "recall@10": recall_at(hits, 10),
            "mrr@10": mrr(hits, RANK_DEPTH),
        }
    supported = total = 0
    for o in outcomes:
        if o.answer.grounded:
            triples = [(c.n, c.chunk.text, c.quote) for c in o.answer.citations]
            s, t = citation_support(o.answer.text, triples)
            supported, total = supported + s, total + t
    seconds = [o.seconds * 1000 for o in outcomes]
    grounded_words = [answer_words(o.answer.text) for o in answerable if o.answer.grounded]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "retrieval": retrieval,
        "accuracy": _rate(o.correct for o in answerable),
        "median_answer_words": statistics.median(grounded_words) if grounded_words else 0,
        "citation_support": round(supported / total, 4) if total else None,
        "citations": total,
        "abstention_unanswerable": _rate(not o.answer.grounded for o in unanswerable),
        "false_abstention": _rate(not o.answer.grounded for o in answerable),
        "latency_ms": {
            "median": round(percentile(seconds, 50), 1),
            "p95": round(percentile(seconds, 95), 1),
        },
    }


def markdown(results: dict[str, dict[str, Any]], mode: str) -> str:
    lines = [
        f"# Answer quality ({mode} mode)",
        "",
        "| data set | retriever | recall@1 | recall@5 | recall@10 | MRR@10 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        for retriever, r in result["summary"]["retrieval"].items():
            lines.append(
                f"| {name} | {retriever} | {r['recall@1']:.3f} | {r['recall@5']:.3f} "
                f"| {r['recall@10']:.3f} | {r['mrr@10']:.3f} |"
            )
    lines += [
        "",
        "| data set | questions (answerable/unanswerable) | accuracy | median words "
        "| citation support | abstention (unanswerable) | false abstention "
        "| latency median / p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        s = result["summary"]
        support = "n/a" if s["citation_support"] is None else f"{s['citation_support']:.3f}"
        lines.append(
            f"| {name} | {s['answerable']}/{s['unanswerable']} | {s['accuracy']:.3f} "
            f"| {s['median_answer_words']} | {support} ({s['citations']}) "
            f"| {s['abstention_unanswerable']:.3f} | {s['false_abstention']:.3f} "
            f"| {s['latency_ms']['median']} / {s['latency_ms']['p95']} |"
        )
    lines += [
        "",
        "Accuracy: every gold item (any alternative) in the lower-cased answer, and at most 60 "
        "words. Unanswerable: the question against the corpus without every passage holding "
        "its gold answer (in RGB's spellings or another form: a date without its year, "
        "6/19/2020, 1.65 billion dollars, the surname alone, a name cut short, the city "
        "without its region). Citation support: the quote is "
        "in its passage and holds at least half the content words of each answer sentence "
        "citing it. `python -m service eval` rewrites this file.",
    ]
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, dict[str, Any]], out_dir: Path, mode: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"eval-{mode}.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    table = out_dir / f"eval-{mode}.md"
    table.write_text(markdown(results, mode), encoding="utf-8")
    return table


def _rate(flags: Any) -> float:
    items = [bool(f) for f in flags]
    return round(sum(items) / len(items), 4) if items else 0.0
