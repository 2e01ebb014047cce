"""Background jobs on disk: what was accepted is written down before the 202 that accepts it.

Each job is a folder under <data_dir>/jobs/<job_id>: `documents.jsonl` (its
documents, written and fsynced before the job is acknowledged) and
`status.json` (its stage and counts, rewritten after every batch, atomically).
After a restart, SIGTERM or kill -9, jobs that had not finished are found here
and run again: ingesting is idempotent (a document already stored is
`unchanged` and costs nothing), so running a job again finishes it.
Finished jobs keep their status (the last `keep`) and drop their documents.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service.core.documents import Document, PageSpan

STATUS = "status.json"
DOCUMENTS = "documents.jsonl"


class JobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def create(self, job_id: str, documents: Sequence[Document], status: dict[str, Any]) -> None:
        """Write a new job durably: documents first, then its status (the commit point)."""
        path = self.folder / job_id
        path.mkdir()
        with open(path / DOCUMENTS, "w", encoding="utf-8") as out:
            for document in documents:
                out.write(json.dumps(asdict(document), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        self.save_status(job_id, status)

    def save_status(self, job_id: str, status: dict[str, Any]) -> None:
        path = self.folder / job_id
        temporary = path / (STATUS + ".tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(status, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path / STATUS)
        _fsync_folder(path)

    def documents(self, job_id: str) -> Iterator[Document]:
        with open(self.folder / job_id / DOCUMENTS, encoding="utf-8") as lines:
            for line in lines:
                fields = json.loads(line)
                fields["pages"] = tuple(PageSpan(*page.values()) for page in fields["pages"])
                yield Document(**fields)

    def finished(self, job_id: str) -> None:
        """The documents of a finished job are no longer needed; its status stays."""
        (self.folder / job_id / DOCUMENTS).unlink(missing_ok=True)

    def statuses(self) -> list[tuple[str, dict[str, Any]]]:
        """Every job with a committed status, oldest first; half-written ones are removed."""
        found: list[tuple[float, str, dict[str, Any]]] = []
        for path in self.folder.iterdir():
            status_file = path / STATUS
            if not status_file.is_file():  # killed before its commit point: never acknowledged
                shutil.rmtree(path, ignore_errors=True)
                continue
            status = json.loads(status_file.read_text(encoding="utf-8"))
            found.append((float(status.get("accepted_at", 0)), path.name, status))
        return [(job_id, status) for _, job_id, status in sorted(found)]

    def remove(self, job_id: str) -> None:
        shutil.rmtree(self.folder / job_id, ignore_errors=True)


def _fsync_folder(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
