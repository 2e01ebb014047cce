"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.deps import ComponentsDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Answered on the event loop itself: busy thread pools cannot delay it."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(components: ComponentsDep) -> dict[str, Any]:
    return {
        "status": "ready",
        "embedder": components.embedder.name,
        "chunks": len(components.lexical),
        "embedded_since_start": components.library.embedded_chunks,
        "lexical_index": components.library.loaded_from,
        "llm": components.chat_model.model if components.chat_model else None,
    }
