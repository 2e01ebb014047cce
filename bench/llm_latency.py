"""Latency of the local model as users feel it: start-up, first token, whole answer, askers.

python -m bench.llm_latency [--model NAME] [--questions N] [--quick]

1. Model start-up: `start_local_servers` for one server (weights checked, llama.cpp
   server started and healthy), timed and stopped again, as the service does at start.
2. The real app on a live uvicorn on 127.0.0.1 (temporary data directory, the seeds
   ingested, QA_LLM=local): the seed QA set's answerable questions are asked one at a time
   over `POST /v1/ask` streamed with drafts, as the page asks (after one warm-up question
   that is not measured); time to the first text shown (a `draft`: the model's text while
   the answer is held for its support check), to the first checked `delta`, and to `done`.
3. 1, 2 and 4 concurrent askers, each asking a few questions in turn: answers per minute,
   how many the model answered vs degraded (no slot within QA_LLM_QUEUE_WAIT_S).
4. 8 askers at once: no request may take longer than the budget
   (QA_LLM_QUEUE_WAIT_S + QA_LLM_CALL_TIMEOUT_S); exits 1 if one does or fails.

Prints markdown tables; the JSON goes to bench/results/latest/llm-latency.json. Other
settings come from the environment (QA_*) as for the service.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn

from service.app import create_app
from service.cli.serving import uvicorn_options
from service.core.config import PROJECT_ROOT, Settings
from service.llm.setup import start_local_servers

OUT = PROJECT_ROOT / "bench" / "results" / "latest" / "llm-latency.json"


class LiveService:
    """The real app on uvicorn in a thread; leaving it runs the lifespan's components.close()."""

    def __init__(self, settings: Settings) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, log_level="warning", **uvicorn_options(settings))
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> LiveService:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the service did not start (see the log above)")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=60)
        self._socket.close()


def ask_streamed(client: httpx.Client, url: str, question: str) -> dict[str, Any]:
    """One streamed /v1/ask as the page asks (with drafts): seconds to the first text shown
    (a draft, or the checked text when nothing is held), to the first checked text and to
    done, and how it was answered."""
    started = time.perf_counter()
    first: float | None = None
    checked: float | None = None
    event, done, error = "", None, None
    try:
        body = {"question": question, "stream": True, "drafts": True}
        with client.stream("POST", f"{url}/v1/ask", json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                    if event in ("draft", "delta") and first is None:
                        first = time.perf_counter() - started
                    if event == "delta" and checked is None:
                        checked = time.perf_counter() - started
                elif line.startswith("data: ") and event in ("done", "error"):
                    done = json.loads(line[6:]) if event == "done" else None
                    error = line[6:] if event == "error" else error
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"
    total = time.perf_counter() - started
    how = "failed" if done is None else "degraded" if done["degraded"] else done["mode"]
    return {
        "question": question,
        "first_token_s": round(first if first is not None else total, 3),
        "first_checked_s": round(checked if checked is not None else total, 3),
        "total_s": round(total, 3),
        "answered": how,  # llm | extractive | degraded | failed
        "answer": (done or {}).get("answer"),
        "server_timings_ms": (done or {}).get("timings_ms"),  # retrieval, first token
        "error": error,
    }


def askers(
    url: str, questions: Iterator[str], count: int, each: int, timeout_s: float
) -> dict[str, Any]:
    """`count` askers start together, each asking `each` questions in turn."""
    start_line = threading.Barrier(count)
    handed_out = [[next(questions) for _ in range(each)] for _ in range(count)]

    def one_asker(index: int) -> list[dict[str, Any]]:
        mine = handed_out[index]
        with httpx.Client(timeout=timeout_s) as client:
            start_line.wait()
            return [ask_streamed(client, url, q) for q in mine]

    began = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        runs = [run for runs in pool.map(one_asker, range(count)) for run in runs]
    seconds = time.perf_counter() - began
    totals = [r["total_s"] for r in runs]
    return {
        "askers": count,
        "answers": len(runs),
        "seconds": round(seconds, 1),
        "answers_per_minute": round(len(runs) * 60 / seconds, 2),
        "by_model": sum(r["answered"] == "llm" for r in runs),
        "degraded": sum(r["answered"] == "degraded" for r in runs),
        "failed": sum(r["answered"] == "failed" for r in runs),
        "p50_s": round(float(np.percentile(totals, 50)), 2),
        "max_s": round(max(totals), 2),
        "runs": runs,
    }


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan")}
    return {q: round(float(np.percentile(values, int(q[1:]))), 2) for q in ("p50", "p95")}


def model_startup(settings: Settings, times: int) -> list[dict[str, float]]:
    """What the service's start costs for the model: weights checked, server healthy."""
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        server = start_local_servers(settings, ["answer"])["answer"]
        runs.append(
            {"total_s": round(time.perf_counter() - started, 2), "server_s": server.startup_s or 0}
        )
        server.stop()
    return runs


def measure(settings: Settings, questions: list[str], warm_up: str, quick: bool) -> dict[str, Any]:
    budget = settings.llm_queue_wait_s + settings.llm_call_timeout_s
    timeout_s = budget + 60  # past the budget, yet a hang still ends the run
    startup = model_startup(settings, 1 if quick else 3)
    began = time.perf_counter()
    with LiveService(settings) as service:
        ready_s = time.perf_counter() - began
        components = service.app.state.components
        servers = [s for s in (components.local_server, components.side_server) if s]
        with httpx.Client(timeout=timeout_s) as client:
            # Not a measured question: llama.cpp reuses the previous prompt's cached prefix,
            # so the same question twice in a row would be answered unrealistically fast.
            ask_streamed(client, service.url, warm_up)
            single = [
                ask_streamed(client, service.url, q)
                for _ in range(1 if quick else 2)
                for q in questions
            ]
        each = 1 if quick else 3
        rotation = itertools.cycle(questions)  # each round goes on where the last stopped
        loads = [askers(service.url, rotation, n, each, timeout_s) for n in (1, 2, 4)]
        burst = askers(service.url, rotation, 8, 1, timeout_s)
    server_left = any(server.pid is not None for server in servers)
    by_model = [r for r in single if r["answered"] == "llm"]
    words = [len(r["answer"].split()) for r in by_model]
    return {
        "model": settings.local_model,
        "threads": settings.local_threads or len(os.sched_getaffinity(0)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "model_startup": startup,
        "service_ready_s": round(ready_s, 1),
        "single": {
            "asked": len(single),
            "by_model": len(by_model),
            "first_token_s": spread([r["first_token_s"] for r in by_model]),
            "first_checked_s": spread([r["first_checked_s"] for r in by_model]),
            "answer_s": spread([r["total_s"] for r in by_model]),
            "mean_answer_words": round(float(np.mean(words)), 1) if words else None,
            "runs": single,
        },
        "concurrent": loads,
        "burst_8": {**burst, "budget_s": budget, "within_budget": burst["max_s"] <= budget},
        "model_server_left_running": server_left,
    }


def print_tables(result: dict[str, Any]) -> None:
    single, burst = result["single"], result["burst_8"]
    startup = ", ".join(
        f"{r['total_s']} s (server {r['server_s']:.1f} s)" for r in result["model_startup"]
    )
    print(
        f"\n{result['model']}, {result['threads']} threads, load average {result['load_average']}\n"
    )
    print("| measure | value |\n| --- | --- |")
    print(f"| model start-up (weights checked, server healthy) | {startup} |")
    print(f"| service ready (components, model, seeds) | {result['service_ready_s']} s |")
    print(f"| answered by the model, one asker | {single['by_model']} / {single['asked']} |")
    for name, key in (
        ("time to first text (a draft while the answer is checked)", "first_token_s"),
        ("time to the checked answer's first text", "first_checked_s"),
        ("whole answer", "answer_s"),
    ):
        print(f"| {name} p50 / p95 | {single[key]['p50']} / {single[key]['p95']} s |")
    print(f"| mean answer length | {single['mean_answer_words']} words |")
    print("\n| askers | answers | answers/min | model / degraded / failed | p50 | slowest |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in [*result["concurrent"], burst]:
        print(
            f"| {row['askers']} | {row['answers']} | {row['answers_per_minute']} | "
            f"{row['by_model']} / {row['degraded']} / {row['failed']} | {row['p50_s']} s | "
            f"{row['max_s']} s |"
        )
    verdict = "yes" if burst["within_budget"] and not burst["failed"] else "NO"
    print(f"\n8 askers, every answer within the {burst['budget_s']:g} s budget: {verdict}")
    print(f"model server left running after close: {result['model_server_left_running']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_latency")
    parser.add_argument("--model", help="a packaged model (QA_LOCAL_MODEL); default: settings")
    parser.add_argument("--questions", type=int, help="answerable seed questions (5 quick, 10)")
    parser.add_argument("--quick", action="store_true", help="one pass, one question per asker")
    args = parser.parse_args(argv)
    rows = map(json.loads, (PROJECT_ROOT / "bench" / "seed_qa.jsonl").open(encoding="utf-8"))
    answerable = [row["query"] for row in rows if row.get("answer")]
    questions = answerable[: args.questions or (5 if args.quick else 10)]
    warm_up = answerable[-1]
    with tempfile.TemporaryDirectory(prefix="qa-llm-bench-") as data_dir:
        update: dict[str, Any] = {
            "llm": "local",
            "data_dir": Path(data_dir),
            "seed_on_start": True,
            "rate_limit_per_minute": 0.0,
            "lexical_snapshot": False,
        }
        if args.model:
            update["local_model"] = args.model
        settings = Settings().model_copy(update=update)
        result = measure(settings, questions, warm_up, args.quick)
    result["quick"] = args.quick
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print_tables(result)
    burst = result["burst_8"]
    ok = burst["within_budget"] and not burst["failed"] and not result["model_server_left_running"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
