"""Choose the retrieval fusion (dense and BM25 weights, RRF k) on the dev sets' tune parts.

python -m bench.quality.tune_retrieval [--part tune|report] [--recency]

Prints recall@5 and MRR@10 of every setting on the asked part of RGB and
RealTimeQA (answerable questions only). The service's defaults are the setting
with the best mean recall@5 on the tune parts (MRR breaks ties); run it with
`--part report` afterwards to see how that choice holds on the other part.
Either grid holds what it does not vary at the configured values (the fusion grid
the recency prior too). `--recency`: the fusion as configured, the recency
prior's weight, half-life and margin varied instead (recall@1 and @3 too: the model
reads the first few; `NO_MARGIN`: no bound).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from bench.quality.__main__ import DEFAULT_EVAL_DIR
from bench.quality.data import load_rgb, load_rtqa
from bench.quality.metrics import mrr, recall_at
from bench.quality.run import data_dir_for, first_relevant, prepare
from service.components import Components
from service.core.config import PROJECT_ROOT, Settings
from service.retrieval.hybrid import Filters, Retriever
from service.retrieval.rerank import NO_MARGIN, SentenceReranker, SentenceVectors

WEIGHTS = [(1.0, 0.0), (1.0, 0.5), (1.0, 1.0), (0.5, 1.0)]
RRF_K = [10, 60]
RERANK = [(0, 0.0), (10, 1.0), (20, 1.0), (20, 2.0), (20, 100.0)]  # depth, weight
RECENCY = [(0.0, 7.0, NO_MARGIN)] + [
    (w, d, m)
    for w in (1.0, 2.0, 4.0, 8.0)
    for d in (7.0, 14.0, 30.0)
    for m in (0.2, 0.3, 0.5, NO_MARGIN)
]


# fusion weights (dense, BM25), RRF k, rerank (depth, weight),
# recency (weight, half-life days, margin)
Setting = tuple[tuple[float, float], int, tuple[int, float], tuple[float, float, float]]
Cells = tuple[float, float, float, float]  # recall@1, @3, @5, MRR@10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality.tune_retrieval")
    parser.add_argument("--part", choices=["tune", "report"], default="tune")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".cache" / "eval")
    parser.add_argument("--recency", action="store_true", help="vary the recency prior only")
    args = parser.parse_args(argv)
    settings = Settings().model_copy(update={"llm": "none", "chroma_url": None})
    fusion = (settings.rrf_weights, settings.rrf_k)
    rerank = (settings.rerank_depth, settings.rerank_weight)
    recency = (settings.recency_weight, settings.recency_half_life_days, settings.recency_margin)
    if args.recency:
        grid = [(*fusion, rerank, r) for r in RECENCY]
    else:
        grid = [(w, k, r, recency) for w, k, r in itertools.product(WEIGHTS, RRF_K, RERANK)]
    table = measure(settings, args, grid)
    ordered = sorted(table.items(), key=lambda kv: (-_mean(kv[1], 2), -_mean(kv[1], 3)))
    if args.recency:
        print(f"{args.part} part: recall@1 / @3 / @5 / MRR@10 for rgb, rtqa; mean recall@5")
        for (_, _, _, (weight, half_life, margin)), cells in ordered:
            shown = "  ".join(" / ".join(f"{x:.3f}" for x in c) for c in cells)
            mean = _mean(cells, 2)
            print(
                f"recency {weight:3.1f} half-life {half_life:4.0f} d margin {margin:3.1f}:"
                f" {shown}  mean {mean:.3f}"
            )
        return 0
    print(f"{args.part} part: recall@5 / MRR@10 for rgb, rtqa; mean recall@5")
    for (weights, k, (depth, weight), _), cells in ordered:
        shown = "  ".join(f"{c[2]:.3f} / {c[3]:.3f}" for c in cells)
        print(
            f"dense {weights[0]:.1f} bm25 {weights[1]:.1f} k {k:2d} rerank {depth:2d} x{weight:<5}:"
            f" {shown}  mean {_mean(cells, 2):.3f}"
        )
    return 0


def measure(
    settings: Settings, args: argparse.Namespace, grid: list[Setting]
) -> dict[Setting, list[Cells]]:
    """Every setting's cells on the asked part of RGB, then of RealTimeQA (answerable
    questions, as of each one's date)."""
    table: dict[Setting, list[Cells]] = {}
    for eval_set in (
        load_rgb(args.eval_dir / "rgb_dev.jsonl"),
        load_rtqa(args.eval_dir / "rtqa_dev"),
    ):
        part = eval_set.part(args.part)
        local = settings.model_copy(
            update={"data_dir": data_dir_for(args.data_dir, part), "seed_on_start": False}
        )
        components = prepare(part, local, None)
        try:
            questions = [q for q in part.questions if q.answerable]
            vectors = SentenceVectors(components.embedder)
            for setting in grid:
                retriever = _retriever(components, vectors, local, setting)
                hits = [
                    first_relevant(q, retriever.search(q.query, 10, Filters(until=q.until)))
                    for q in questions
                ]
                cells = (recall_at(hits, 1), recall_at(hits, 3), recall_at(hits, 5), mrr(hits, 10))
                table.setdefault(setting, []).append(cells)
        finally:
            components.close()
    return table


def _retriever(
    components: Components, vectors: SentenceVectors, settings: Settings, setting: Setting
) -> Retriever:
    weights, rrf_k, (depth, weight), (recency_weight, half_life, margin) = setting
    reranker = SentenceReranker(
        vectors,
        depth=depth,
        weight=weight,
        recency_weight=recency_weight,
        recency_half_life_days=half_life,
        recency_margin=margin,
    )
    return Retriever(
        components.store,
        components.lexical,
        components.embedder,
        candidates=settings.candidates,
        rrf_k=rrf_k,
        per_doc_cap=settings.per_doc_cap,
        weights=weights,
        reranker=reranker,
    )


def _mean(cells: list[Cells], index: int) -> float:
    return sum(c[index] for c in cells) / len(cells)


if __name__ == "__main__":
    sys.exit(main())
