"""Serve the real app over HTTP for benchmarks, optionally with the synthetic vector source.

python -m bench.serve --data DIR --port N [--synthetic]
"""

from __future__ import annotations

import argparse

import uvicorn

from bench.synthetic import SyntheticEmbedder
from service.app import create_app
from service.components import build_embedder
from service.core.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data, seed_on_start=False, port=args.port)
    embedder = build_embedder(settings)
    if args.synthetic:
        embedder = SyntheticEmbedder(embedder)
    uvicorn.run(create_app(settings, embedder), host="127.0.0.1", port=args.port, log_level="error")


if __name__ == "__main__":
    main()
