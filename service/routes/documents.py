"""Documents: add (JSON), list, fetch, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.deps import ComponentsDep
from service.documents import build_document
from service.errors import PayloadTooLarge
from service.schemas import DocumentDetailOut, DocumentIn, DocumentListOut, DocumentOut, IngestOut

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@router.post("", response_model=IngestOut, responses={201: {"model": IngestOut}})
def add_document(body: DocumentIn, response: Response, components: ComponentsDep) -> IngestOut:
    limit = components.settings.max_document_chars
    if len(body.text) > limit:
        raise PayloadTooLarge(f"document text is {len(body.text)} characters; the limit is {limit}")
    document = build_document(
        body.text,
        doc_id=body.id,
        title=body.title,
        date=body.date.isoformat() if body.date else None,
        source=body.source,
    )
    result = components.library.ingest(document)
    response.status_code = 201 if result.status == "created" else 200
    return IngestOut(doc_id=result.doc_id, chunks=result.chunks, status=result.status)


@router.get("", response_model=DocumentListOut)
def list_documents(components: ComponentsDep) -> DocumentListOut:
    records = components.library.documents()
    return DocumentListOut(documents=[DocumentOut.of(r) for r in records], total=len(records))


@router.get("/{doc_id}", response_model=DocumentDetailOut)
def get_document(doc_id: str, components: ComponentsDep) -> DocumentDetailOut:
    record, text = components.library.get(doc_id)
    return DocumentDetailOut(**DocumentOut.of(record).model_dump(), text=text)


@router.delete("/{doc_id}", status_code=204)
def delete_document(doc_id: str, components: ComponentsDep) -> Response:
    components.library.delete(doc_id)
    return Response(status_code=204)
