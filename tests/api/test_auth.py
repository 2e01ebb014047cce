"""API keys: writes need the key, reads too when configured; public pages stay open."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from service.api.auth import access_for, is_loopback, require_write, unsafe_bind
from service.app import create_app
from service.core.config import PROJECT_ROOT, Settings
from tests.conftest import CountingEmbedder

KEY = "s3cret-key"
DOC = {"id": "memo", "text": "The ferry to the island runs twice a day in winter."}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_writes_need_the_key(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    with TestClient(create_app(make_settings(api_key=KEY), embedder)) as client:
        missing = client.post("/v1/documents", json=DOC)
        assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = client.post("/v1/documents", json=DOC, headers=bearer("nope"))
        assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "forbidden"
        not_bearer = client.post("/v1/documents", json=DOC, headers={"Authorization": KEY})
        assert not_bearer.status_code == 401
        assert client.post("/v1/documents", json=DOC, headers=bearer(KEY)).status_code == 201
        assert client.delete("/v1/documents/memo").status_code == 401
        assert client.delete("/v1/documents/memo", headers=bearer("x")).status_code == 403
        # reads stay open by default
        assert client.get("/v1/documents/memo").status_code == 200
        assert client.post("/v1/search", json={"query": "ferry"}).status_code == 200
        assert client.post("/v1/ask", json={"question": "When does the ferry run?"}).is_success
        assert client.delete("/v1/documents/memo", headers=bearer(KEY)).status_code == 204


def test_reads_can_need_the_key_too(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(api_key=KEY, require_key_for_reads=True)
    with TestClient(create_app(settings, embedder)) as client:
        for method, path, body in [
            ("GET", "/v1/documents", None),
            ("GET", "/v1/documents/anything", None),
            ("POST", "/v1/search", {"query": "ferry"}),
            ("POST", "/v1/ask", {"question": "ferry?"}),
        ]:
            assert client.request(method, path, json=body).status_code == 401, path
            wrong = client.request(method, path, json=body, headers=bearer(KEY + "x"))
            assert wrong.status_code == 403, path
        assert client.get("/v1/documents", headers=bearer(KEY)).status_code == 200
        for public in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
            assert client.get(public).status_code == 200, public


def test_no_key_configured_means_open(client: TestClient) -> None:
    assert client.post("/v1/documents", json=DOC).status_code == 201
    assert client.post("/v1/documents", json=DOC, headers=bearer("whatever")).status_code == 200


def test_access_policy_covers_routes_added_later() -> None:
    assert access_for("POST", "/v1/documents") == "write"
    assert access_for("POST", "/v1/documents/upload") == "write"
    assert access_for("DELETE", "/v1/documents/x") == "write"
    assert access_for("GET", "/v1/jobs/123") == "write"
    assert access_for("GET", "/v1/documents") == "read"
    assert access_for("POST", "/v1/chat/completions") == "read"
    assert access_for("GET", "/") == "public"
    assert access_for("GET", "/static/app.js") == "public"


@pytest.mark.slow  # runs `python -m service serve`
def test_serve_refuses_a_public_address_without_a_key(
    make_settings: Callable[..., Settings],
) -> None:
    assert unsafe_bind(make_settings(host="127.0.0.1")) is None
    assert unsafe_bind(make_settings(host="::1")) is None
    assert unsafe_bind(make_settings(host="0.0.0.0", api_key=KEY)) is None
    assert unsafe_bind(make_settings(host="0.0.0.0", allow_unauthenticated_public=True)) is None
    assert "QA_API_KEY" in str(unsafe_bind(make_settings(host="0.0.0.0")))
    assert is_loopback("localhost") and not is_loopback("example.org")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    env.update(QA_HOST="0.0.0.0", QA_PORT="1")  # must exit before binding anything
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "refusing to listen on '0.0.0.0'" in done.stderr and "QA_API_KEY" in done.stderr


def test_explicit_levels_for_routes_anywhere(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    app = create_app(make_settings(api_key=KEY), embedder)

    @app.post("/admin/reindex", dependencies=[Depends(require_write)])
    def reindex() -> dict[str, str]:  # a route outside the paths the policy knows
        return {"status": "ok"}

    with TestClient(app) as client:
        assert client.post("/admin/reindex").status_code == 401
        assert client.post("/admin/reindex", headers=bearer("x")).status_code == 403
        assert client.post("/admin/reindex", headers=bearer(KEY)).json() == {"status": "ok"}
