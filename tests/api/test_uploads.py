"""POST /v1/documents with files, JSONL and background jobs; paging; every bad upload."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from starlette.datastructures import UploadFile

from service.api.uploads import _parse_form
from service.app import create_app
from service.core.config import Settings
from tests.conftest import CountingEmbedder
from tests.support.files import ARTICLE_HTML, docx_bytes, pdf_bytes, xlsx_bytes

REPORT_PAGES = [
    "The harbour authority published its annual report. Cargo volumes grew by twelve percent.",
    "The new container crane arrived in March. Dredging of the outer channel finished in June.",
]
NDJSON = {"content-type": "application/x-ndjson"}


@pytest.fixture
def uploads(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> Iterator[TestClient]:
    settings = make_settings(seed_on_start=False, sync_max_documents=3, max_upload_bytes=20_000)
    with TestClient(create_app(settings, embedder)) as client:
        yield client


def upload(client: TestClient, *files: tuple[str, bytes, str], **fields: str) -> Any:
    parts = [("file", file) for file in files]
    return client.post("/v1/documents", files=parts, data=fields)


def jsonl(*docs: dict[str, str]) -> bytes:
    return "\n".join(json.dumps(d) for d in docs).encode()


def test_files_of_each_format_and_pdf_citations_carry_the_page(
    uploads: TestClient, embedder: CountingEmbedder
) -> None:
    pdf = pdf_bytes(REPORT_PAGES, title="Harbour report")
    created = upload(uploads, ("report.pdf", pdf, "application/pdf"), date="2024-07-01")
    assert created.status_code == 201, created.text
    assert created.json() == {"doc_id": "report.pdf", "chunks": 2, "status": "created"}
    html = upload(uploads, ("bridge.html", ARTICLE_HTML.encode(), "text/html"))
    assert html.status_code == 201 and html.json()["doc_id"] == "bridge.html"
    note = upload(uploads, ("note.md", b"# Ferry\n\nThe ferry runs hourly.", "text/markdown"))
    assert note.status_code == 201

    embedded = embedder.texts
    again = upload(uploads, ("report.pdf", pdf, "application/pdf"), date="2024-07-01")
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert embedder.texts == embedded

    answer = uploads.post("/v1/ask", json={"question": "When did the container crane arrive?"})
    citation = answer.json()["citations"][0]
    assert citation["doc_id"] == "report.pdf" and citation["page"] == 2
    assert citation["date"] == "2024-07-01" and "March" in citation["quote"]
    text = uploads.get("/v1/documents/report.pdf").json()["text"]
    assert text[citation["start"] : citation["end"]] == citation["quote"]
    found = uploads.post("/v1/search", json={"query": "steel cables bridge"}).json()["results"]
    assert found[0]["doc_id"] == "bridge.html" and found[0]["page"] is None
    bridge = uploads.get("/v1/documents/bridge.html").json()
    assert bridge["date"] == "2024-05-01" and bridge["title"] == "The old bridge reopens"

    changed = pdf_bytes([REPORT_PAGES[0], REPORT_PAGES[1] + " A second crane follows in May."])
    updated = upload(uploads, ("report.pdf", changed, "application/pdf"), date="2024-07-01")
    assert updated.json()["status"] == "updated"


def test_a_csv_file_answers_from_the_row_asked_about(uploads: TestClient) -> None:
    rows = b"Day,Opens,Closes\nMonday,9 am,5 pm\nSaturday,10 am,4 pm\nSunday,Closed,\n"
    created = upload(uploads, ("opening-hours.csv", rows, "text/csv"))
    assert created.status_code == 201, created.text
    document = uploads.get("/v1/documents/opening-hours.csv").json()
    assert document["title"] == "opening hours"
    question = {"question": "When does the library close on Saturday?"}
    answer = uploads.post("/v1/ask", json=question).json()
    assert answer["grounded"] and "Closes: 4 pm" in answer["answer"], answer
    citation = answer["citations"][0]
    assert citation["quote"] == "Saturday | 10 am | 4 pm"
    assert document["text"][citation["start"] : citation["end"]] == citation["quote"]


def test_a_word_document_is_read_with_its_properties(uploads: TestClient) -> None:
    body = "".join(
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        for text in ("Harbour board minutes", "The board approved a budget for a new crane.")
    )
    word = docx_bytes(body, title="Board minutes", created="2026-03-04T09:30:00Z")
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    created = upload(uploads, ("minutes.docx", word, kind))
    assert created.status_code == 201, created.text
    document = uploads.get("/v1/documents/minutes.docx").json()
    assert (document["title"], document["date"]) == ("Board minutes", "2026-03-04")
    assert document["text"] == (
        "Harbour board minutes\n\nThe board approved a budget for a new crane."
    )
    found = uploads.post("/v1/search", json={"query": "budget for a crane"}).json()["results"]
    assert found[0]["doc_id"] == "minutes.docx" and found[0]["title"] == "Board minutes"


def test_an_excel_workbook_is_read_as_a_table(uploads: TestClient) -> None:
    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    def euros(ref: str, value: str) -> str:  # a number in the workbook's style 1
        return f'<c r="{ref}" s="1"><v>{value}</v></c>'

    cells = (
        f'<row r="1">{text("A1", "Item")}{text("B1", "Cost")}</row>'
        f'<row r="2">{text("A2", "Crane")}{euros("B2", "2100000")}</row>'
        f'<row r="3">{text("A3", "Dredging")}{euros("B3", "450000")}</row>'
    )
    book = xlsx_bytes([("Budget", cells)], formats={164: '#,##0 "€"'}, styles=[0, 164])
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    created = upload(uploads, ("harbour-budget.xlsx", book, kind))
    assert created.status_code == 201, created.text
    document = uploads.get("/v1/documents/harbour-budget.xlsx").json()
    assert document["title"] == "harbour budget"
    assert "| Crane | 2,100,000 € |" in document["text"]
    answer = uploads.post("/v1/ask", json={"question": "How much does the crane cost?"}).json()
    assert answer["grounded"] and "2,100,000 €" in answer["answer"], answer
    assert answer["citations"][0]["quote"] == "Crane | 2,100,000 €"


def test_a_small_jsonl_body_is_one_batch(uploads: TestClient, embedder: CountingEmbedder) -> None:
    body = jsonl(
        {"id": "a", "date": "2024-01-01", "text": "Apples are harvested in autumn."},
        {"id": "b", "text": "Bananas grow in warm climates."},
    )
    first = uploads.post("/v1/documents", content=body, headers=NDJSON)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 2 and first.json()["documents"][0]["doc_id"] == "a"
    embedded = embedder.texts
    second = uploads.post("/v1/documents", content=body, headers=NDJSON).json()
    assert second["unchanged"] == 2 and embedder.texts == embedded


def test_large_uploads_run_as_jobs_with_progress(uploads: TestClient) -> None:
    docs = [{"id": f"n{i}", "text": f"Note {i} says the tide was {i} metres."} for i in range(8)]
    accepted = uploads.post("/v1/documents", content=jsonl(*docs), headers=NDJSON)
    assert accepted.status_code == 202, accepted.text
    job = wait_for_job(uploads, accepted.headers["location"])
    assert job["stage"] == "done" and job["done"] == job["total"] == 8
    assert job["created"] == 8 and job["chunks"] == 8 and job["chunks_per_s"] > 0
    assert job["errors"] == []

    files = [(f"f{i}.txt", f"File {i} is about sailing.".encode(), "text/plain") for i in (1, 2)]
    two_files = upload(uploads, *files)
    assert two_files.status_code == 202
    job = wait_for_job(uploads, two_files.json()["status_url"])
    assert (job["stage"], job["created"]) == ("done", 2)
    assert uploads.get("/v1/documents", params={"limit": 1}).json()["total"] == 10
    missing = uploads.get("/v1/jobs/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "job_not_found"


def wait_for_job(client: TestClient, url: str, timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(url).json()
        if job["stage"] not in ("queued", "ingesting"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job at {url} did not finish in {timeout_s} s")


def raw(client: TestClient, body: bytes, content_type: str) -> Any:
    return client.post("/v1/documents", content=body, headers={"content-type": content_type})


def test_bad_uploads_get_a_clear_4xx_and_store_nothing(uploads: TestClient) -> None:
    fine, bad_date = {"id": "fine", "text": "Fine."}, {"text": "x", "date": "24-1-1"}
    txt = "text/plain"
    cases: list[tuple[Any, int, str]] = [
        (upload(uploads, ("slides.odp", b"PK\x03\x04", "application/msword")), 415, "odp"),
        (raw(uploads, b"a,b", "text/csv"), 415, "text/csv"),
        (uploads.post("/v1/documents", data={"id": "x"}), 415, "urlencoded"),
        (upload(uploads, ("empty.txt", b"", txt)), 422, "empty"),
        (upload(uploads, ("broken.txt", b"caf\x81\x8d", txt)), 422, "UTF-8"),  # no encoding
        (upload(uploads, ("big.txt", b"word " * 5000, txt)), 413, "limit"),
        (upload(uploads, ("scan.pdf", pdf_bytes(["", ""]), "")), 422, "no extractable text"),
        (upload(uploads, ("fake.pdf", b"%PDF-1.4 nonsense", "")), 422, "not a readable PDF"),
        (upload(uploads, ("a.txt", b"Text.", txt), date="2024-02-30"), 422, "invalid date"),
        (upload(uploads, ("a.txt", b"Text.", txt), author="me"), 422, "author"),
        (uploads.post("/v1/documents", files={"id": (None, "x")}), 422, "no file"),
        (raw(uploads, jsonl(fine, bad_date), NDJSON["content-type"]), 422, "line 2: invalid date"),
        (raw(uploads, b"\n\n", NDJSON["content-type"]), 422, "no documents"),
        (
            upload(uploads, ("ok.txt", b"Fine.", txt), ("bad.txt", b"", txt)),
            422,
            "bad.txt is empty",
        ),
        (raw(uploads, b"--x\r\nbroken", "multipart/form-data; boundary=x"), 422, "no file"),
        (raw(uploads, b"--x\r\nbroken", "multipart/form-data"), 400, "boundary"),
        (raw(uploads, b"{", "application/json"), 400, "JSON"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, response.text
        assert words in response.json()["error"]["message"], response.text
    assert uploads.get("/v1/documents").json()["total"] == 0  # nothing from any bad request


def test_documents_page_with_chunk_counts_and_dates(uploads: TestClient) -> None:
    docs = [
        {"id": f"d{i}", "date": f"2024-03-0{i}", "text": f"Day {i} was calm at sea."}
        for i in range(1, 4)
    ]
    assert uploads.post("/v1/documents", content=jsonl(*docs), headers=NDJSON).status_code == 200
    first = uploads.get("/v1/documents", params={"limit": 2}).json()
    rest = uploads.get("/v1/documents", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == rest["total"] == 3 and (first["limit"], rest["offset"]) == (2, 2)
    listed = first["documents"] + rest["documents"]
    assert [d["doc_id"] for d in listed] == ["d1", "d2", "d3"]  # in ingest order
    assert [d["date"] for d in listed] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert all(d["chunks"] == 1 for d in listed)
    assert uploads.get("/v1/documents", params={"limit": 0}).status_code == 422


def test_a_publication_time_is_taken_as_its_date(uploads: TestClient) -> None:
    """Feeds and news APIs give a time with the date: the date, as written, is kept."""
    body = {"id": "t", "text": "The tide was high.", "date": "2024-03-01T23:30:00-05:00"}
    assert uploads.post("/v1/documents", json=body).status_code == 201
    form = upload(uploads, ("f.txt", b"The sea was calm.", "text/plain"), date="2024-03-02 08:00")
    assert form.status_code == 201
    dates = {d["doc_id"]: d["date"] for d in uploads.get("/v1/documents").json()["documents"]}
    assert dates == {"t": "2024-03-01", "f.txt": "2024-03-02"}
    fronted = {"id": "m", "text": "---\ntitle: Tides\ndate: 2024-03-03\n---\nThe tide was low."}
    assert uploads.post("/v1/documents", json=fronted).status_code == 201
    stored = uploads.get("/v1/documents/m").json()
    assert (stored["title"], stored["date"]) == ("Tides", "2024-03-03")
    assert stored["text"][stored["body_start"] :] == "The tide was low."
    assert uploads.get("/v1/documents/t").json()["body_start"] == 0
    for bad in (20240301, "2024-03-01T25:00", "March 1, 2024"):
        refused = uploads.post("/v1/documents", json={**body, "date": bad})
        assert refused.status_code == 422 and "date" in refused.json()["error"]["message"]


def test_the_api_docs_describe_the_upload_body(uploads: TestClient) -> None:
    post = uploads.get("/openapi.json").json()["paths"]["/v1/documents"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json"}
    assert "multipart/form-data" in post["description"] and "x-ndjson" in post["description"]
    assert {"200", "201", "202", "413", "415", "422"} <= set(post["responses"])


@pytest.mark.parametrize(("declared", "in_memory"), [(True, True), (False, False)])
def test_a_body_within_one_files_limit_is_kept_in_memory_while_it_arrives(
    make_settings: Callable[..., Settings], declared: bool, in_memory: bool
) -> None:
    # Spooled to disk, every 64 KB of a file is written on a worker thread (bench/hostile.py);
    # a body no larger than one file's limit stays in memory, a chunked one (no length) not.
    settings = make_settings(max_upload_bytes=4 * 2**20)
    request = httpx.Request("POST", "http://x/", files={"file": ("a.txt", b"ab " * 2**19)})
    body = request.read()  # 1.5 MB of file: past Starlette's 1 MB spooling
    headers = [(b"content-type", request.headers["content-type"].encode())]
    if declared:
        headers.append((b"content-length", str(len(body)).encode()))
    chunks = [body[i : i + 2**16] for i in range(0, len(body), 2**16)]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def parse() -> bool:
        scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
        form = await _parse_form(Request(scope, receive), settings)
        file = form["file"]
        assert isinstance(file, UploadFile) and await file.read() == b"ab " * 2**19
        await form.close()
        return file._in_memory

    assert asyncio.run(parse()) is in_memory
