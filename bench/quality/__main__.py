"""`python -m bench.quality`: measure answer quality on the dev sets, print the tables.

python -m bench.quality [--dataset rgb|rtqa|seeds|written|all] [--mode extractive|llm|auto]
                        [--part tune|report|all] [--limit N] [--out DIR]

The dev sets live outside the repository (../shared/eval by default, or
QA_EVAL_DIR); results go to bench/results/latest/ (untracked) unless --out says
otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from bench.quality.data import (
    EvalQuestion,
    EvalSet,
    load_rgb,
    load_rtqa,
    load_seed_qa,
    load_written,
)
from bench.quality.report import markdown, write_results
from bench.quality.run import data_dir_for, prepare, run_set
from service.core.config import PROJECT_ROOT, Settings

DEFAULT_EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument(
        "--dataset", choices=["rgb", "rtqa", "seeds", "written", "all"], default="all"
    )
    parser.add_argument("--mode", choices=["extractive", "llm", "auto"], default="extractive")
    parser.add_argument("--part", choices=["tune", "report", "all"], default="all")
    parser.add_argument("--limit", type=int, default=None, help="ask only the first N per set")
    parser.add_argument(
        "--per-part", type=int, default=None, help="ask N evenly spaced questions of each part"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results" / "latest")
    parser.add_argument(
        "--eval-dir", type=Path, default=Path(os.environ.get("QA_EVAL_DIR", DEFAULT_EVAL_DIR))
    )
    parser.add_argument(
        "--data-dir", type=Path, default=PROJECT_ROOT / ".cache" / "eval", help="indexes kept here"
    )
    parser.add_argument(
        "--with-text",
        action="store_true",
        help="keep question, gold and answer texts of every set in the records "
        "(local analysis only: the dev sets' text is not published)",
    )
    args = parser.parse_args(argv)
    settings = Settings()
    if args.mode == "extractive":
        settings = settings.model_copy(update={"llm": "none"})
    results = {}
    for eval_set in load_sets(args.dataset, args.eval_dir, settings):
        eval_set = eval_set.part(args.part)
        if args.limit:
            eval_set.questions = eval_set.questions[: args.limit]
        if args.per_part:
            eval_set.questions = spread(eval_set.questions, args.per_part)
        local = settings.model_copy(
            update={
                "data_dir": data_dir_for(args.data_dir, eval_set),
                "seed_on_start": False,
                "chroma_url": None,
            }
        )
        started = time.perf_counter()
        components = prepare(eval_set, local, None)
        print(f"{eval_set.name}: index ready in {time.perf_counter() - started:.1f} s", flush=True)
        try:
            results[eval_set.name] = run_set(
                eval_set, components, args.mode, _progress, with_text=args.with_text
            )
        finally:
            components.close()
        print(file=sys.stderr)
    table = write_results(results, args.out, args.mode)
    print(markdown(results, args.mode))
    print(f"written: {table} and {table.with_suffix('.json')}")
    return 0


def load_sets(dataset: str, eval_dir: Path, settings: Settings) -> list[EvalSet]:
    sets = []
    if dataset in ("seeds", "all"):
        sets.append(load_seed_qa(PROJECT_ROOT / "bench" / "seed_qa.jsonl", settings.seeds_dir))
    if dataset in ("written", "all"):
        sets.append(load_written(PROJECT_ROOT / "bench" / "written"))
    if dataset in ("rgb", "all"):
        sets.append(load_rgb(eval_dir / "rgb_dev.jsonl"))
    if dataset in ("rtqa", "all"):
        sets.append(load_rtqa(eval_dir / "rtqa_dev"))
    return sets


def spread(questions: list[EvalQuestion], per_part: int) -> list[EvalQuestion]:
    """`per_part` questions of each part, drawn with a fixed seed (the same sample each run)."""
    kept: list[EvalQuestion] = []
    for part in ("tune", "report"):
        items = [q for q in questions if q.part == part]
        chosen = sorted(random.Random(0).sample(range(len(items)), min(per_part, len(items))))
        kept += [items[i] for i in chosen]
    return kept


def _progress(message: str) -> None:
    print(f"\r{message}", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
