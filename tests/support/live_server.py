"""A real uvicorn server on 127.0.0.1 in a background thread, for real HTTP clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from service.app import create_app
from service.cli.serving import uvicorn_options
from service.core.config import PROJECT_ROOT, Settings
from service.core.ports import Embedder
from tests.support.scripted_llm import ScriptedLLM


class LiveServer:
    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        options = {**uvicorn_options(settings), "timeout_graceful_shutdown": 5}
        config = uvicorn.Config(app, log_level="warning", lifespan="on", **options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self, timeout_s: float = 120.0) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    """Settings on a temp data dir with the seeds and no LLM, like conftest's make_settings."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "seeds_dir": PROJECT_ROOT / "seeds",
        "openai_api_key": None,
        "openai_base_url": None,
        "llm": "none",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def serve(data_dir: Path, embedder: Embedder, **overrides: Any) -> Iterator[str]:
    """Run the real app on a live server for as long as the caller iterates; yields its URL."""
    settings = settings_for(data_dir, **overrides)
    live = LiveServer(create_app(settings, embedder), settings).start()
    try:
        yield live.url
    finally:
        live.stop()


def with_scripted_llm(llm: ScriptedLLM, timeout_s: float) -> dict[str, Any]:
    """Settings that point the service at the scripted LLM, with no retries."""
    return {
        "llm": "openai",
        "openai_base_url": llm.base_url,
        "llm_model": "scripted-model",
        "llm_timeout_s": timeout_s,
        "llm_max_retries": 0,
    }


def scripted_llm_server() -> Iterator[ScriptedLLM]:
    scripted = ScriptedLLM().start()
    try:
        yield scripted
    finally:
        scripted.stop()
