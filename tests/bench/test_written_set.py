"""The written news set (bench/written/): what its questions say of its files holds."""

from __future__ import annotations

from pathlib import Path

from bench.quality.data import load_written
from bench.quality.metrics import gold_in

WRITTEN = Path(__file__).resolve().parents[2] / "bench" / "written"


def test_every_file_is_dated_and_every_answerable_question_names_one_of_them() -> None:
    written = load_written(WRITTEN)
    files = {d.doc_id: d for d in written.documents}
    assert len(files) == 9 and all(d.date for d in files.values())  # bylines, datelines, meta
    answerable = [q for q in written.questions if q.answerable]
    assert len(answerable) == 60 and len(written.questions) == 75
    assert all(q.part == "report" and q.positives <= files.keys() for q in written.questions)
    assert all(q.positives for q in answerable)


def test_alternatives_match_as_whole_words() -> None:
    assert gold_in("It has 20 aircraft.", ["20", "twenty"], "words")
    assert gold_in("Twenty aircraft fly.", ["20", "twenty"], "words")
    assert not gold_in("It began in 2026.", ["20", "twenty"], "words")
