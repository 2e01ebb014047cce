"""`python -m service ingest PATH...`: walk folders, ingest in batches, show progress.

stdout gets one line per document (unless --quiet) and the summary; stderr gets
the progress bar and one line per failure. Exit status 1 when anything failed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from service.cli.progress import ProgressBar
from service.core.config import Settings
from service.core.errors import ServiceError
from service.ingest.bulk import BulkStats, ingest_stream
from service.ingest.library import IngestResult, Library
from service.ingest.loaders import SUFFIXES, Loaded, LoadFailure, find_files, load_path
from service.ingest.seeding import unsupported_files

SUPPORTED = "reads " + " ".join(sorted(SUFFIXES))


def ingest_paths(
    settings: Settings,
    paths: list[Path],
    *,
    quiet: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    from service.components import build_components  # loads the embedder: not at import

    # A broken PDF is reported on its own "failed:" line; pypdf's logged warnings about
    # it ("EOF marker not found") would only repeat that on stderr.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    files, missing = _walk(paths)
    for problem in missing:
        print(f"failed: {problem}", file=err)
    for path in paths:
        for other in unsupported_files(path) if path.is_dir() else ():
            print(f"skipped: {other} (unsupported type; {SUPPORTED})", file=err)
    # Ingestion needs no chat model: never start a local one for it.
    components = build_components(settings.model_copy(update={"llm": "none"}))
    try:
        failed = _ingest(components.library, files, len(missing), settings, quiet, out, err)
        return 1 if failed or missing else 0
    finally:
        components.close()  # also saves the lexical index for the next start


def _ingest(
    library: Library,
    files: list[tuple[Path, Path]],
    missing: int,
    settings: Settings,
    quiet: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    """Ingest the files, print per-document lines and the summary; how many failed."""
    stats = BulkStats()
    bar = ProgressBar(err, len(files), stats)

    def report(result: IngestResult) -> None:
        if not quiet:
            bar.print_above(f"{result.status:9} {result.doc_id} ({result.chunks} chunks)", out)

    def report_failure(message: str) -> None:
        bar.print_above(f"failed: {message}", err)

    ingest_stream(
        library,
        _load(files, bar),
        settings.ingest_batch_size,
        stats=stats,
        on_result=report,
        on_failure=report_failure,
    )
    bar.finish()
    print(summary(stats, library.embedded_chunks, missing), file=out)
    return stats.failed


def summary(stats: BulkStats, embedded: int, missing: int) -> str:
    not_found = f"{missing} paths not found; " if missing else ""
    return (
        f"{stats.documents} documents: {stats.created} created, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.failed} failed; {not_found}"
        f"embedded {embedded} chunks in {stats.elapsed_s:.1f}s ({stats.chunks_per_s:.1f} chunks/s)"
    )


def _walk(paths: list[Path]) -> tuple[list[tuple[Path, Path]], list[str]]:
    """Every (file, root it is named relative to), and the paths that do not exist."""
    files: list[tuple[Path, Path]] = []
    missing: list[str] = []
    for path in paths:
        try:
            found = find_files(path)
        except ServiceError as error:
            missing.append(error.message)
            continue
        root = path if path.is_dir() else path.parent
        files.extend((file, root) for file in found)
    return files, missing


def _load(files: list[tuple[Path, Path]], bar: ProgressBar) -> Iterator[Loaded]:
    for path, root in files:
        try:
            yield from load_path(path, root)
        except ServiceError as error:
            yield LoadFailure(str(path), error)
        except OSError as error:
            yield LoadFailure(str(path), ServiceError(f"cannot read: {error.strerror}"))
        bar.advance_file()
