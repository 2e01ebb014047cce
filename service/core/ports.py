"""Ports: every interface one layer offers another, as a `typing.Protocol`, in one file.

Implementations satisfy these by shape (no subclassing): a test double only needs the
methods listed here. Where a port is implemented:

Embedder     service/embedding/embedders.py (MiniLM, OpenAI), service/embedding/onnx.py
VectorStore  service/index/store.py (Chroma, embedded or remote)
LexicalSearch service/index/lexical.py (in-process BM25)
Ranker       service/retrieval/rerank.py (best sentence per passage)
ChatModel    service/llm/client.py (any OpenAI-compatible server), wrapped by
             service/llm/queue.py (bounded slots) and service/llm/breaker.py (circuit breaker)
Answerer     service/answering/service.py (retrieve, answer with the LLM or extractively, cite)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from service.core.records import ChunkRecord, Passage
from service.core.sampling import Sampling

if TYPE_CHECKING:  # types only: the answer service's own records, not a dependency on it
    from service.answering.answers import Answer, Event, Question

Vectors = npt.NDArray[np.float32]  # unit vectors, one row per text
Message = dict[str, str]  # an OpenAI chat message: {"role": ..., "content": ...}


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    # With Sampling.top_logprobs: the likeliest first tokens and their probabilities
    # (empty when the server gives none)
    first_token: dict[str, float] = field(default_factory=dict)


@runtime_checkable
class Embedder(Protocol):
    name: str  # remembered by the store, so vectors from different models never mix
    dimension: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


@runtime_checkable
class VectorStore(Protocol):
    def ping(self) -> None: ...

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]: ...


@runtime_checkable
class LexicalSearch(Protocol):
    def __len__(self) -> int: ...

    def get(self, chunk_id: str) -> ChunkRecord | None: ...

    def doc_hashes(self) -> dict[str, str]: ...

    def search(
        self, query: str, n: int, keep: Callable[[ChunkRecord], bool] | None = None
    ) -> list[tuple[ChunkRecord, float]]: ...


@runtime_checkable
class Ranker(Protocol):
    depth: int

    def rerank(
        self, query: str, passages: Sequence[Passage], as_of: str | None = None
    ) -> list[Passage]: ...


@runtime_checkable
class ChatModel(Protocol):
    model: str

    def complete(self, messages: list[Message], sampling: Sampling | None = None) -> Completion: ...

    def stream(self, messages: list[Message], sampling: Sampling | None = None) -> Iterator[str]:
        """Text deltas; raises LLMFailure on any failure, before or during the stream. An
        empty delta says only that the call is under way (BoundedChatModel: its slot was
        taken), so that a caller can stop before the model reads the prompt."""
        ...


@runtime_checkable
class Answerer(Protocol):
    def check(self, question: Question) -> None: ...

    def ask(self, question: Question) -> Answer: ...

    def stream(self, question: Question, whole: bool = False) -> Iterator[Event]: ...
