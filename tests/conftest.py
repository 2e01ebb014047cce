"""Shared fixtures: the real embedder (loaded once), apps on temp dirs, the scripted LLM."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components import build_embedder
from service.core.config import PROJECT_ROOT, Settings
from service.core.ports import Embedder
from tests.support.live_server import scripted_llm_server
from tests.support.scripted_llm import ScriptedLLM

SEEDS = PROJECT_ROOT / "seeds"
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e/ is slow: `make test-fast` (-m "not slow") leaves it out."""
    for item in items:
        if Path(item.path).resolve().relative_to(TESTS).parts[0] == "e2e":
            item.add_marker(pytest.mark.slow)


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts = 0

    def embed(self, texts: Any) -> Any:
        self.texts += len(texts)
        return self._inner.embed(texts)


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    """The default embedder (all-MiniLM-L6-v2 on ONNX Runtime), loaded once per run."""
    return build_embedder(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
def embedder(minilm: Embedder) -> CountingEmbedder:
    return CountingEmbedder(minilm)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "seeds_dir": SEEDS,
            "openai_api_key": None,
            "openai_base_url": None,
            "llm": "none",  # no model starts unless a test asks for one
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def client(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), embedder)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    """One scripted OpenAI-compatible server for a test module's live servers."""
    yield from scripted_llm_server()


@pytest.fixture
def scripted_llm() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM().start()
    yield server
    server.stop()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail any connection to a non-loopback address; record the attempts."""
    attempts: list[Any] = []
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(host):
            attempts.append(address)
            raise OSError(f"network access blocked in tests: {address!r}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo, attempts))
    return attempts


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _guarded_getaddrinfo(original: Callable[..., Any], attempts: list[Any]) -> Callable[..., Any]:
    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(str(host)):
            attempts.append(host)
            raise OSError(f"name lookup blocked in tests: {host!r}")
        return original(host, *args, **kwargs)

    return guarded
