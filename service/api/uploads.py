"""Reading POST /v1/documents: a JSON document, a JSONL body, or multipart file uploads.

Every document of a request is loaded and checked before any is ingested: a
request with a bad file or a bad JSONL line gets a 4xx naming it, and nothing
from it is stored.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass
from functools import partial

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from service.api.schemas import DocumentIn
from service.core.config import Settings
from service.core.documents import TITLE_CHARS, Document, build_document
from service.core.errors import (
    InvalidInput,
    PayloadTooLarge,
    RequestTimeout,
    UnreadableFile,
    UnsupportedType,
)
from service.core.input_checks import SOURCE_CHARS, DocumentId, StrictInput
from service.ingest.loaders import (
    JSONL,
    Loaded,
    LoadFailure,
    Metadata,
    format_of,
    load_jsonl,
    load_upload,
)
from service.ingest.parsing_pool import ParsingPool, Reservation

JSON = "application/json"
MULTIPART = "multipart/form-data"
NDJSON = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines"}
FORM_FIELDS = {"id", "title", "date", "source"}
SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class Upload:
    documents: list[Document]
    files: int
    single: bool  # one document sent as one (a JSON body, or one file that is not JSONL)


async def read_upload(request: Request, settings: Settings, parsing: ParsingPool) -> Upload:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in (JSON, ""):
        body = await _read_limited(request, settings.max_upload_bytes)
        return Upload([_json_document(body, settings)], files=0, single=True)
    if media in NDJSON:
        body = await _read_limited(request, settings.max_upload_bytes)
        items = await run_in_threadpool(lambda: list(load_jsonl(body.splitlines(), "body")))
        return Upload(_checked(items, settings), files=0, single=False)
    if media == MULTIPART:
        _check_declared_length(request, settings.max_upload_bytes * settings.max_upload_files)
        # A place in the parsing pool before the body is read: when every place is taken,
        # 503 at once, without reading (or parsing as multipart) a body that would be refused.
        with parsing.reserve() as reservation:
            form = await _read_form(request, settings)
            try:
                return await _read_files(form, settings, reservation)
            finally:
                await form.close()
    raise UnsupportedType(
        f"unsupported content type {media!r}: send application/json, "
        "application/x-ndjson (one document per line) or multipart/form-data files"
    )


def _json_document(body: bytes, settings: Settings) -> Document:
    if not body.strip():  # as FastAPI answers an empty JSON body on the other routes
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
        )
    try:
        parsed = DocumentIn.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc
    _check_text_size(parsed.text, "document", settings)
    return build_document(
        parsed.text,
        doc_id=parsed.id,
        title=parsed.title,
        date=parsed.date,
        source=parsed.source,
    )


async def _read_form(request: Request, settings: Settings) -> FormData:
    """The multipart body, or 408 when it does not arrive within QA_UPLOAD_READ_TIMEOUT_S
    (a slow sender must not hold a parsing place for ever)."""
    limit = settings.upload_read_timeout_s
    try:
        return await asyncio.wait_for(_parse_form(request, settings), limit)
    except TimeoutError:
        raise RequestTimeout(f"the upload did not arrive within {limit:g} s") from None


async def _parse_form(request: Request, settings: Settings) -> FormData:
    """Starlette's multipart parsing (as `request.form()`), with the files of a body no
    larger than one file's limit kept in memory while it arrives. Spooled to disk (past
    1 MB), every chunk of a file is written on a worker thread, and a burst of large
    uploads then slows every other request (bench/hostile.py); the bytes are read into
    memory for parsing anyway, and a larger body still spools to disk."""
    async with aclosing(request.stream()) as stream:
        parser = MultiPartParser(
            request.headers, stream, max_files=settings.max_upload_files, max_fields=20
        )
        declared = _declared_length(request)
        if declared is not None and declared <= settings.max_upload_bytes:
            parser.spool_max_size = settings.max_upload_bytes
        try:
            return await parser.parse()
        except MultiPartException as exc:  # as request.form() answers it
            raise HTTPException(status_code=400, detail=exc.message) from exc


async def _read_files(form: FormData, settings: Settings, parsing: Reservation) -> Upload:
    files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
    fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    if not files:
        raise InvalidInput("the upload holds no file: send each as a multipart field of type file")
    if unknown := sorted(set(fields) - FORM_FIELDS):
        raise InvalidInput(f"unknown form fields {unknown}; allowed: {sorted(FORM_FIELDS)}")
    if fields and len(files) > 1:
        raise InvalidInput("id, title, date and source apply to a single uploaded file")
    meta = _form_metadata(fields)
    items: list[Loaded] = []
    jsonl = False
    for file in files:
        name = file.filename or "upload"
        fmt = format_of(name, file.content_type)  # 415 before reading an unsupported file
        jsonl = jsonl or fmt in JSONL
        if fields and fmt in JSONL:
            raise InvalidInput("id, title, date and source come from each line of a JSONL file")
        data = await _read_file(file, name, settings.max_upload_bytes)
        await file.close()  # its bytes are in `data` now: one copy in memory, not two
        kind = file.content_type
        items.extend(await parsing.run(partial(load_upload, name, data, kind, meta), name))
    documents = _checked(items, settings)
    single = len(files) == 1 and len(documents) == 1 and not jsonl
    return Upload(documents, files=len(files), single=single)


class _FormFields(StrictInput):
    """A single file's form fields, held to the same limits as a JSON document's."""

    id: DocumentId | None = None
    title: str | None = Field(None, max_length=TITLE_CHARS)
    date: str | None = None
    source: str | None = Field(None, max_length=SOURCE_CHARS)


def _form_metadata(fields: dict[str, str]) -> Metadata:
    try:
        form = _FormFields.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc
    return Metadata(form.id, form.title, form.date, form.source)


async def _read_file(file: UploadFile, name: str, limit: int) -> bytes:
    if file.size is not None and file.size > limit:
        raise PayloadTooLarge(f"{name} is {file.size} bytes; the limit is {limit}")
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"{name} is over the limit of {limit} bytes")
    return data


def _checked(items: list[Loaded], settings: Settings) -> list[Document]:
    """The documents, or a 4xx naming the first problems when any item is bad."""
    failures = [item for item in items if isinstance(item, LoadFailure)]
    if failures:
        shown = "; ".join(f.message for f in failures[:SHOWN_PROBLEMS])
        more = len(failures) - SHOWN_PROBLEMS
        error = failures[0].error
        raise type(error)(shown + (f"; and {more} more" if more > 0 else ""))
    documents = [item for item in items if isinstance(item, Document)]
    if not documents:
        raise UnreadableFile("the upload holds no documents")
    for document in documents:
        _check_text_size(document.text, document.doc_id, settings)
    return documents


def _check_text_size(text: str, name: str, settings: Settings) -> None:
    limit = settings.max_document_chars
    if len(text) > limit:
        raise PayloadTooLarge(f"{name} text is {len(text)} characters; the limit is {limit}")


def _check_declared_length(request: Request, limit: int) -> None:
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge(f"the request is {declared} bytes; the limit is {limit}")


def _declared_length(request: Request) -> int | None:
    """The Content-Length, or None when none is given (a chunked body)."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else None


async def _read_limited(request: Request, limit: int) -> bytes:
    _check_declared_length(request, limit)
    body = bytearray()
    async for part in request.stream():
        body.extend(part)
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
    return bytes(body)
