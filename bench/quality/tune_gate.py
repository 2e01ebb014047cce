"""Choose the LLM mode's gates on the dev sets' tune parts.

python -m bench.quality.tune_gate [bench/results/latest/eval-llm.json]

Reads an LLM-mode evaluation run with both gates off (QA_LLM_MIN_PROBABILITY=0,
QA_LLM_MIN_SUPPORT=0, support check on), where every question's record holds the
extractive scorer's likelihood that its likeliest sentence answers and, for answers
that reached the support check, the model's probability that a cited passage states
the answer. Either gate refuses a question below its threshold, so their effect can
be computed from the records: the pair with the best mean of accuracy and rejection
over the sets' tune parts is chosen (among pairs with false rejection at most
MAX_FALSE_REJECTION on each set, when any pair meets that) and its figures are shown
for both parts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from service.core.config import PROJECT_ROOT

MAX_FALSE_REJECTION = 0.10
Gates = tuple[float, float]  # (likelihood, support)


def rates(records: list[dict[str, Any]], gates: Gates) -> dict[str, float]:
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    likelihood, support = gates

    def grounded(r: dict[str, Any]) -> bool:
        supported = r.get("support") is None or r["support"] >= support
        return bool(r["grounded"]) and r["likelihood"] >= likelihood and supported

    return {
        "accuracy": _share(r["correct"] and grounded(r) for r in answerable),
        "strict": _share(r["strict"] and grounded(r) for r in answerable),
        "rejection": _share(not grounded(r) for r in unanswerable),
        "false_rejection": _share(not grounded(r) for r in answerable),
    }


def choose(results: dict[str, Any]) -> tuple[Gates, bool]:
    """The best gates on the tune parts, and whether they meet the false-rejection bound."""
    tune = {name: _part(result, "tune") for name, result in results.items()}
    tune = {name: records for name, records in tune.items() if records}
    records = [r for rs in tune.values() for r in rs]
    likelihoods = [0.0, *sorted({r["likelihood"] for r in records})]
    supports = [0.0, *sorted({r["support"] for r in records if r.get("support") is not None})]
    scored = []
    for gates in ((g, s) for g in likelihoods for s in supports):
        measured = [rates(rs, gates) for rs in tune.values()]
        bounded = all(m["false_rejection"] <= MAX_FALSE_REJECTION for m in measured)
        value = sum((m["accuracy"] + m["rejection"]) / 2 for m in measured) / len(measured)
        scored.append((bounded, value, gates))
    bounded_any = any(b for b, _, _ in scored)
    candidates = [(v, g) for b, v, g in scored if b or not bounded_any]
    best_value = max(v for v, _ in candidates)
    # Among equally good pairs, the lowest gates (the least refused on unseen questions).
    best = min(g for v, g in candidates if v == best_value)
    return best, bounded_any


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = (
        Path(args[0]) if args else PROJECT_ROOT / "bench" / "results" / "latest" / "eval-llm.json"
    )
    results = json.loads(path.read_text(encoding="utf-8"))
    (likelihood, support), bounded = choose(results)
    print(
        f"QA_LLM_MIN_PROBABILITY={likelihood:.4f} QA_LLM_MIN_SUPPORT={support:.4f} "
        f"(chosen on the tune parts{'' if bounded else '; no pair met the false-rejection bound'})"
    )
    for gates, label in (((0.0, 0.0), "gates off"), ((likelihood, support), "chosen")):
        for name, result in results.items():
            for part in ("tune", "report"):
                records = _part(result, part)
                if records:
                    shown = ", ".join(f"{k} {v:.3f}" for k, v in rates(records, gates).items())
                    print(f"  {label:9} {name} {part}: {shown}")
    return 0


def _part(result: dict[str, Any], part: str) -> list[dict[str, Any]]:
    return [r for r in result["questions"] if r["part"] == part]


def _share(flags: Any) -> float:
    items = [bool(f) for f in flags]
    return sum(items) / len(items) if items else 0.0


if __name__ == "__main__":
    sys.exit(main())
