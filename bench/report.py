"""Benchmark results as a markdown table (with targets) and a latency plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_markdown(results: dict[str, Any], path: Path) -> None:
    ingest, embed = results["ingest"], results["embedder"]
    lines = [
        f"# Benchmarks ({results['started']}, {results['machine']['cores']} cores)",
        "",
        "| figure | measured | target |",
        "| --- | --- | --- |",
        f"| ingest chunks/s (real path) | {ingest['ingest_chunks_per_s']} | |",
        f"| raw embedder chunks/s, same texts | {ingest['raw_embedder_chunks_per_s']} | |",
        f"| ingest / raw | {ingest['ratio']} | >= 0.9 |",
        f"| ONNX embedder texts/s | {embed['onnx_texts_per_s']} | |",
        f"| PyTorch sentence-transformers texts/s | {embed['pytorch_texts_per_s']} | |",
        f"| speed-up | {embed['speedup']}x | >= 2x |",
        f"| rgb_dev recall@5 / MRR, ONNX | {_rgb(embed['onnx_rgb'])} | within 0.01 of PyTorch |",
        f"| rgb_dev recall@5 / MRR, PyTorch | {_rgb(embed['pytorch_rgb'])} | |",
    ]
    for size, figures in results["latency"].items():
        search, ask = figures["search_ms"], figures["ask_ms"]
        lines += [
            f"| search p50/p95/p99 ms at {figures['chunks']} chunks | "
            f"{search['p50']} / {search['p95']} / {search['p99']} | "
            f"{'p50 <= 25, p99 <= 80' if size == '100000' else ''} |",
            f"| ask (extractive) p50/p95/p99 ms at {figures['chunks']} chunks | "
            f"{ask['p50']} / {ask['p95']} / {ask['p99']} | "
            f"{'p50 <= 60' if size == '100000' else ''} |",
            f"| ready after a clean restart / RSS at {figures['chunks']} chunks | "
            f"{figures['ready_s']} s / {figures['rss_mb']} MB | "
            f"{'ready <= 10 s' if size == '100000' else ''} |",
            f"| ready after a crash (index rebuilt) at {figures['chunks']} chunks | "
            f"{figures['ready_rebuild_s']} s | |",
        ]
    if "concurrency" in results:
        load = results["concurrency"]
        lines.append(
            f"| {load['clients']} clients, {load['seconds']} s on /v1/ask | "
            f"{load['requests_per_s']} req/s, p99 {load['latency_ms']['p99']} ms, "
            f"{load['errors']} errors | 0 errors |"
        )
    if "llm_overhead" in results:
        over = results["llm_overhead"]["overhead_ms"]
        lines.append(
            f"| LLM-mode overhead to first token (p50/p95) | {over['p50']} / {over['p95']} ms "
            "| <= 30 ms |"
        )
    path.write_text("\n".join(lines) + "\n")


def _rgb(figures: dict[str, float]) -> str:
    return (
        f"{figures['recall@5']} / {figures['mrr@10']} "
        f"(dense only: {figures['dense_recall@5']} / {figures['dense_mrr@10']})"
    )


def write_plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [results["latency"][s]["chunks"] for s in results["latency"]]
    figure, axis = plt.subplots(figsize=(6, 4))
    for route in ("search_ms", "ask_ms"):
        for quantile, style in (("p50", "-o"), ("p99", "--o")):
            values = [results["latency"][s][route][quantile] for s in results["latency"]]
            axis.plot(sizes, values, style, label=f"{route[:-3]} {quantile}")
    axis.set_xscale("log")
    axis.set_xlabel("chunks in the index")
    axis.set_ylabel("latency over HTTP (ms)")
    axis.set_title("Query latency against corpus size")
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
