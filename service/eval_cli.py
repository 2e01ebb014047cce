"""`python -m service eval`: run the benchmark, print the table, write bench/results/."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from service.config import PROJECT_ROOT, Settings


def add_eval_parser(commands: Any) -> None:
    parser = commands.add_parser("eval", help="measure answer quality (RGB dev set, seed QA set)")
    parser.add_argument("--dataset", choices=["rgb", "seeds", "all"], default="all")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    parser.add_argument("--mode", choices=["extractive", "llm", "auto"], default="extractive")
    parser.add_argument("--rgb", type=Path, default=None, help="path to rgb_dev.jsonl")


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    from service.components import build_embedder
    from service.eval_data import load_rgb, load_seed_qa
    from service.evaluation import markdown, run_set, write_results

    sets = []
    if args.dataset in ("seeds", "all"):
        sets.append(load_seed_qa(settings.eval_seed_qa_path, settings.seeds_dir))
    if args.dataset in ("rgb", "all"):
        sets.append(load_rgb(args.rgb or settings.eval_rgb_path))
    embedder = build_embedder(settings)
    results = {s.name: run_set(s, settings, args.mode, embedder) for s in sets}
    table = write_results(results, args.out, args.mode)
    print(markdown(results, args.mode))
    print(f"written: {table} and {table.with_suffix('.json')}")
    return 0
