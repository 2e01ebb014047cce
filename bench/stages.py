"""The benchmark stages. Each returns a dict of measured figures."""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.http import ServiceProcess, percentiles, time_requests
from bench.synthetic import PLACES, SUBJECTS, SyntheticEmbedder, news_documents
from service.components import build_components, build_embedder
from service.core.config import Settings
from service.core.documents import Document, build_document
from service.core.ports import Embedder
from service.core.tokens import count_tokens
from service.embedding.embedders import MiniLMEmbedder
from service.ingest.chunking import chunk_text
from service.retrieval.hybrid import Retriever

RGB = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "rgb_dev.jsonl"


def chunk_texts(document: Document, settings: Settings | None = None) -> list[str]:
    settings = settings or Settings()
    chunks = chunk_text(
        document.text,
        count_tokens,
        max_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap,
        offset=document.body_start,
    )
    return [c.text for c in chunks]


def settings_for(data: Path, **extra: Any) -> Settings:
    return Settings(data_dir=data, seed_on_start=False, **{"llm": "none", **extra})


def ingest_throughput(embedder: Embedder, documents: int = 160, rounds: int = 3) -> dict[str, Any]:
    """Chunks/s through the real ingestion path vs the raw embedder on the same texts.

    The two are measured in turns, `rounds` times each, and the best time of each
    kept, so that a burst of other load on the machine does not land on one side only.
    """
    docs = news_documents(documents, seed=11)
    texts = [text for d in docs for text in chunk_texts(d)]
    embedder.embed(texts[:8])  # warm-up: first-call set-up is not throughput
    ingest_s, raw_s = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as data:
            library = build_components(settings_for(Path(data)), embedder).library
            started = time.perf_counter()
            for i in range(0, len(docs), 64):
                library.ingest_many(docs[i : i + 64])
            ingest_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        embedder.embed(texts)
        raw_s.append(time.perf_counter() - started)
    ingest, raw = len(texts) / min(ingest_s), len(texts) / min(raw_s)
    return {
        "chunks": len(texts),
        "ingest_chunks_per_s": round(ingest, 1),
        "raw_embedder_chunks_per_s": round(raw, 1),
        "ratio": round(ingest / raw, 3),
        "ingest_s": [round(x, 2) for x in ingest_s],
        "raw_s": [round(x, 2) for x in raw_s],
    }


def embedder_comparison(onnx: Embedder, texts: list[str], rounds: int = 3) -> dict[str, Any]:
    """Texts/s of both embedders, measured in turns (best of `rounds`), and their rgb quality."""
    embedders = {"onnx": onnx, "pytorch": MiniLMEmbedder()}
    times: dict[str, list[float]] = {name: [] for name in embedders}
    for embedder in embedders.values():
        embedder.embed(texts[:8])
    for _ in range(rounds):
        for name, embedder in embedders.items():
            started = time.perf_counter()
            embedder.embed(texts)
            times[name].append(time.perf_counter() - started)
    out: dict[str, Any] = {"texts": len(texts)}
    for name, embedder in embedders.items():
        out[f"{name}_texts_per_s"] = round(len(texts) / min(times[name]), 1)
        out[f"{name}_s"] = [round(x, 2) for x in times[name]]
        out[f"{name}_rgb"] = rgb_retrieval(embedder)
    out["speedup"] = round(out["onnx_texts_per_s"] / out["pytorch_texts_per_s"], 2)
    return out


def rgb_retrieval(embedder: Embedder, k: int = 5) -> dict[str, float]:
    """Recall@k and MRR@10 on rgb_dev, each passage its own document: the real (fused)
    retriever, and its dense ranking alone, which shows the embedder's own quality."""
    rows = [json.loads(line) for line in RGB.read_text().splitlines() if line.strip()]
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as data:
        components = build_components(settings_for(Path(data)), embedder)
        ids: dict[str, str] = {}
        docs = []
        for row in rows:
            for kind in ("positive", "negative"):
                for i, text in enumerate(row[kind]):
                    doc_id = ids.setdefault(text, f"q{row['id']}-{kind[:3]}-{i}")
                    if doc_id == f"q{row['id']}-{kind[:3]}-{i}":
                        docs.append(build_document(text, doc_id=doc_id))
        components.library.ingest_many(docs)
        retriever: Retriever = components.retriever
        # Typed, so that the fusion's weights are checked against its two rankings.
        variants: tuple[tuple[str, tuple[float, float] | None], ...] = (
            ("", None),
            ("dense_", (1.0, 0.0)),
        )
        for prefix, weights in variants:
            hits, reciprocal = 0, 0.0
            for row in rows:
                positives = {ids[text] for text in row["positive"]}
                found = retriever.search(row["query"], 10, weights=weights)
                ranked = [p.chunk.doc_id for p in found]
                first = next((i for i, d in enumerate(ranked) if d in positives), None)
                hits += first is not None and first < k
                reciprocal += 0.0 if first is None else 1.0 / (first + 1)
            out[f"{prefix}recall@{k}"] = round(hits / len(rows), 3)
            out[f"{prefix}mrr@10"] = round(reciprocal / len(rows), 3)
    return out


def build_store(data: Path, embedder: Embedder, chunks: int) -> int:
    """Fill a store with about `chunks` chunks of generated news (synthetic vectors)."""
    components = build_components(settings_for(data), SyntheticEmbedder(embedder))
    per_doc = len(chunk_texts(news_documents(1)[0]))
    docs = news_documents(max(1, chunks // per_doc), seed=3)
    for i in range(0, len(docs), 256):
        components.library.ingest_many(docs[i : i + 256])
    return len(components.lexical)


def questions(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [
        f"What did {rng.choice(SUBJECTS)} in {rng.choice(PLACES)} announce about the ceasefire?"
        for _ in range(count)
    ]


# Synthetic vectors are far from any question, so without the first setting every ask
# would stop at the relevance check (the benchmark wants the whole extractive path);
# the load stages measure the service, not its per-client rate limit.
ALWAYS_ANSWER = {"QA_MIN_RELEVANCE": "-1", "QA_RATE_LIMIT_PER_MINUTE": "0", "QA_LLM": "none"}


def query_latency(data: Path, requests: int) -> dict[str, Any]:
    """Latencies over HTTP, and the time to ready: first with no saved lexical index (as
    after a crash: rebuilt from the store), then after a clean restart (read from disk)."""
    cold = ServiceProcess(data, synthetic=True, env=ALWAYS_ANSWER)
    cold.stop()  # a clean shutdown saves the lexical index
    service = ServiceProcess(data, synthetic=True, env=ALWAYS_ANSWER)
    try:
        asked = questions(requests)
        search = time_requests(service.url, "/v1/search", [{"query": q} for q in asked])
        ask = time_requests(
            service.url, "/v1/ask", [{"question": q, "mode": "extractive"} for q in asked]
        )
        return {
            "ready_rebuild_s": round(cold.ready_s, 2),
            "ready_s": round(service.ready_s, 2),
            "rss_mb": round(service.rss_mb(), 1),
            "search_ms": search,
            "ask_ms": ask,
        }
    finally:
        service.stop()


def concurrency(data: Path, clients: int, seconds: float) -> dict[str, Any]:
    service = ServiceProcess(data, synthetic=True, env=ALWAYS_ANSWER)
    try:
        return asyncio.run(_load(service.url, clients, seconds))
    finally:
        service.stop()


async def _load(url: str, clients: int, seconds: float) -> dict[str, Any]:
    samples: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    asked = questions(500, seed=9)

    async def client(worker: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(timeout=60) as http:
            i = worker
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                body = {"question": asked[i % len(asked)], "mode": "extractive"}
                try:
                    response = await http.post(f"{url}/v1/ask", json=body)
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                samples.append((time.perf_counter() - started) * 1000)
                i += clients

    started = time.perf_counter()
    await asyncio.gather(*(client(w) for w in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "requests_per_s": round(len(samples) / elapsed, 1),
        "errors": errors,
        "latency_ms": percentiles(samples),
    }


def default_embedder() -> Embedder:
    return build_embedder(Settings())


def llm_overhead(data: Path, delay_s: float, requests: int) -> dict[str, Any]:
    """Time to first streamed token minus (retrieval + the scripted model's delay)."""
    from tests.support.scripted_llm import ScriptedLLM

    llm = ScriptedLLM().start()
    for _ in range(requests + 1):
        llm.enqueue("The ceasefire proposal was announced [1].", delay_s=delay_s)
    env = {
        **ALWAYS_ANSWER,
        "QA_LLM": "openai",
        "OPENAI_BASE_URL": llm.base_url,
        "OPENAI_API_KEY": "bench",
        "QA_LLM_MAX_RETRIES": "0",
    }
    service = ServiceProcess(data, synthetic=True, env=env)
    overheads, first_tokens = [], []
    try:
        with httpx.Client(timeout=60) as client:
            for i, question in enumerate(questions(requests + 1, seed=13)):
                first, done = _first_token(client, service.url, question)
                if i == 0:
                    continue  # warm-up
                first_tokens.append(first)
                overheads.append(first - done["timings_ms"]["retrieval"] - delay_s * 1000)
    finally:
        service.stop()
        llm.stop()
    return {
        "delay_ms": delay_s * 1000,
        "first_token_ms": percentiles(first_tokens),
        "overhead_ms": percentiles(overheads),
    }


def _first_token(client: httpx.Client, url: str, question: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    first = None
    done: dict[str, Any] = {}
    body = {"question": question, "stream": True, "mode": "llm"}
    with client.stream("POST", f"{url}/v1/ask", json=body) as response:
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                if event == "delta" and first is None:
                    first = (time.perf_counter() - started) * 1000
                if event == "done":
                    done = json.loads(line[6:])
    if first is None or not done:
        raise RuntimeError("the stream ended without a token")
    return first, done
