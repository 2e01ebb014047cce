"""Fit the extractive answerer's scoring model on the tune parts of the dev sets.

python -m bench.quality.fit_extractive [--write]

For every tune-part question of RGB and RealTimeQA, the service retrieves its
passages as it would when asked; every candidate sentence becomes one row of
features (service.answering.extractive_features), labelled 1 when it holds the gold
answer (never for unanswerable questions). A logistic regression with a small
L2 penalty gives the weights. The threshold is then chosen on the same tune
questions: the probability under which the best sentence is not given, which
maximises the mean of accuracy and rejection over the two sets with false
rejection at most MAX_FALSE_REJECTION. Last, the share of the best sentence's
probability from which the runner-up is given with it (RUNNER_UP_SHARES): of
the shares whose answers are right most often (the mean accuracy over the two
sets), the largest, which gives a second sentence least often. The report parts
are never read here.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.quality.__main__ import DEFAULT_EVAL_DIR
from bench.quality.data import EvalQuestion, load_rgb, load_rtqa
from bench.quality.metrics import answer_correct, gold_in
from bench.quality.run import data_dir_for, prepare
from service.answering.extractive import ExtractiveAnswerer
from service.answering.extractive_answer import compose, within_words
from service.answering.extractive_features import FEATURES
from service.answering.extractive_model import MODEL_PATH, NO_RUNNER_UP, Candidate, ScoringModel
from service.core.config import PROJECT_ROOT, Settings
from service.core.records import Passage
from service.retrieval.hybrid import Filters

MAX_FALSE_REJECTION = 0.15
L2 = 1.0
RUNNER_UP_SHARES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, NO_RUNNER_UP)


@dataclass
class QuestionRows:
    question: EvalQuestion
    set_name: str
    rows: np.ndarray  # candidates x features
    labels: np.ndarray  # 1: the candidate holds the gold answer
    correct: np.ndarray  # 1: the candidate, given as the answer, would be counted right
    ranked: list[Candidate]  # the rows' candidates, for answers of more than one
    passages: list[Passage]


def collect(settings: Settings, eval_dir: Path, data_root: Path) -> list[QuestionRows]:
    collected: list[QuestionRows] = []
    for eval_set in (load_rgb(eval_dir / "rgb_dev.jsonl"), load_rtqa(eval_dir / "rtqa_dev")):
        tune = eval_set.part("tune")
        local = settings.model_copy(
            update={"data_dir": data_dir_for(data_root, tune), "seed_on_start": False}
        )
        components = prepare(tune, local, None)
        answerer = ExtractiveAnswerer(components.lexical.term_weight, components.embedder)
        all_ids = [r.doc_id for r in components.library.documents()]
        try:
            for q in tune.questions:
                doc_ids = tuple(i for i in all_ids if i not in q.exclude) if q.exclude else ()
                filters = Filters(until=q.until, doc_ids=doc_ids)
                passages = components.retriever.search(q.query, local.top_k, filters)
                ranked = answerer.rank(q.query, passages)
                if not ranked:
                    continue
                spans = [within_words(c.span, 58).text for c in ranked]
                gold = q.gold
                labels = [gold is not None and gold_in(s, gold, q.style) for s in spans]
                correct = [gold is not None and answer_correct(s, gold, q.style) for s in spans]
                collected.append(
                    QuestionRows(
                        q,
                        tune.name,
                        np.array([c.features for c in ranked], dtype=float),
                        np.array(labels, dtype=float),
                        np.array(correct, dtype=float),
                        ranked,
                        passages,
                    )
                )
        finally:
            components.close()
    return collected


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weights and bias by Newton's method (IRLS) on the penalised log-likelihood."""
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[-1, -1] = 0.0  # the bias is not penalised
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def outcomes(
    collected: list[QuestionRows], model: ScoringModel
) -> dict[str, list[tuple[bool, float, bool]]]:
    """Per set, per question: (answerable, best probability, best candidate correct)."""
    by_set: dict[str, list[tuple[bool, float, bool]]] = {}
    for item in collected:
        probabilities = [model.probability(row) for row in item.rows]
        best = int(np.argmax(probabilities))
        by_set.setdefault(item.set_name, []).append(
            (item.question.answerable, probabilities[best], bool(item.correct[best]))
        )
    return by_set


def rates(results: list[tuple[bool, float, bool]], threshold: float) -> dict[str, float]:
    answerable = [r for r in results if r[0]]
    unanswerable = [r for r in results if not r[0]]
    return {
        "accuracy": sum(p >= threshold and ok for _, p, ok in answerable) / len(answerable),
        "rejection": sum(p < threshold for _, p, _ in unanswerable) / max(1, len(unanswerable)),
        "false_rejection": sum(p < threshold for _, p, _ in answerable) / len(answerable),
    }


def choose_threshold(by_set: dict[str, list[tuple[bool, float, bool]]]) -> float:
    candidates = sorted({round(p, 4) for results in by_set.values() for _, p, _ in results})
    best, best_value = 0.0, -1.0
    for threshold in [0.0, *candidates]:
        measured = [rates(results, threshold) for results in by_set.values()]
        if any(m["false_rejection"] > MAX_FALSE_REJECTION for m in measured):
            continue
        value = float(np.mean([(m["accuracy"] + m["rejection"]) / 2 for m in measured]))
        if value > best_value:
            best, best_value = threshold, value
    return best


def choose_runner_up(collected: list[QuestionRows], model: ScoringModel) -> float:
    """Of the RUNNER_UP_SHARES whose answers are right most often, the largest."""
    best, best_value = NO_RUNNER_UP, -1.0
    for share in sorted(RUNNER_UP_SHARES, reverse=True):
        value = float(np.mean(list(accuracy(collected, replace(model, runner_up=share)).values())))
        if value > best_value + 1e-9:
            best, best_value = share, value
    return best


def accuracy(collected: list[QuestionRows], model: ScoringModel) -> dict[str, float]:
    """Per set, the share of answerable questions answered right, the candidates re-scored
    by `model` and composed as the service does."""
    right: dict[str, list[bool]] = {}
    for item in collected:
        if not item.question.answerable or item.question.gold is None:
            continue
        probabilities = [model.probability(tuple(row)) for row in item.rows]
        ranked = sorted(
            (replace(c, probability=p) for c, p in zip(item.ranked, probabilities, strict=True)),
            key=lambda c: -c.probability,
        )
        text, _ = compose(item.question.query, ranked, item.passages, model)
        ok = bool(text) and answer_correct(text, item.question.gold, item.question.style)
        right.setdefault(item.set_name, []).append(ok)
    return {name: float(np.mean(flags)) for name, flags in right.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality.fit_extractive")
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.name}")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".cache" / "eval")
    parser.add_argument("--reuse", action="store_true", help="the rows of the last run")
    parser.add_argument(
        "--keep-weights",
        action="store_true",
        help="keep the written weights and threshold; choose the runner-up share only",
    )
    args = parser.parse_args(argv)
    saved = args.data_dir / "fit-rows.pickle"
    if args.reuse and saved.exists():
        collected = pickle.loads(saved.read_bytes())
    else:
        settings = Settings().model_copy(update={"llm": "none", "chroma_url": None})
        collected = collect(settings, args.eval_dir, args.data_dir)
        saved.write_bytes(pickle.dumps(collected))
    x = np.vstack([c.rows for c in collected])
    y = np.concatenate([c.labels for c in collected])
    if args.keep_weights:
        model = ScoringModel.load()
        weights, bias, threshold = np.array(model.weights), model.bias, model.threshold
    else:
        weights, bias = fit_logistic(x, y)
        model = ScoringModel(tuple(float(w) for w in weights), bias, 0.5)
        threshold = choose_threshold(outcomes(collected, model))
        model = replace(model, threshold=threshold)
    by_set = outcomes(collected, model)
    runner_up = choose_runner_up(collected, model)
    print(f"{len(collected)} tune questions, {len(y)} candidates, {int(y.sum())} holding the gold")
    for name, value in zip(FEATURES, weights, strict=True):
        print(f"  {name:20} {value:+.3f}")
    print(f"  {'bias':20} {bias:+.3f}\n  threshold {threshold:.4f}, runner-up share {runner_up}")
    with_runner_up = accuracy(collected, replace(model, runner_up=runner_up))
    print(f"  tune accuracy with the runner-up: {with_runner_up}")
    for name, results in by_set.items():
        print(f"  {name} (tune): {rates(results, threshold)}")
    answerable = [c for c in collected if c.question.answerable]
    first = np.mean([c.correct[int(np.argmax(c.rows @ weights))] for c in answerable])
    anyone = np.mean([c.correct.any() for c in answerable])
    print(f"  answerable: some candidate right {anyone:.3f}, the first right {first:.3f}")
    if args.write:
        data = {
            "note": "Fitted by bench/quality/fit_extractive.py on the dev sets' tune parts.",
            "features": list(FEATURES),
            "weights": [round(float(w), 5) for w in weights],
            "bias": round(bias, 5),
            "threshold": round(threshold, 5),
            "runner_up": runner_up,
        }
        MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"written: {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
