"""Choose the LLM mode's answer gate (QA_LLM_MIN_PROBABILITY) on the dev sets' tune parts.

python -m bench.quality.tune_gate [bench/results/latest/eval-llm.json]

Reads an LLM-mode evaluation run with the gate off (QA_LLM_MIN_PROBABILITY=0),
where every question's record holds the extractive scorer's likelihood that
its likeliest sentence answers. A gate at t refuses every question below t
before the model is asked, so its effect can be computed from the records: the
threshold with the best mean of accuracy and rejection over the sets' tune
parts, with false rejection at most MAX_FALSE_REJECTION on each, is chosen and
its figures shown for both parts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from service.core.config import PROJECT_ROOT

MAX_FALSE_REJECTION = 0.10


def rates(records: list[dict[str, Any]], gate: float) -> dict[str, float]:
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]

    def grounded(r: dict[str, Any]) -> bool:
        return bool(r["grounded"]) and r["likelihood"] >= gate

    return {
        "accuracy": _share(r["correct"] and grounded(r) for r in answerable),
        "strict": _share(r["strict"] and grounded(r) for r in answerable),
        "rejection": _share(not grounded(r) for r in unanswerable),
        "false_rejection": _share(not grounded(r) for r in answerable),
    }


def choose(results: dict[str, Any]) -> float:
    tune = {name: _part(result, "tune") for name, result in results.items()}
    tune = {name: records for name, records in tune.items() if records}
    gates = sorted({r["likelihood"] for records in tune.values() for r in records})
    best, best_value = 0.0, -1.0
    for gate in [0.0, *gates]:
        measured = [rates(records, gate) for records in tune.values()]
        if any(m["false_rejection"] > MAX_FALSE_REJECTION for m in measured):
            continue
        value = sum((m["accuracy"] + m["rejection"]) / 2 for m in measured) / len(measured)
        if value > best_value:
            best, best_value = gate, value
    return best


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = (
        Path(args[0]) if args else PROJECT_ROOT / "bench" / "results" / "latest" / "eval-llm.json"
    )
    results = json.loads(path.read_text(encoding="utf-8"))
    gate = choose(results)
    print(f"gate {gate:.4f} (chosen on the tune parts)")
    for name, result in results.items():
        for part in ("tune", "report"):
            records = _part(result, part)
            if records:
                shown = ", ".join(f"{k} {v:.3f}" for k, v in rates(records, gate).items())
                print(f"  {name} {part}: {shown}")
    return 0


def _part(result: dict[str, Any], part: str) -> list[dict[str, Any]]:
    return [r for r in result["questions"] if r["part"] == part]


def _share(flags: Any) -> float:
    items = [bool(f) for f in flags]
    return sum(items) / len(items) if items else 0.0


if __name__ == "__main__":
    sys.exit(main())
