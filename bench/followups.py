"""Follow-up detection without an LLM, on invented conversation pairs (bench/followups.jsonl).

Each pair is a previous question and answer, then a question that either leans
on them (`follow_up: true`) or changes the topic. It reports how many of each
the heuristic in service/answering/followup.py gets right: follow-ups rewritten with the
conversation's words, topic changes searched as asked.

    .venv/bin/python -m bench.followups
"""

from __future__ import annotations

import json
from pathlib import Path

from service.answering.followup import carry_over

PAIRS = Path(__file__).with_name("followups.jsonl")


def main() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for pair in pairs:
        history = [
            {"role": "user", "content": pair["previous"]},
            {"role": "assistant", "content": pair["answer"]},
        ]
        rewritten = carry_over(pair["question"], history) != pair["question"]
        total[pair["follow_up"]] += 1
        if rewritten == pair["follow_up"]:
            right[pair["follow_up"]] += 1
        else:
            kind = "follow-up searched as asked" if pair["follow_up"] else "topic change rewritten"
            print(f"miss ({kind}): {pair['question']}")
    print(f"follow-ups rewritten: {right[True]}/{total[True]}")
    print(f"topic changes searched as asked: {right[False]}/{total[False]}")
    print(f"all: {right[True] + right[False]}/{len(pairs)}")


if __name__ == "__main__":
    main()
