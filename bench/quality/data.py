"""Evaluation data: the public dev sets (RGB, RealTimeQA) and the seed QA set, as corpora
and questions, each question in a fixed part: `tune` or `report`.

RGB (`rgb_dev.jsonl`): every positive and negative passage of every question
becomes its own document (identical texts once). Each question is asked twice:
against the whole corpus (answerable) and against the corpus without any
passage that holds its gold answer (unanswerable: its positives and any other
passage containing the answer by RGB's own test or in another form, see
bench.quality.variants). Odd ids tune, even ids report.

RealTimeQA (`rtqa_dev/`): news articles (ingested through the service's own
bulk path, `python -m service ingest corpus.jsonl`, as a user would) and quiz
questions, answerable or not (the articles naming an unanswerable question's
answer were left out of the corpus). A question is asked as of its quiz week:
articles dated after it are filtered out, as they did not exist yet. Odd ISO
weeks tune, even ones report.

Seed QA (`bench/seed_qa.jsonl`): questions over `seeds/`; `answer` is a list of
required items (each a string or a list of alternatives), or null when the
documents do not hold the answer. All of it is a report part (nothing is tuned
on it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from bench.quality.metrics import Gold, rgb_contains
from bench.quality.variants import states_answer
from service.core.documents import Document, build_document
from service.ingest.loaders import find_files
from service.ingest.loaders import load_document as load_file  # the one loader path

Part = Literal["tune", "report"]
# RGB snippets often open with their search-result date: "Sep 11, 2021 ... text".
_LEADING_DATE = re.compile(r"\A\s*([A-Z][a-z]{2}) (\d{1,2}), (\d{4})\b")


@dataclass(frozen=True)
class EvalQuestion:
    qid: str
    query: str
    gold: Gold | None  # None: the documents do not hold the answer
    part: Part = "report"
    positives: frozenset[str] = frozenset()  # doc ids of passages that answer it
    exclude: frozenset[str] = frozenset()  # doc ids hidden from this question
    until: str | None = None  # asked as of this date: later documents are hidden
    choices: tuple[str, ...] = ()  # the quiz's options (strict metric only; never shown)
    # how the gold is matched: "rgb" (substring), "rtqa" (whole words), "words" (any of its
    # alternatives as whole words)
    style: str = "rgb"

    @property
    def answerable(self) -> bool:
        return self.gold is not None


@dataclass
class EvalSet:
    name: str
    documents: list[Document] = field(default_factory=list)
    questions: list[EvalQuestion] = field(default_factory=list)
    # Whether results may quote its texts (the dev sets' may not: they stay outside the repo).
    shareable: bool = True
    # A JSONL corpus to ingest through the service's bulk path instead of `documents`.
    corpus_path: Path | None = None

    def part(self, name: str) -> EvalSet:
        """The same set with only the questions of one part ("all": every question)."""
        if name == "all":
            return self
        kept = [q for q in self.questions if q.part == name]
        return EvalSet(self.name, self.documents, kept, self.shareable, self.corpus_path)


def load_rgb(path: Path) -> EvalSet:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    ids: dict[str, str] = {}
    documents: list[Document] = []
    for row in rows:
        for text in [*row["positive"], *row["negative"]]:
            if text not in ids:
                ids[text] = f"rgb-{len(ids):04d}"
                documents.append(_passage_document(ids[text], text))
    questions: list[EvalQuestion] = []
    for row in rows:
        gold = row["answer"]
        positives = frozenset(ids[t] for t in row["positive"])
        holding = frozenset(
            doc_id
            for text, doc_id in ids.items()
            if rgb_contains(text, gold) or states_answer(text, gold)
        )
        qid = str(row["id"])
        part: Part = "tune" if int(row["id"]) % 2 else "report"
        questions.append(EvalQuestion(qid, row["query"], gold, part, positives))
        questions.append(
            EvalQuestion(
                f"{qid}-unanswerable", row["query"], None, part, exclude=positives | holding
            )
        )
    return EvalSet("rgb", documents, questions, shareable=False)


def load_rtqa(folder: Path) -> EvalSet:
    questions: list[EvalQuestion] = []
    for row in _jsonl_rows(folder / "questions.jsonl"):
        week = datetime.strptime(row["week"], "%Y%m%d").date()
        part: Part = "tune" if week.isocalendar().week % 2 else "report"
        questions.append(
            EvalQuestion(
                str(row["id"]),
                row["question"],
                row["gold"] if row["answerable"] else None,
                part,
                frozenset(row.get("supporting") or ()),
                until=week.isoformat(),
                choices=tuple(row.get("choices") or ()),
                style="rtqa",
            )
        )
    return EvalSet("rtqa", [], questions, shareable=False, corpus_path=folder / "corpus.jsonl")


def load_seed_qa(path: Path, seeds_dir: Path) -> EvalSet:
    documents = [load_file(p, seeds_dir) for p in find_files(seeds_dir)]
    questions: list[EvalQuestion] = []
    for n, row in enumerate(_jsonl_rows(path)):
        positives = frozenset(row.get("doc_ids") or [d.doc_id for d in documents])
        gold = row.get("answer")
        questions.append(
            EvalQuestion(
                str(row.get("id", n)),
                row["query"],
                gold,
                "report",
                positives if gold is not None else frozenset(),
            )
        )
    return EvalSet("seeds", documents, questions)


def load_written(folder: Path) -> EvalSet:
    """News files written for testing (invented people, places and figures) by someone who
    never saw the code, with questions written before any run: facts asked in other words
    than the file's, the latest of two reports' figures, answers that take two sentences or
    a sum, and near misses the files do not answer. Never tuned on: every question is in the
    report part. An answer is right when it holds one of the alternatives as whole words."""
    documents = [load_file(p, folder / "docs") for p in find_files(folder / "docs")]
    questions: list[EvalQuestion] = []
    for row in _jsonl_rows(folder / "questions.jsonl"):
        gold = row.get("answer")
        positives = frozenset(row.get("doc_ids") or ())
        questions.append(
            EvalQuestion(row["id"], row["query"], gold, "report", positives, style="words")
        )
    return EvalSet("written", documents, questions)


def _jsonl_rows(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSONL file, blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _passage_document(doc_id: str, text: str) -> Document:
    return build_document(
        text, doc_id=doc_id, title=doc_id, date=_leading_date(text), source="rgb_dev.jsonl"
    )


def _leading_date(text: str) -> str | None:
    match = _LEADING_DATE.match(text)
    if not match:
        return None
    try:
        return datetime.strptime(" ".join(match.groups()), "%b %d %Y").date().isoformat()
    except ValueError:
        return None
