"""The evaluation's tables (markdown) and result files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOTES = """\
- Parts: RGB odd ids tune, even ids report; RealTimeQA odd ISO weeks tune, even ones report.
  Every threshold and weight of the service is chosen on the tune parts only.
- recall@5 / MRR@10: the fused retriever; RGB counts a passage of a positive document,
  RealTimeQA a passage holding the gold text.
- accuracy: the gold answer in the answer (RGB: every item as a substring; RealTimeQA: a whole
  word or phrase), at most 60 words, and grounded. strict: also no other quiz option in it.
- citation support: of the correct answers, the share citing a passage that holds the gold in
  its text / in its text or its document's title (shown with every citation) / in the quote,
  the sentence of the passage shown as the citation's support.
  quote support: citations whose quote is in its passage and holds at least half the content
  words of each answer sentence citing it.
- rejection: unanswerable questions answered `grounded: false`; false rejection: answerable ones.
- refused by: relevance (no passage close enough), likelihood (no sentence likely enough to
  answer), model (it said so, or cited nothing), claims (no citation passed the claim check),
  support (the model's support check said no), reading (no cited excerpt, read alone by the
  model, gave the same answer), question (the model gave no cited excerpt a probability of
  answering the question as high as QA_LLM_MIN_QUESTION).
- closest passage's quote: a refusal quotes the likeliest sentence of the few passages most
  likely to answer (`closest`, not an answer); counted where one of those holds the gold.
"""


def markdown(results: dict[str, dict[str, Any]], mode: str) -> str:
    lines = [
        f"# Answer quality ({mode} mode)",
        "",
        "| set | part | questions (ans/unans) | recall@5 | MRR@10 | accuracy | strict "
        "| citation support (text / with title / quote) | quote support | rejection "
        "| false rejection "
        "| degraded | median words | latency p50 / p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        for part, s in result["summary"].items():
            fused = s["retrieval"]["fused"]
            lines.append(
                f"| {name} | {part} | {s['answerable']}/{s['unanswerable']} "
                f"| {fused['recall@5']:.3f} | {fused['mrr@10']:.3f} | {s['accuracy']:.3f} "
                f"| {s['strict_accuracy']:.3f} | {_rate(s['citation_support'])} "
                f"/ {_rate(s.get('citation_support_titled'))} "
                f"/ {_rate(s.get('quote_holds_gold'))} "
                f"| {_rate(s['quote_support'])} | {s['rejection']:.3f} "
                f"| {s['false_rejection']:.3f} | {s['degraded']:.3f} "
                f"| {s['median_answer_words']} "
                f"| {s['latency_ms']['median']:.0f} / {s['latency_ms']['p95']:.0f} |"
            )
    lines += _by_part(
        results,
        "Retrieval alone (recall@5 / MRR@10 by retriever):",
        ["dense", "bm25", "fused"],
        lambda s: [f"{r['recall@5']:.3f} / {r['mrr@10']:.3f}" for r in s["retrieval"].values()],
    )
    lines += _by_part(
        results,
        "Where the answers went (grounded, or refused and by which gate):",
        [
            "answerable",
            "unanswerable",
            "answerable refused with the model's reply right",
            "answerable refused with the answer in a closest passage's quote",
        ],
        lambda s: [
            _counts(s.get("outcomes", {}).get(k, {}))
            for k in (
                "answerable",
                "unanswerable",
                "refused_right_reply",
                "refused_closest_gold",
            )
        ],
    )
    return "\n".join([*lines, "", NOTES])


def _by_part(
    results: dict[str, dict[str, Any]],
    title: str,
    columns: list[str],
    cells: Callable[[dict[str, Any]], list[str]],
) -> list[str]:
    """A titled table with one row per set and part, its cells from the part's summary."""
    lines = ["", title, "", "| set | part | " + " | ".join(columns) + " |"]
    lines.append("| --- " * (len(columns) + 2) + "|")
    for name, result in results.items():
        for part, summary in result["summary"].items():
            lines.append(f"| {name} | {part} | " + " | ".join(cells(summary)) + " |")
    return lines


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {n}" for label, n in counts.items()) or "-"


def write_results(results: dict[str, dict[str, Any]], out_dir: Path, mode: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"eval-{mode}.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    table = out_dir / f"eval-{mode}.md"
    table.write_text(markdown(results, mode), encoding="utf-8")
    return table


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
