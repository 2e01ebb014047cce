"""Background ingest jobs: progress of a large upload."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import ComponentsDep
from service.api.ingest_schemas import JobOut

router = APIRouter(prefix="/v1/jobs", tags=["documents"])


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, components: ComponentsDep) -> JobOut:
    return JobOut.of(components.jobs.get(job_id))
