"""Documents: add (JSON, JSONL or file uploads; large ones as a job), list, fetch, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from service.api.deps import DeletedDep, JobsDep, LibraryDep, ParsingDep, SettingsDep
from service.api.ingest_schemas import BatchOut, JobAcceptedOut
from service.api.schemas import (
    DocumentDetailOut,
    DocumentIn,
    DocumentListOut,
    DocumentOut,
    IngestOut,
)
from service.api.uploads import read_upload

router = APIRouter(prefix="/v1/documents", tags=["documents"])

# The JSON body is described here; the request is read by service.api.uploads, which also
# takes `application/x-ndjson` (one document per line) and `multipart/form-data` files.
# Those are described in words: a schema cannot say which bytes make a readable file.
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": DocumentIn.model_json_schema()}},
    }
}
UPLOAD_DESCRIPTION = """A JSON document, as below; or `application/x-ndjson` with one such
document per line; or `multipart/form-data` with one or more `file` parts (.txt, .md,
.html, .pdf, .docx, .xlsx, .pptx, .eml, .csv, .tsv, .jsonl) and, for a single file, optional
`id`, `title`, `date`, `source` fields. Large uploads answer 202 with a job to poll at
`GET /v1/jobs/{id}`."""


@router.post(
    "",
    response_model=None,
    openapi_extra=UPLOAD_BODY,
    description=UPLOAD_DESCRIPTION,
    responses={
        415: {
            "description": "Unsupported content or file type",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        200: {"model": IngestOut | BatchOut, "description": "updated or unchanged; or a batch"},
        201: {"model": IngestOut, "description": "created"},
        202: {"model": JobAcceptedOut, "description": "a background job (GET its status_url)"},
    },
)
async def add_documents(
    request: Request,
    response: Response,
    library: LibraryDep,
    jobs: JobsDep,
    parsing: ParsingDep,
    settings: SettingsDep,
) -> BaseModel:
    upload = await read_upload(request, settings, parsing)
    if upload.single:
        result = await run_in_threadpool(library.ingest, upload.documents[0])
        response.status_code = 201 if result.status == "created" else 200
        return IngestOut(doc_id=result.doc_id, chunks=result.chunks, status=result.status)
    large = upload.files > settings.sync_max_files
    if large or len(upload.documents) > settings.sync_max_documents:
        job = jobs.submit(upload.documents)
        status_url = str(request.url_for("get_job", job_id=job.job_id).path)
        response.status_code = 202
        response.headers["location"] = status_url
        return JobAcceptedOut(
            job_id=job.job_id, stage=job.stage, total=job.total, status_url=status_url
        )
    results = await run_in_threadpool(library.ingest_many, upload.documents)
    return BatchOut.of(results)


@router.get("", response_model=DocumentListOut)
def list_documents(
    library: LibraryDep,
    limit: int = Query(1000, ge=1, le=10_000),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> DocumentListOut:
    records, total = library.documents_page(limit, offset)
    return DocumentListOut(
        documents=[DocumentOut.of(r) for r in records], total=total, limit=limit, offset=offset
    )


@router.get("/{doc_id}", response_model=DocumentDetailOut)
def get_document(doc_id: str, library: LibraryDep) -> DocumentDetailOut:
    record, text, body_start = library.get(doc_id)
    return DocumentDetailOut(
        **DocumentOut.of(record).model_dump(), text=text, body_start=body_start
    )


@router.delete("/{doc_id}", status_code=204)
def delete_document(doc_id: str, library: LibraryDep, deleted: DeletedDep) -> Response:
    record, _, _ = library.get(doc_id)
    library.delete(doc_id)
    deleted.add(doc_id, record.content_hash)  # not seeded again (ingest/seeding.py)
    return Response(status_code=204)
