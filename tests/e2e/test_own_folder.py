"""Serving your own folder: `make serve DOCS=folder` (QA_SEEDS_DIR) and the CLI on it.

Real processes, as a user runs them: every supported format is indexed, bad files
are named in the log and skipped, deletions made through the API survive a restart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from service.core.config import PROJECT_ROOT
from tests.support.files import ARTICLE_HTML, CORRUPT_PDF, pdf_bytes
from tests.support.server_process import ServerProcess


def mixed_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "ferry.txt").write_text(
        "date 2024-03-02\nFerry timetable\n\nThe Tallvik ferry leaves every 40 minutes.",
        encoding="utf-8",
    )
    (folder / "notes.md").write_text(
        "# Orchard notes\n\nThe Brennach orchard grows 14 apple varieties.", encoding="utf-8"
    )
    (folder / "bridge.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (folder / "dam.pdf").write_bytes(
        pdf_bytes(["The Orsa dam produces about 80 megawatts of electricity."], title="Orsa dam")
    )
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "corrupt.pdf").write_bytes(CORRUPT_PDF)
    (folder / "slides.odp").write_bytes(b"PK\x03\x04")
    return folder


def ask(url: str, question: str) -> dict[str, object]:
    response = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=60)
    answer: dict[str, object] = response.json()
    return answer


@pytest.mark.slow
def test_serving_a_folder_skips_bad_files_and_keeps_deletions(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "docs")
    data, log = tmp_path / "data", tmp_path / "server.log"
    env = {"QA_SEEDS_DIR": str(folder), "QA_LOG_LEVEL": "INFO", "QA_LOG_JSON": "false"}
    server = ServerProcess(data, log, **env).start()
    try:
        ids = {d["doc_id"] for d in httpx.get(f"{server.url}/v1/documents").json()["documents"]}
        assert ids == {"ferry.txt", "notes.md", "bridge.html", "dam.pdf"}
        answers = {
            "How many megawatts does the Orsa dam produce?": ("dam.pdf", "80 megawatts"),
            "How often does the Tallvik ferry leave?": ("ferry.txt", "40 minutes"),
            "How many apple varieties does the Brennach orchard grow?": ("notes.md", "14"),
            "When did the old bridge reopen after repairs?": ("bridge.html", "Friday"),
        }
        for question, (doc_id, words) in answers.items():
            answer = ask(server.url, question)
            assert words in str(answer["answer"]), answer
            assert doc_id in str(answer["citations"])
        assert httpx.delete(f"{server.url}/v1/documents/notes.md", timeout=30).status_code == 204
    finally:
        server.stop()
    text = log.read_text()
    for name in ("empty.md", "corrupt.pdf", "slides.odp"):
        assert f"seeds: skipped {name}: " in text, text[-3000:]

    server = ServerProcess(data, log, **env).start()  # the next start
    try:
        ids = {d["doc_id"] for d in httpx.get(f"{server.url}/v1/documents").json()["documents"]}
        assert ids == {"ferry.txt", "bridge.html", "dam.pdf"}  # the deleted one stays deleted
    finally:
        server.stop()
    assert json.loads((data / "deleted-qa_chunks.json").read_text()).keys() == {"notes.md"}


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    env.update(QA_DATA_DIR=str(data))
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_cli_says_what_it_skipped_and_when_nothing_is_indexed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = run_cli(data, "ask", "How often does the ferry leave?")
    assert empty.returncode == 2 and "Nothing is indexed yet" in empty.stdout
    folder = mixed_folder(tmp_path / "docs")
    ingested = run_cli(data, "ingest", str(folder))
    assert ingested.returncode == 1  # something failed, and it says what
    assert "failed: " in ingested.stderr and "corrupt.pdf" in ingested.stderr
    assert "empty.md is empty" in ingested.stderr
    assert f"skipped: {folder / 'slides.odp'} (unsupported type" in ingested.stderr
    assert "EOF marker" not in ingested.stderr and "pypdf" not in ingested.stderr
    assert "4 created" in ingested.stdout
