"""Settings: the one place that reads the environment (prefix QA_, plus OPENAI_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    # Storage: where the index lives
    data_dir: Path = Path("data")
    chroma_url: str | None = None
    collection: str = "qa_chunks"
    lexical_snapshot: bool = True  # save the BM25 index at shutdown, read it at the next start
    lexical_refresh_s: float = Field(5.0, ge=0)  # with a Chroma server: catch-up period (0: off)
    store_timeout_s: float = Field(5.0, gt=0)  # one Chroma read or query; then 503
    store_write_timeout_s: float = Field(60.0, gt=0)  # one Chroma write (a batch); then 503
    store_retry_after_s: int = Field(5, ge=1)  # Retry-After of a 503 for the store

    # Documents and ingestion: seeds, chunking, uploads, background jobs, parsing
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    seed_on_start: bool = True
    chunk_tokens: int = Field(200, ge=20, le=2000)
    chunk_overlap: int = Field(40, ge=0, le=500)
    max_document_chars: int = Field(2_000_000, ge=100)
    max_upload_files: int = Field(100, ge=1)  # files per request (max_upload_bytes: limits)
    sync_max_files: int = Field(1, ge=0)  # more files than this in one request run as a job
    sync_max_documents: int = Field(20, ge=1)  # more documents than this run as a job
    ingest_batch_size: int = Field(64, ge=1, le=4096)  # documents embedded and written together
    max_queued_jobs: int = Field(4, ge=1)  # background jobs waiting or running; then 503
    parse_workers: int = Field(2, ge=1, le=64)  # files parsed at once (HTML, PDF)
    parse_queue: int = Field(16, ge=0)  # more files waiting than this: 503 with Retry-After
    parse_time_limit_s: float = Field(20.0, gt=0)  # one file's parse; past it: 413 too_complex
    # A multipart upload holds a parsing place while its body arrives; slower than this: 408
    upload_read_timeout_s: float = Field(60.0, gt=0)

    # Embedding
    embedder: Literal["minilm", "minilm-fp32", "minilm-torch", "openai"] = "minilm"
    model_cache_dir: Path = PROJECT_ROOT / ".cache" / "models"
    embed_threads: int | None = Field(None, ge=1, le=64)
    embedding_model: str = "text-embedding-3-small"
    embed_batch_size: int = Field(32, ge=1, le=2048)

    # Retrieval
    top_k: int = Field(5, ge=1, le=50)
    max_top_k: int = Field(50, ge=1, le=200)
    candidates: int = Field(40, ge=1, le=500)
    rrf_k: int = Field(10, ge=1)
    per_doc_cap: int = Field(3, ge=1)
    min_relevance: float = 0.25
    # Reciprocal-rank fusion weights of dense and BM25 (chosen on the dev sets' tune parts)
    rrf_weights: tuple[float, float] = (0.5, 1.0)
    # Second stage: the first `rerank_depth` candidates reordered by their best sentence (0: off)
    rerank_depth: int = Field(20, ge=0, le=100)
    rerank_weight: float = Field(2.0, ge=0)
    # ...and by how recent they are (as of the date filter's end, else today; 0: off); chosen
    # on the tune parts by bench.quality.tune_retrieval --recency (docs/answer-quality.md)
    recency_weight: float = Field(4.0, ge=0)
    recency_half_life_days: float = Field(14.0, gt=0)
    # ...among the passages whose closest sentence is within this cosine of the closest one's
    recency_margin: float = Field(0.3, ge=0)

    # Answering: prompts, what the model reads, questions and conversations
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    # What the model reads (excerpts around the likeliest sentences) and when it is asked at
    # all: the extractive scorer's probability that some sentence answers (tuned, dev sets)
    # 3, not 4: same accuracy and rejection on the tune parts, ~20% less time (answer-quality.md)
    llm_passages: int = Field(3, ge=1, le=20)
    llm_excerpt_words: int = Field(80, ge=10, le=1000)
    llm_min_probability: float = Field(0.0, ge=0, le=1)
    # The model's own yes/no check that a cited passage states the answer (answering/support.py):
    # auto = on for the local model, off for an OpenAI-compatible endpoint. 0.5: the model's own
    # yes/no decision; the tuned pair did worse on the report parts (docs/answer-quality.md)
    llm_support_check: Literal["auto", "on", "off"] = "auto"
    llm_min_support: float = Field(0.5, ge=0, le=1)
    # The model's own answer from each cited excerpt alone, compared with the answer
    # (answering/reading.py); auto as above
    llm_reading_check: Literal["auto", "on", "off"] = "auto"
    # The model's own yes/no that some cited excerpt answers the question, at a threshold on
    # its probability of "yes" (answering/question_check.py); auto as above. Off by default:
    # it refuses more wrong answers and more right ones, and the right ones lost move the
    # dev sets' accuracy further from its target. 0.77: chosen on the tune parts
    # (docs/answer-quality.md)
    llm_question_check: Literal["auto", "on", "off"] = "off"
    llm_min_question: float = Field(0.77, gt=0, lt=1)
    # At start, in the background: the model reads the fixed start of the answering, support
    # and reading prompts once (auto = the local model only: a remote endpoint would bill for it)
    llm_warm_up: Literal["auto", "on", "off"] = "auto"
    max_question_chars: int = Field(2000, ge=10)
    max_history_messages: int = Field(20, ge=0)
    max_history_chars: int = Field(40_000, ge=0)  # all history messages together
    chat_model_name: str = Field("rag", min_length=1, max_length=200)

    # Language model: which one, how it is called, and how its failures are contained
    llm: Literal["local", "openai", "none"] | None = None  # QA_LLM; unset: see llm_mode
    llm_model: str = "gpt-4o-mini"
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("QA_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("QA_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_max_retries: int = Field(2, ge=0, le=10)
    llm_temperature: float = Field(0.0, ge=0, le=2)
    llm_max_tokens: int = Field(200, ge=16)  # answers are a sentence or two
    # Calls that run at once; llama_cpp.server runs one completion at a time, so 1 for local.
    llm_slots: int | None = Field(None, ge=1, le=256)  # default: 1 (local), unbounded (openai)
    llm_queue_wait_s: float = Field(20.0, ge=0)  # longer without a slot: answer extractively
    llm_call_timeout_s: float = Field(60.0, gt=0)  # a whole call (a stream too), once admitted
    breaker_failures: int = Field(5, ge=1)  # consecutive LLM failures that open the breaker
    breaker_cooldown_s: float = Field(30.0, gt=0)

    # Local model (QA_LLM=local): llama.cpp's server, supervised
    local_model: str = "qwen2.5-coder-1.5b"  # a name in service/llm/local_model.py's CATALOGUE
    local_model_dir: Path | None = None  # joined .gguf files; default model_cache_dir/llm
    local_threads: int | None = Field(None, ge=1, le=256)  # default: the machine's cores
    local_ctx: int = Field(4096, ge=512, le=131072)  # tokens of context (prompt + answer)
    local_startup_timeout_s: float = Field(120.0, gt=0)  # load + first /v1/models answer
    # Support checks and follow-up rewrites on a second llama.cpp server, so that the answering
    # instructions stay in the first one's prompt cache (answers ~2 s sooner on 2 cores;
    # ~0.75 GB more memory; llm/setup.py)
    local_side_server: bool = True

    # Server: listening, connections, logs
    host: str = "127.0.0.1"
    port: int = 8000
    keep_alive_timeout_s: int = Field(5, ge=1)  # idle keep-alive connections closed after
    shutdown_timeout_s: int = Field(10, ge=1)  # SIGTERM: wait this long for open requests
    trusted_proxies: str = ""  # addresses whose X-Forwarded-For is believed ("*": any)
    log_level: str = "INFO"
    log_json: bool = True

    # Security and limits: keys, CORS, request sizes, rate limiting
    api_key: str | None = None  # QA_API_KEY: Bearer key for writes (and reads, see below)
    require_key_for_reads: bool = False
    allow_unauthenticated_public: bool = False  # serve on a non-loopback host without a key
    cors_origins: str = ""  # comma-separated origins allowed by CORS; empty: CORS off
    max_body_bytes: int = Field(1_048_576, ge=1024)  # any request body but document uploads
    max_upload_bytes: int = Field(16_777_216, ge=1024)  # POST/PUT to /v1/documents, /v1/jobs
    rate_limit_per_minute: float = Field(600.0, ge=0)  # per client; 0 turns rate limiting off
    rate_limit_burst: int = Field(120, ge=1)

    @field_validator("chunk_overlap")
    @classmethod
    def overlap_below_size(cls, value: int, info: object) -> int:
        size = getattr(info, "data", {}).get("chunk_tokens", 200)
        if value >= size:
            raise ValueError("chunk_overlap must be smaller than chunk_tokens")
        return value

    @property
    def llm_mode(self) -> Literal["local", "openai", "none"]:
        """QA_LLM if set; unset, an OpenAI-style URL or key (the old way) means openai."""
        if self.llm is not None:
            return self.llm
        return "openai" if self.openai_base_url or self.openai_api_key else "local"

    @property
    def support_check_on(self) -> bool:
        return self._on_for_local_model(self.llm_support_check)

    @property
    def reading_check_on(self) -> bool:
        return self._on_for_local_model(self.llm_reading_check)

    @property
    def question_check_on(self) -> bool:
        return self._on_for_local_model(self.llm_question_check)

    @property
    def warm_up_on(self) -> bool:
        return self._on_for_local_model(self.llm_warm_up)

    def _on_for_local_model(self, choice: Literal["auto", "on", "off"]) -> bool:
        """auto: with the local model only; on: with any model."""
        if choice == "auto":
            return self.llm_mode == "local"
        return choice == "on" and self.llm_configured

    @property
    def llm_configured(self) -> bool:
        return self.llm_mode != "none"

    @property
    def local_model_cache(self) -> Path:
        return self.local_model_dir or self.model_cache_dir / "llm"

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def deleted_documents_path(self) -> Path:
        """Documents deleted through the API, not to be seeded again."""
        return self.data_dir / f"deleted-{self.collection}.json"

    @property
    def lexical_snapshot_path(self) -> Path:
        return self.data_dir / f"lexical-{self.collection}.npz"
