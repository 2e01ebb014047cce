"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.api.deps import ChatModelDep, EmbedderDep, LexicalDep, LibraryDep, StoreDep
from service.core.errors import NotReady, StoreUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Answered on the event loop itself: busy thread pools cannot delay it."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(
    store: StoreDep,
    embedder: EmbedderDep,
    lexical: LexicalDep,
    library: LibraryDep,
    chat_model: ChatModelDep,
) -> dict[str, Any]:
    """Ready when the vector store answers a trivial read within QA_STORE_TIMEOUT_S."""
    try:
        store.ping()
    except StoreUnavailable as error:
        not_ready = NotReady(f"not ready: {error.message}")
        not_ready.headers = error.headers
        raise not_ready from error
    return {
        "status": "ready",
        "embedder": embedder.name,
        "chunks": len(lexical),
        "embedded_since_start": library.embedded_chunks,
        "lexical_index": library.loaded_from,
        "llm": chat_model.model if chat_model else None,
    }
