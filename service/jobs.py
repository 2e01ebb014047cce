"""Background ingestion jobs: a large upload is ingested off the request that brought it.

One worker thread runs the jobs in order (ingestion is bound by the embedder,
so running two at once would only make both slower). Jobs live in memory, in
the process that accepted them: the last `keep` stay visible.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from service.bulk import BulkStats, ingest_stream
from service.errors import Busy, JobNotFound
from service.library import Library
from service.loaders import Loaded

log = logging.getLogger(__name__)

Stage = Literal["queued", "ingesting", "done", "failed", "cancelled"]


@dataclass
class Job:
    job_id: str
    total: int  # documents
    stage: Stage = "queued"
    stats: BulkStats = field(default_factory=BulkStats)


class JobRunner:
    def __init__(
        self, library: Library, batch_size: int, keep: int = 100, max_active: int = 4
    ) -> None:
        self._library = library
        self._max_active = max_active
        self._batch_size = batch_size
        self._keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, items: Sequence[Loaded]) -> Job:
        job = Job(job_id=uuid.uuid4().hex[:16], total=len(items))
        with self._lock:
            active = sum(1 for j in self._jobs.values() if j.stage in ("queued", "ingesting"))
            if active >= self._max_active:  # each waiting job holds its documents in memory
                raise Busy(f"{active} ingest jobs are waiting or running; retry later")
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="ingest-job")
            self._executor.submit(self._run, job, list(items))
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFound(f"no job with id {job_id!r} (jobs are kept in memory by one process)")
        return job

    def close(self) -> None:
        """Stop: the running job ends after its current batch, queued ones are cancelled."""
        self._closing.set()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                if job.stage == "queued":
                    job.stage = "cancelled"

    def _run(self, job: Job, items: list[Loaded]) -> None:
        job.stage = "ingesting"
        job.stats = BulkStats()
        try:
            ingest_stream(
                self._library,
                items,
                self._batch_size,
                stats=job.stats,
                should_stop=self._closing.is_set,
            )
        except Exception:  # a job must end with a stage, whatever broke
            log.exception("ingest job %s failed", job.job_id)
            job.stats.fail("internal error; see the service log")
            job.stats.finished = time.monotonic()
            job.stage = "failed"
            return
        job.stage = "cancelled" if job.stats.documents < job.total else "done"
