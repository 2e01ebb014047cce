"""The lexical index: catch up now with what other processes wrote to a shared Chroma server."""

from __future__ import annotations

import time

from fastapi import APIRouter

from service.api.deps import LexicalDep, RefresherDep
from service.api.ingest_schemas import RefreshOut

router = APIRouter(prefix="/v1/index", tags=["documents"])


@router.post("/refresh", response_model=RefreshOut)
def refresh_index(refresher: RefresherDep, lexical: LexicalDep) -> RefreshOut:
    started = time.perf_counter()
    result = refresher.refresh_now()
    took_ms = (time.perf_counter() - started) * 1000
    return RefreshOut.of(result, len(lexical.doc_hashes()), len(lexical), took_ms)
