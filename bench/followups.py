"""Follow-up rewriting on invented conversation pairs (bench/followups.jsonl).

Each pair is a previous question and answer, then a question that either leans
on them (`follow_up: true`) or changes the topic. Without `--llm` it reports how
many of each the heuristic in service/answering/followup.py gets right:
follow-ups rewritten with the conversation's words, topic changes searched as
asked. With `--llm` the same for the local model's rewrite (prompts/
condense_question.md, one llama.cpp server, QA_LOCAL_MODEL): a follow-up counts
when its rewrite carries a content word of the conversation that the question
lacked, a topic change when it comes back unchanged (but for letter case); it
also prints each rewrite and its time.

    .venv/bin/python -m bench.followups [--llm]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from service.answering.followup import FollowUpRewriter, carry_over
from service.answering.prompts import Prompts
from service.core.config import Settings
from service.core.ports import Message
from service.core.text import content_words
from service.llm.setup import build_chat_model

PAIRS = Path(__file__).with_name("followups.jsonl")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", action="store_true", help="the local model's rewrite")
    args = parser.parse_args(argv)
    pairs = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    if not args.llm:
        score(pairs, lambda question, history: carry_over(question, history))
        return
    with tempfile.TemporaryDirectory(prefix="qa-followups-") as folder:
        settings = Settings(data_dir=Path(folder), llm="local", local_side_server=False)
        chat = build_chat_model(settings)
        assert chat.model is not None and chat.local_server is not None
        rewriter = FollowUpRewriter(Prompts(settings.prompts_dir), chat.model)
        seconds: list[float] = []

        def rewrite(question: str, history: list[Message]) -> str:
            started = time.perf_counter()
            text = rewriter.rewrite(question, history, use_llm=True).text
            seconds.append(time.perf_counter() - started)
            print(f"  {seconds[-1]:.1f} s  {question} -> {text}")
            return text

        try:
            score(pairs, rewrite)
        finally:
            chat.local_server.stop()
        print(f"seconds a rewrite, median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")


def score(pairs: list[dict[str, object]], rewrite: Callable[[str, list[Message]], str]) -> None:
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for pair in pairs:
        question, follow_up = str(pair["question"]), bool(pair["follow_up"])
        history: list[Message] = [
            {"role": "user", "content": str(pair["previous"])},
            {"role": "assistant", "content": str(pair["answer"])},
        ]
        rewritten = rewrite(question, history)
        said = set(content_words(f"{pair['previous']} {pair['answer']}"))
        carried = (set(content_words(rewritten)) & said) - set(content_words(question))
        changed = rewritten.strip().lower() != question.strip().lower()
        leaned = bool(carried) if follow_up else changed
        total[follow_up] += 1
        if leaned == follow_up:
            right[follow_up] += 1
        else:
            kind = "follow-up searched as asked" if follow_up else "topic change rewritten"
            print(f"miss ({kind}): {question} -> {rewritten}")
    print(f"follow-ups rewritten: {right[True]}/{total[True]}")
    print(f"topic changes searched as asked: {right[False]}/{total[False]}")
    print(f"all: {right[True] + right[False]}/{len(pairs)}")


if __name__ == "__main__":
    main()
