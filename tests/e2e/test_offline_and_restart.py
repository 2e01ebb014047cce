"""The embedded default needs no network, and a restart re-embeds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import PROJECT_ROOT, Settings
from tests.conftest import CountingEmbedder

QUESTION = {"question": "Which country is mediating with Hamas?"}
DOC = {"id": "note", "date": "2024-02-01", "text": "The harbour reopened on Monday after repairs."}


def test_ingest_ask_restart_without_network(
    make_settings: Callable[..., Settings], no_network: list[Any]
) -> None:
    settings = make_settings()
    for _ in range(2):  # start, ingest, ask; then restart and ask again
        with TestClient(create_app(settings)) as client:  # loads its own embedder, offline
            assert client.post("/v1/documents", json=DOC).status_code in (200, 201)
            answer = client.post("/v1/ask", json=QUESTION).json()
            assert "Qatar" in answer["answer"]
    assert no_network == []


def test_restart_reembeds_nothing(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, minilm: Any
) -> None:
    settings = make_settings()
    with TestClient(create_app(settings, embedder)) as client:
        client.post("/v1/documents", json=DOC)
    assert embedder.texts > 0

    restarted = CountingEmbedder(minilm)
    with TestClient(create_app(settings, restarted)) as client:
        assert restarted.texts == 0, "startup re-embedded stored chunks"
        assert client.get("/readyz").json()["embedded_since_start"] == 0
        assert client.post("/v1/documents", json=DOC).json()["status"] == "unchanged"
        assert restarted.texts == 0
        answer = client.post("/v1/ask", json=QUESTION).json()
        assert "Qatar" in answer["answer"]
        listed = client.get("/v1/documents").json()["total"]
        assert listed == 2


def test_cli_ingest_and_ask(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "harbour.md").write_text(
        "date 2024-02-01\n# Harbour news\n\nThe harbour reopened on Monday after repairs.\n"
    )
    (folder / "broken.txt").write_bytes(b"\x81\x8d bad")  # in no encoding the service reads
    env = {**os.environ, "QA_DATA_DIR": str(tmp_path / "data"), "QA_SEEDS_DIR": str(tmp_path)}
    env["QA_LLM"] = "none"
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "service", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    ingested = run("ingest", str(folder))
    assert ingested.returncode == 1  # one file failed, the rest went in
    assert "created   harbour" in ingested.stdout
    assert "broken.txt" in ingested.stderr and "UTF-8" in ingested.stderr
    again = run("ingest", str(folder / "harbour.md"))
    assert "unchanged harbour" in again.stdout and "embedded 0 chunks" in again.stdout

    asked = run("ask", "When did the harbour reopen?")
    assert asked.returncode == 0, asked.stderr
    assert "Monday" in asked.stdout and "[1]" in asked.stdout and "2024-02-01" in asked.stdout
