"""Latency of the default local model through the service: start-up, first token, whole answer.

python -m bench.llm_latency [--model NAME] [--rounds N] [--concurrency 1,2,4]

Builds the real components (the supervised llama.cpp server with the packaged
model, the seeds ingested into a temporary data directory) and asks the seed
QA set's answerable questions streamed, as the page does: time to the first
`delta` event and to `done`. Then the same questions from 1, 2 and 4
concurrent askers: answers per minute, and how many the model answered versus
degraded (no slot within the queue budget). Prints a table; JSON goes to
bench/results/latest/llm-latency.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from service.answering import Answer, Question
from service.components import Components, build_components
from service.config import PROJECT_ROOT, Settings
from service.documents import find_files, load_file


def timed_ask(components: Components, text: str) -> dict[str, Any]:
    started = time.perf_counter()
    first: float | None = None
    answer: Answer | None = None
    for event in components.answers.stream(Question(text, components.settings.top_k)):
        if event.kind == "delta" and first is None:
            first = time.perf_counter() - started
        if event.kind == "done":
            answer = event.data
    total = time.perf_counter() - started
    return {
        "first_token_s": first if first is not None else total,
        "total_s": total,
        "mode": answer.mode if answer else "error",
        "degraded": bool(answer and answer.degraded),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_latency")
    parser.add_argument("--model", default=None, help="a packaged model (QA_LOCAL_MODEL)")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the questions")
    parser.add_argument("--concurrency", default="1,2,4")
    args = parser.parse_args(argv)
    questions = [
        row["query"]
        for row in map(json.loads, (PROJECT_ROOT / "bench" / "seed_qa.jsonl").open())
        if row.get("answer")
    ][:8]
    with tempfile.TemporaryDirectory(prefix="qa-llm-bench-") as tmp:
        update: dict[str, Any] = {"llm": "local", "data_dir": Path(tmp), "seed_on_start": False}
        if args.model:
            update["local_model"] = args.model
        settings = Settings().model_copy(update=update)
        started = time.perf_counter()
        components = build_components(settings)
        startup_s = time.perf_counter() - started
        try:
            for path in find_files(settings.seeds_dir):
                components.library.ingest(load_file(path, settings.seeds_dir))
            timed_ask(components, questions[0])  # warm-up: the model's first prompt
            single = [timed_ask(components, q) for _ in range(args.rounds) for q in questions]
            concurrent = {}
            for n in (int(x) for x in args.concurrency.split(",")):
                began = time.perf_counter()
                with ThreadPoolExecutor(n) as pool:
                    runs = list(pool.map(lambda q: timed_ask(components, q), questions[: 2 * n]))
                seconds = time.perf_counter() - began
                concurrent[n] = {
                    "answers_per_minute": round(len(runs) * 60 / seconds, 2),
                    "by_model": sum(r["mode"] == "llm" and not r["degraded"] for r in runs),
                    "degraded": sum(r["degraded"] for r in runs),
                    "max_s": round(max(r["total_s"] for r in runs), 2),
                }
        finally:
            components.close()
    firsts = [r["first_token_s"] for r in single]
    totals = [r["total_s"] for r in single]
    result = {
        "model": settings.local_model,
        "startup_s": round(startup_s, 2),
        "first_token_p50_s": round(statistics.median(firsts), 2),
        "first_token_p95_s": round(percentile(firsts, 95), 2),
        "answer_p50_s": round(statistics.median(totals), 2),
        "answer_p95_s": round(percentile(totals, 95), 2),
        "answered_by_model": sum(r["mode"] == "llm" for r in single),
        "questions": len(single),
        "concurrent": concurrent,
    }
    print(
        f"| {result['model']} | start-up {result['startup_s']} s | first token p50/p95 "
        f"{result['first_token_p50_s']} / {result['first_token_p95_s']} s | answer p50/p95 "
        f"{result['answer_p50_s']} / {result['answer_p95_s']} s |"
    )
    for n, c in concurrent.items():
        print(
            f"| {n} askers | {c['answers_per_minute']} answers/min | by model {c['by_model']}, "
            f"degraded {c['degraded']} | slowest {c['max_s']} s |"
        )
    out = PROJECT_ROOT / "bench" / "results" / "latest"
    out.mkdir(parents=True, exist_ok=True)
    (out / "llm-latency.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
