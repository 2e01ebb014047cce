"""Issue 17, case 3: no upload can stall the service.

HTML is read in linear time, a PDF within page, content and time limits; file
parsing has its own bounded pool of worker processes and background jobs a bounded queue, both
answering 503 with Retry-After when full; /healthz answers while hostile files
are being read.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.core.errors import Busy, TooComplex, UnreadableFile
from service.ingest.loaders import Metadata, load_upload
from service.ingest.parsing_pool import ParsingPool
from tests.conftest import CountingEmbedder
from tests.support import parse_work
from tests.support.files import CORRUPT_PDF, hostile_pdf
from tests.support.server_process import ServerProcess

QUADRATIC_HTML = b"<a" * 200_000  # html.parser alone: minutes (9 s for a quarter of it)


@pytest.fixture
def bounded(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> Iterator[TestClient]:
    settings = make_settings(
        seed_on_start=False, parse_time_limit_s=2, sync_max_documents=1, max_queued_jobs=1
    )
    with TestClient(create_app(settings, embedder)) as client:
        yield client


def upload(client: TestClient, name: str, data: bytes, kind: str) -> httpx.Response:
    return client.post("/v1/documents", files={"file": (name, data, kind)})


def test_html_that_is_quadratic_for_html_parser_is_read_at_once(bounded: TestClient) -> None:
    started = time.monotonic()
    response = upload(bounded, "links.html", QUADRATIC_HTML, "text/html")
    assert response.status_code == 422 and "no readable text" in response.text
    assert time.monotonic() - started < 10  # a regression guard; it takes milliseconds
    page = b"<p>The ferry runs hourly.</p>" + b"<a" * 50_000
    assert upload(bounded, "ferry.html", page, "text/html").status_code == 201


def test_a_pdf_of_pages_sharing_one_huge_content_stream_is_refused_at_once(
    bounded: TestClient,
) -> None:
    started = time.monotonic()
    response = upload(bounded, "bomb.pdf", hostile_pdf(300, 600_000), "application/pdf")
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_complex"
    assert "content" in response.json()["error"]["message"]
    assert time.monotonic() - started < 10


def test_a_slow_pdf_stops_at_the_time_limit(bounded: TestClient) -> None:
    started = time.monotonic()
    response = upload(bounded, "slow.pdf", hostile_pdf(300, 150_000), "application/pdf")
    assert response.status_code == 413, response.text
    assert "takes more than 2 s" in response.json()["error"]["message"]
    assert time.monotonic() - started < 10


def wait_for_pid(pid_file: Path) -> int:
    deadline = time.monotonic() + 60  # a worker's first start, on a loaded machine
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker never started the work"
        time.sleep(0.05)
    return int(pid_file.read_text())


def gone(pid: int, within_s: float = 10) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_full_parsing_pool_answers_busy_and_a_cancelled_parse_stops(tmp_path: Path) -> None:
    pool = ParsingPool(workers=1, queue=0, time_limit_s=30)
    pid_file = tmp_path / "pid"

    async def scenario() -> int:
        first = asyncio.ensure_future(pool.run(partial(parse_work.cooperative, pid_file)))
        worker = await asyncio.to_thread(wait_for_pid, pid_file)
        assert worker != os.getpid()  # parsing runs in another process
        with pytest.raises(Busy) as busy:
            await pool.run(parse_work.pid)
        assert busy.value.status == 503 and busy.value.headers == {"Retry-After": "5"}
        first.cancel()  # the client leaves
        with pytest.raises(asyncio.CancelledError):
            await first
        assert await asyncio.to_thread(gone, worker)  # its worker is stopped
        return await pool.run(parse_work.pid)  # a new worker takes the next file

    try:
        assert asyncio.run(scenario()) != os.getpid()
    finally:
        pool.close()


def test_a_reserved_place_is_refused_to_others_until_released() -> None:
    pool = ParsingPool(workers=1, queue=0, time_limit_s=30)

    async def scenario() -> int:
        with pool.reserve() as reservation:  # an upload whose body is still arriving
            with pytest.raises(Busy):
                await pool.run(parse_work.pid)
            with pytest.raises(Busy):
                pool.reserve()
            first = await reservation.run(parse_work.pid)  # its files use its own place
            assert await reservation.run(parse_work.pid) == first  # one after another
        return await pool.run(parse_work.pid)  # released: free for the next upload

    try:
        assert asyncio.run(scenario()) != os.getpid()
    finally:
        pool.close()


def test_a_parse_that_ignores_its_deadline_is_killed_and_errors_keep_their_type(
    tmp_path: Path,
) -> None:
    pool = ParsingPool(workers=1, queue=1, time_limit_s=1)
    pid_file = tmp_path / "pid"

    async def scenario() -> None:
        with pytest.raises(TooComplex, match="slow.pdf takes more than 1 s to read"):
            await pool.run(partial(parse_work.stubborn, pid_file), "slow.pdf")
        assert await asyncio.to_thread(gone, int(pid_file.read_text()))
        with pytest.raises(TooComplex, match="slow file takes more than 1 s"):
            await pool.run(partial(parse_work.cooperative, tmp_path / "pid2"))
        with pytest.raises(UnreadableFile, match="bad.pdf could not be read"):
            await pool.run(parse_work.crash, "bad.pdf")  # a crash stays in its worker
        with pytest.raises(UnreadableFile, match="is not a readable PDF"):
            await pool.run(partial(load_upload, "x.pdf", CORRUPT_PDF, None, Metadata()))
        assert await pool.run(parse_work.pid) != os.getpid()

    try:
        asyncio.run(scenario())
    finally:
        pool.close()


def test_closing_the_pool_stops_a_parse_at_once(tmp_path: Path) -> None:
    pool = ParsingPool(workers=1, queue=0, time_limit_s=60)
    pid_file = tmp_path / "pid"

    async def scenario() -> float:
        parse = asyncio.ensure_future(pool.run(partial(parse_work.stubborn, pid_file)))
        worker = await asyncio.to_thread(wait_for_pid, pid_file)
        started = time.monotonic()
        pool.close()
        with pytest.raises(UnreadableFile):
            await parse
        assert await asyncio.to_thread(gone, worker)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 10  # not the 60 s time limit


def test_the_job_queue_is_bounded(bounded: TestClient) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": f"Document {i} about ferries."}) for i in range(60)]
    body = "\n".join(lines).encode()
    headers = {"content-type": "application/x-ndjson"}
    first = bounded.post("/v1/documents", content=body, headers=headers)
    assert first.status_code == 202
    second = bounded.post("/v1/documents", content=body, headers=headers)
    assert second.status_code == 503, second.text
    assert second.headers["retry-after"] and second.json()["error"]["code"] == "busy"
    status_url = first.json()["status_url"]
    deadline = time.monotonic() + 60
    while bounded.get(status_url).json()["stage"] != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bounded.post("/v1/documents", content=body, headers=headers).status_code == 202


@pytest.mark.slow
def test_healthz_does_not_stall_while_hostile_files_are_read(tmp_path: Path) -> None:
    server = ServerProcess(
        tmp_path / "data",
        tmp_path / "server.log",
        QA_SEED_ON_START="false",
        QA_PARSE_TIME_LIMIT_S="4",
        QA_RATE_LIMIT_PER_MINUTE="0",
    ).start()
    slow_pdf = hostile_pdf(300, 150_000)
    files = [("slow.pdf", slow_pdf, "application/pdf")] * 12
    files += [("links.html", QUADRATIC_HTML, "text/html")] * 12
    try:
        with ThreadPoolExecutor(len(files)) as pool:
            uploads = [
                pool.submit(
                    httpx.post, f"{server.url}/v1/documents", files={"file": f}, timeout=120
                )
                for f in files
            ]
            time.sleep(0.5)
            waits = []
            for _ in range(10):
                started = time.monotonic()
                assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
                waits.append(time.monotonic() - started)
                time.sleep(0.2)
            statuses = sorted(u.result().status_code for u in uploads)
        # Not stalled (before: over a minute). The 1 s figure is a performance target, measured
        # outside the suite: on a shared 2-core machine one probe of ten took 1.2 s here.
        assert max(waits) < 3.0, waits
        assert sorted(waits)[len(waits) // 2] < 1.0, waits
        assert set(statuses) <= {413, 422, 503}, statuses  # too slow, no text, or busy
        stopping = time.monotonic()
        server.stop()  # SIGTERM: the parse workers go with the server
        assert time.monotonic() - stopping < 15
    finally:
        server.stop()


def _multipart_head(port: int, length: int) -> tuple[bytes, bytes]:
    """The request line and headers of a multipart upload of `length` body bytes, and the
    start of that body."""
    boundary = "b0undary"
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    head = (
        f"POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    return head, start


def _status_of(sock: socket.socket) -> int:
    reply = b""
    while b"\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_a_busy_pool_refuses_an_upload_before_reading_it_and_a_slow_one_times_out(
    tmp_path: Path,
) -> None:
    server = ServerProcess(
        tmp_path / "data",
        tmp_path / "server.log",
        QA_SEED_ON_START="false",
        QA_PARSE_WORKERS="1",
        QA_PARSE_QUEUE="0",
        QA_UPLOAD_READ_TIMEOUT_S="3",
        QA_RATE_LIMIT_PER_MINUTE="0",
    ).start()
    try:
        # A slow sender: headers and the start of a 1 MB body, then nothing. It holds the
        # only parsing place while its body is awaited.
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        head, start = _multipart_head(server.port, 1_000_000)
        slow.sendall(head + start)
        time.sleep(1.0)
        started = time.monotonic()
        # Another upload announces 8 MB and sends none of it: refused at once, unread.
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as other:
            other.sendall(_multipart_head(server.port, 8_000_000)[0])
            assert _status_of(other) == 503
        assert time.monotonic() - started < 2.0
        assert _status_of(slow) == 408  # its body did not arrive within 3 s
        slow.close()
        # The place is free again.
        ok = httpx.post(
            f"{server.url}/v1/documents",
            files={"file": ("b.txt", b"Some plain text.", "text/plain")},
            timeout=30,
        )
        assert ok.status_code == 201, ok.text
    finally:
        server.stop()
