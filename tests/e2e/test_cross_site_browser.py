"""Issue 17, case 7 in a real Chromium: a page on another site cannot write here without a key.

Two "other sites" are plain HTTP servers on 127.0.0.1 reached as `localhost:<port>`
(a different site from `127.0.0.1` for the browser). The service allows one of them
by `QA_CORS_ORIGINS`: its upload must arrive and be stored, which shows that the
browser really sends the request the service refuses from the other one. The same
upload from the service's own page is stored too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from service.core.ports import Embedder
from tests.support.live_server import serve

pytestmark = pytest.mark.slow

PAGE = b"<!doctype html><title>another site</title><p>nothing to see"
UPLOAD = """async ([url, id]) => {
  const form = new FormData();
  form.append("file", new Blob(["The ferry to the island runs hourly."], {type: "text/plain"}),
              "note.txt");
  form.append("id", id);
  try {
    await fetch(url + "/v1/documents", {method: "POST", mode: "no-cors", body: form});
    return "sent";
  } catch (error) {
    return "failed: " + error;
  }
}"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: Any) -> None:
        pass


def _other_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[str]:
    yield from _other_site()


@pytest.fixture(scope="module")
def allowed_site() -> Iterator[str]:
    yield from _other_site()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, allowed_site: str
) -> Iterator[str]:
    data = tmp_path_factory.mktemp("cross-site") / "data"
    yield from serve(data, minilm, cors_origins=allowed_site)


def upload_from(browser: Browser, page_url: str, server: str, doc_id: str) -> int:
    """Open `page_url`, have its script upload a file here; then GET the document's status."""
    page = browser.new_page()
    try:
        page.goto(page_url)
        assert page.evaluate(UPLOAD, [server, doc_id]) == "sent"
    finally:
        page.close()
    return httpx.get(f"{server}/v1/documents/{doc_id}", timeout=30).status_code


def test_a_page_on_another_site_cannot_upload(
    browser: Browser, server: str, hostile_site: str
) -> None:
    assert upload_from(browser, hostile_site, server, "from-another-site") == 404


def test_an_allowed_origin_and_the_service_page_can_upload(
    browser: Browser, server: str, allowed_site: str
) -> None:
    assert upload_from(browser, allowed_site, server, "from-allowed-site") == 200
    assert upload_from(browser, server, server, "from-own-page") == 200
