"""Response bodies of bulk ingestion: batches, background jobs, index refreshes."""

from __future__ import annotations

from pydantic import BaseModel

from service.api.schemas import IngestOut
from service.ingest.jobs import Job, Stage
from service.ingest.library import IngestResult, RefreshResult


class BatchOut(BaseModel):
    documents: list[IngestOut]
    created: int
    updated: int
    unchanged: int

    @classmethod
    def of(cls, results: list[IngestResult]) -> BatchOut:
        statuses = [r.status for r in results]
        return cls(
            documents=[
                IngestOut(doc_id=r.doc_id, chunks=r.chunks, status=r.status) for r in results
            ],
            created=statuses.count("created"),
            updated=statuses.count("updated"),
            unchanged=statuses.count("unchanged"),
        )


class JobAcceptedOut(BaseModel):
    job_id: str
    stage: Stage
    total: int
    status_url: str


class JobOut(BaseModel):
    job_id: str
    stage: Stage
    done: int  # documents processed, failed ones included
    total: int
    created: int
    updated: int
    unchanged: int
    failed: int
    chunks: int
    chunks_per_s: float
    elapsed_s: float
    errors: list[str]
    resumed: int = 0  # times the job was started again after a restart of the service

    @classmethod
    def of(cls, job: Job) -> JobOut:
        stats = job.stats
        return cls(
            job_id=job.job_id,
            stage=job.stage,
            done=stats.documents,
            total=job.total,
            created=stats.created,
            updated=stats.updated,
            unchanged=stats.unchanged,
            failed=stats.failed,
            chunks=stats.chunks,
            chunks_per_s=round(stats.chunks_per_s, 2) if job.stage != "queued" else 0.0,
            elapsed_s=round(stats.elapsed_s, 3) if job.stage != "queued" else 0.0,
            errors=list(stats.failures),
            resumed=job.resumed,
        )


class RefreshOut(BaseModel):
    added: int
    updated: int
    removed: int
    documents: int  # in the lexical index after the refresh
    chunks: int
    took_ms: float

    @classmethod
    def of(cls, result: RefreshResult, documents: int, chunks: int, took_ms: float) -> RefreshOut:
        return cls(
            added=result.added,
            updated=result.updated,
            removed=result.removed,
            documents=documents,
            chunks=chunks,
            took_ms=round(took_ms, 1),
        )
