"""Benchmark data: RGB questions and the seed QA set, turned into a corpus and questions.

RGB (`rgb_dev.jsonl`): every positive and negative passage of every question
becomes its own document (identical texts once). Each question is asked twice:
against the whole corpus (answerable) and against the corpus without any
passage that holds its gold answer (unanswerable: its positives and any other
passage containing the answer by RGB's own test or in another form, see
service.eval_variants).

Seed QA (`bench/seed_qa.jsonl`): questions over `seeds/`; `answer` is a list of
required items (each a string or a list of alternatives), or null when the
documents do not hold the answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from service.documents import Document, build_document, find_files, load_file
from service.eval_metrics import Gold, rgb_contains
from service.eval_variants import states_answer

# RGB snippets often open with their search-result date: "Sep 11, 2021 ... text".
_LEADING_DATE = re.compile(r"\A\s*([A-Z][a-z]{2}) (\d{1,2}), (\d{4})\b")


@dataclass(frozen=True)
class EvalQuestion:
    qid: str
    query: str
    gold: Gold | None  # None: the documents do not hold the answer
    positives: frozenset[str] = frozenset()  # doc ids of passages that answer it
    exclude: frozenset[str] = frozenset()  # doc ids hidden from this question

    @property
    def answerable(self) -> bool:
        return self.gold is not None


@dataclass
class EvalSet:
    name: str
    documents: list[Document]
    questions: list[EvalQuestion] = field(default_factory=list)
    # Whether results may quote its texts (RGB's may not: its data stays outside the repo).
    shareable: bool = True


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
        questions.append(EvalQuestion(qid, row["query"], gold, positives))
        questions.append(
            EvalQuestion(f"{qid}-unanswerable", row["query"], None, exclude=positives | holding)
        )
    return EvalSet("rgb", documents, questions, shareable=False)


def load_seed_qa(path: Path, seeds_dir: Path) -> EvalSet:
    documents = [load_file(p, seeds_dir) for p in find_files(seeds_dir)]
    questions: list[EvalQuestion] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row: dict[str, Any] = json.loads(line)
        positives = frozenset(row.get("doc_ids") or [d.doc_id for d in documents])
        gold = row.get("answer")
        questions.append(
            EvalQuestion(
                str(row.get("id", n)),
                row["query"],
                gold,
                positives if gold is not None else frozenset(),
            )
        )
    return EvalSet("seeds", documents, questions)


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
