"""Background ingest jobs: progress of a large upload."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import JobsDep
from service.api.ingest_schemas import JobOut

router = APIRouter(prefix="/v1/jobs", tags=["documents"])


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, jobs: JobsDep) -> JobOut:
    return JobOut.of(jobs.get(job_id))
