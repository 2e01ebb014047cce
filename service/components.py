"""Builds the real components from settings: the one place they are wired together."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from service.answering.extractive import ExtractiveAnswerer
from service.answering.prompts import Prompts
from service.answering.question_check import QuestionCheck
from service.answering.reading import ReadingCheck
from service.answering.service import AnswerService, LLMContext
from service.answering.support import SupportCheck
from service.api.metrics import Metrics
from service.core.config import Settings
from service.core.errors import LLMFailure, StoreUnavailable
from service.core.ports import ChatModel, Embedder
from service.embedding.embedders import MiniLMEmbedder, OpenAIEmbedder
from service.embedding.export import ensure_onnx_model
from service.embedding.onnx import MINILM_FP32, MINILM_INT8, OnnxMiniLMEmbedder
from service.grounding.claims import ClaimChecker
from service.index.lexical import LexicalIndex
from service.index.store import ChromaStore, chroma_client
from service.index.store_calls import StoreCalls
from service.ingest.job_store import JobStore
from service.ingest.jobs import JobRunner
from service.ingest.library import Library
from service.ingest.parsing_pool import ParsingPool
from service.ingest.refresh import IndexRefresher
from service.ingest.seeding import DeletedDocuments
from service.llm.client import make_client
from service.llm.local_server import LocalModelServer
from service.llm.setup import build_chat_model
from service.retrieval.hybrid import Retriever
from service.retrieval.rerank import SentenceReranker, SentenceVectors

log = logging.getLogger(__name__)


@dataclass
class Components:
    settings: Settings
    embedder: Embedder
    store: ChromaStore
    lexical: LexicalIndex
    library: Library
    retriever: Retriever
    answers: AnswerService
    chat_model: ChatModel | None
    # Issue 4: background ingest jobs; lexical catch-up with a shared Chroma server
    jobs: JobRunner
    refresher: IndexRefresher
    # Issue 16: documents deleted through the API, which the start-up seeding leaves out
    deleted: DeletedDocuments
    # Issue 17: uploaded files are parsed on a small bounded pool, each with a deadline
    parsing: ParsingPool
    # Issue 14: the supervised llama.cpp servers when QA_LLM=local
    local_server: LocalModelServer | None = None  # answers (everything, without a side server)
    side_server: LocalModelServer | None = None  # the model's checks, follow-up rewrites
    warmed_up: threading.Event = field(default_factory=threading.Event)  # set when it has ended

    def start(self) -> None:
        """Start background work: unfinished ingest jobs of an earlier run, the lexical
        catch-up (with a Chroma server only), and the model's warm-up."""
        self.jobs.start()
        if self.settings.chroma_url:
            self.refresher.start()
        if self.settings.warm_up_on:
            threading.Thread(target=self._warm_up, name="llm-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        started = time.perf_counter()
        try:
            self.answers.warm_up()
            log.info("model warmed up in %.1f s", time.perf_counter() - started)
        except LLMFailure as failure:  # the first question will find out again, and say so
            log.warning("model warm-up failed: %s", failure)
        finally:
            self.warmed_up.set()

    def close(self) -> None:
        self.parsing.close()
        for server in (self.local_server, self.side_server):
            if server is not None:
                server.stop()
        self.refresher.stop()
        self.jobs.close()
        try:
            if self.settings.lexical_snapshot:
                started = time.perf_counter()
                self.library.save_snapshot(self.settings.lexical_snapshot_path)
                log.info("lexical index saved in %.1f s", time.perf_counter() - started)
        except StoreUnavailable:  # without the store's marker a snapshot could lie: none
            log.warning("lexical index not saved: the vector store does not answer")
        finally:
            self.store.close()


def build_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "openai":
        client = make_client(
            settings.openai_base_url,
            settings.openai_api_key,
            settings.llm_timeout_s,
            settings.llm_max_retries,
        )
        return OpenAIEmbedder(client, settings.embedding_model)
    if settings.embedder == "minilm-torch":
        return MiniLMEmbedder(batch_size=settings.embed_batch_size)
    quantized = settings.embedder == "minilm"
    return OnnxMiniLMEmbedder(
        ensure_onnx_model(settings.model_cache_dir, quantized=quantized),
        MINILM_INT8 if quantized else MINILM_FP32,
        settings.embed_threads,
    )


def build_components(
    settings: Settings, embedder: Embedder | None = None, metrics: Metrics | None = None
) -> Components:
    embedder = embedder or build_embedder(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    calls = StoreCalls(
        settings.store_timeout_s, settings.store_write_timeout_s, settings.store_retry_after_s
    )
    client = chroma_client(str(settings.chroma_path), settings.chroma_url, calls)
    store = ChromaStore(client, settings.collection, embedder.name, calls)
    lexical = LexicalIndex()
    library = Library(
        store,
        lexical,
        embedder,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
    )
    # Against a shared server another process may be mid-ingest: leave its chunks alone.
    started = time.perf_counter()
    how = library.load(
        cleanup=settings.chroma_url is None,
        snapshot=settings.lexical_snapshot_path if settings.lexical_snapshot else None,
    )
    log.info(
        "lexical index: %d chunks, %s, in %.1f s", len(lexical), how, time.perf_counter() - started
    )
    vectors = SentenceVectors(embedder)  # sentence embeddings shared by reranker and answerer
    retriever = Retriever(
        store,
        lexical,
        embedder,
        candidates=settings.candidates,
        rrf_k=settings.rrf_k,
        per_doc_cap=settings.per_doc_cap,
        weights=settings.rrf_weights,
        reranker=SentenceReranker(
            vectors,
            depth=settings.rerank_depth,
            weight=settings.rerank_weight,
            recency_weight=settings.recency_weight,
            recency_half_life_days=settings.recency_half_life_days,
            recency_margin=settings.recency_margin,
        ),
    )
    chat = build_chat_model(settings, metrics.llm_failed if metrics else lambda _: None)
    chat_model = chat.model
    side_model = chat.side_model or chat_model  # support, reading checks; follow-up rewrites
    prompts = Prompts(settings.prompts_dir)
    # The local server computes no prompt logits (local_server.py), so no logprobs: the
    # support and question checks set their thresholds by a logit bias on the reply.
    logprobs = settings.llm_mode != "local"
    support_check = (
        SupportCheck(side_model, prompts, settings.llm_min_support, logprobs=logprobs)
        if side_model and settings.support_check_on
        else None
    )
    answers = AnswerService(
        retriever,
        ExtractiveAnswerer(lexical.term_weight, embedder, vectors=vectors),
        prompts,
        chat_model,
        min_relevance=settings.min_relevance,
        llm_context=LLMContext(
            settings.llm_passages, settings.llm_excerpt_words, settings.llm_min_probability
        ),
        on_degraded=metrics.fell_back if metrics else lambda: None,
        claim_checker=ClaimChecker(embedder),
        support_check=support_check,
        reading_check=(
            ReadingCheck(side_model, prompts) if side_model and settings.reading_check_on else None
        ),
        question_check=(
            QuestionCheck(side_model, prompts, settings.llm_min_question, logprobs=logprobs)
            if side_model and settings.question_check_on
            else None
        ),
        rewrite_model=side_model,
    )
    return Components(
        settings,
        embedder,
        store,
        lexical,
        library,
        retriever,
        answers,
        chat_model,
        jobs=JobRunner(
            library,
            settings.ingest_batch_size,
            JobStore(settings.data_dir / "jobs"),
            max_active=settings.max_queued_jobs,
            store_retry_s=settings.store_retry_after_s,
        ),
        refresher=IndexRefresher(library, settings.lexical_refresh_s),
        deleted=DeletedDocuments(settings.deleted_documents_path),
        parsing=ParsingPool(
            settings.parse_workers, settings.parse_queue, settings.parse_time_limit_s
        ),
        local_server=chat.local_server,
        side_server=chat.side_server,
    )
