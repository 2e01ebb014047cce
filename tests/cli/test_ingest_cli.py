"""The bulk CLI over a mixed folder: progress, per-file failures, summary, unchanged skipped."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from service.cli.ingest import ingest_paths
from service.cli.main import ask_question
from service.core.config import Settings
from tests.support.files import ARTICLE_HTML, pdf_bytes


def test_cli_ingests_every_format_in_batches_and_skips_unchanged(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    folder = tmp_path / "archive"
    (folder / "sub").mkdir(parents=True)
    (folder / "bridge.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (folder / "report.pdf").write_bytes(pdf_bytes(["Page one text.", "Page two text."]))
    (folder / "sub" / "note.md").write_text("# Note\n\nThe ferry runs hourly.", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00")
    (folder / "skip.odp").write_bytes(b"PK")
    lines = [{"id": "j1", "text": "First line."}, {"id": "j2", "date": "2024-99-01", "text": "x"}]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    settings = make_settings(seed_on_start=False, ingest_batch_size=2)

    def run() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = ingest_paths(settings, [folder, tmp_path / "missing"], out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    code, out, err = run()
    assert code == 1  # failures are reported, the rest goes in
    for doc_id in ("bridge.html", "report.pdf", "sub-note-47f65572.md", "j1"):
        assert f"created   {doc_id} " in out, out
    assert "broken.txt is not UTF-8" in err and "feed.jsonl line 2: invalid date" in err
    assert "no such file or folder" in err
    assert f"skipped: {folder / 'skip.odp'} (unsupported type; reads .csv .docx .eml .htm" in err
    assert "odp" not in out
    assert "[########################] 5/5 files  6 docs  " in err  # the bar's last draw
    summary = "6 documents: {} created, 0 updated, {} unchanged, 2 failed; 1 paths not found; "
    assert summary.format(4, 0) + "embedded 5 chunks" in out

    code, out, err = run()
    assert summary.format(0, 4) + "embedded 0 chunks" in out
    assert "unchanged report.pdf (2 chunks)" in out


def test_an_answer_from_a_pdf_names_the_page_of_its_source(
    tmp_path: Path, make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf_bytes(["The report opens.", "The crane arrived in March."], "Harbour"))
    settings = make_settings(seed_on_start=False, llm="none")
    assert ingest_paths(settings, [report], out=io.StringIO(), err=io.StringIO()) == 0
    assert ask_question(settings, "When did the crane arrive?", None, "extractive", False) == 0
    said = capsys.readouterr().out
    assert "The crane arrived in March. [1]" in said and ", p. 2) report.pdf" in said, said
