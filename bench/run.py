"""Benchmarks: `make bench` (or python -m bench.run [--full] [--quick]).

Writes bench.json, bench.md and latency.png to bench/results/latest/ (untracked), or
with --publish to bench/results/ (the committed figures the README links to). --full
adds the 100k-chunk stage (about 10+ minutes to build); --quick shortens the load stage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import stages
from bench.report import write_markdown, write_plot
from bench.synthetic import news_documents

PUBLISHED = Path(__file__).resolve().parent / "results"
LATEST = PUBLISHED / "latest"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="include the 100k-chunk stage")
    parser.add_argument("--quick", action="store_true", help="15 s load stage instead of 60 s")
    parser.add_argument(
        "--publish", action="store_true", help="write to bench/results/ (committed), not latest/"
    )
    args = parser.parse_args()
    out = PUBLISHED if args.publish else LATEST
    sizes = [1_000, 10_000] + ([100_000] if args.full else [])
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    embedder = stages.default_embedder()
    results["ingest"] = stages.ingest_throughput(embedder)
    print("ingest", results["ingest"], flush=True)
    texts = [text for d in news_documents(128, seed=21) for text in stages.chunk_texts(d)]
    results["embedder"] = stages.embedder_comparison(embedder, texts[:256])
    print("embedder", results["embedder"], flush=True)
    results["latency"] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            data = Path(scratch) / f"store-{size}"
            started = time.perf_counter()
            chunks = stages.build_store(data, embedder, size)
            figures = stages.query_latency(data, requests=300)
            figures.update(chunks=chunks, build_s=round(time.perf_counter() - started, 1))
            results["latency"][str(size)] = figures
            print(size, figures, flush=True)
            if size == 10_000:
                seconds = 15 if args.quick else 60
                results["concurrency"] = stages.concurrency(data, clients=32, seconds=seconds)
                print("concurrency", results["concurrency"], flush=True)
                results["llm_overhead"] = stages.llm_overhead(data, delay_s=0.2, requests=50)
                print("llm_overhead", results["llm_overhead"], flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    write_markdown(results, out / "bench.md")
    write_plot(results, out / "latency.png")
    print((out / "bench.md").read_text())


if __name__ == "__main__":
    main()
