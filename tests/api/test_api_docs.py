"""/docs and /redoc work offline: every script, style and image they load is served here."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from tests.conftest import CountingEmbedder

_ASSET = re.compile(
    r"""(?:src|href)\s*=\s*["']([^"']+)["']|(?:url|specUrl|spec-url)\s*[:=]\s*["']([^"']+)["']"""
)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_only_local_assets(
    page: str, make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    with TestClient(create_app(make_settings(), embedder)) as client:
        html = client.get(page)
        assert html.status_code == 200
        assets = [a or b for a, b in _ASSET.findall(html.text)]
        scripts = [a for a in assets if a.endswith(".js")]
        assert scripts, f"{page} names no script"
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            response = client.get(asset)
            assert response.status_code == 200, asset
        assert all(len(client.get(s).content) > 100_000 for s in scripts)  # the real bundles
        assert "https://" not in html.text
        assert "https:" not in html.headers["content-security-policy"]
