"""Start-up seeding: every supported file of the seeds folder (QA_SEEDS_DIR) indexed at start.

`make serve DOCS=path/to/folder` sets that folder. The files go through the same
loaders as the CLI and uploads (service/ingest/loaders.py: .txt .md .html .pdf .docx
.xlsx .pptx .eml .csv .jsonl); unchanged files are skipped by content hash as everywhere else.

- A file that cannot be loaded (empty, a corrupt PDF, not UTF-8) or of another
  type is named in the log with the reason, and skipped: start-up goes on.
- Deletions stick. DELETE /v1/documents/{id} records the id and the content hash
  of what was deleted in `<data dir>/deleted-<collection>.json`; seeding skips a
  file whose document has that id and that content. A file changed since is
  seeded again, and leaves the list. Nothing else reads the list: uploading or
  ingesting the id again works as always.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from service.core.documents import Document
from service.core.errors import ServiceError
from service.ingest.library import Library
from service.ingest.loaders import SUFFIXES, LoadFailure, find_files, load_path

log = logging.getLogger("service.ingest.seeding")


class DeletedDocuments:
    """Documents deleted through the API, by id and content hash, kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def add(self, doc_id: str, content_hash: str) -> None:
        with self._lock:
            deleted = self._read()
            deleted[doc_id] = content_hash
            self._write(deleted)

    def forget(self, doc_ids: list[str]) -> None:
        with self._lock:
            deleted = self._read()
            if any(doc_id in deleted for doc_id in doc_ids):
                self._write({k: v for k, v in deleted.items() if k not in doc_ids})

    def was_deleted(self, document: Document) -> bool:
        return self._read().get(document.doc_id) == document.content_hash

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("cannot read %s (%s): no deletions remembered", self._path, exc)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, deleted: dict[str, str]) -> None:
        """Written whole to a temporary file and renamed: a crash leaves the old list or
        the new one, never half of one."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(deleted, out, indent=0, sort_keys=True)
        os.replace(temporary, self._path)


@dataclass
class SeedReport:
    documents: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: why", for the log
    kept_deleted: list[str] = field(default_factory=list)


def unsupported_files(folder: Path) -> list[Path]:
    """Files below `folder` that no loader reads (hidden files aside)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() not in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def read_seeds(folder: Path, deleted: DeletedDocuments) -> SeedReport:
    """The documents to seed from `folder`, and what was skipped and why."""
    report = SeedReport()
    for path in unsupported_files(folder):
        report.skipped.append(f"{path.relative_to(folder)}: unsupported type")
    for path in find_files(folder):
        try:
            loaded = list(load_path(path, folder))
        except ServiceError as error:
            report.skipped.append(f"{path.relative_to(folder)}: {error.message}")
            continue
        except OSError as error:
            report.skipped.append(f"{path.relative_to(folder)}: cannot read ({error.strerror})")
            continue
        for item in loaded:
            if isinstance(item, LoadFailure):
                report.skipped.append(item.message)
            elif deleted.was_deleted(item):
                report.kept_deleted.append(item.doc_id)
            else:
                report.documents.append(item)
    return report


def seed(library: Library, folder: Path, deleted: DeletedDocuments) -> None:
    """Index the seeds folder, logging what was skipped; never raises for a bad file."""
    report = read_seeds(folder, deleted)
    for problem in report.skipped:
        log.warning("seeds: skipped %s", problem)
    if report.kept_deleted:
        log.info(
            "seeds: not re-seeded, deleted through the API: %s", ", ".join(report.kept_deleted)
        )
    results = library.ingest_many(report.documents)
    deleted.forget([r.doc_id for r in results])
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    log.info(
        "seeds from %s: %s; %d skipped; embedded %d chunks",
        folder,
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no documents",
        len(report.skipped),
        library.embedded_chunks,
    )
