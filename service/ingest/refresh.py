"""Keeping a process's lexical index in step with a Chroma server other processes write to.

Each service process holds its own BM25 index. When several share one Chroma
server, a document another process commits becomes visible here at the next
refresh: a background thread checks every `interval_s` seconds (so within
interval_s plus one refresh's duration), and POST /v1/index/refresh does it at once.
A check reads one change marker and lists the documents only when it moved;
every `full_every`-th check lists them anyway, in case a writer died between
its commit and the marker.
"""

from __future__ import annotations

import logging
import threading
import time

from service.ingest.library import Library, RefreshResult

log = logging.getLogger(__name__)


class IndexRefresher:
    def __init__(self, library: Library, interval_s: float, full_every: int = 12) -> None:
        self._library = library
        self._interval_s = interval_s
        self._full_every = full_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_refresh: float | None = None  # time.time() of the last completed refresh

    def refresh_now(self, *, full: bool = True) -> RefreshResult:
        result = self._library.refresh(full=full)
        self.last_refresh = time.time()
        if result.added or result.updated or result.removed:
            log.info("lexical index caught up: %s", result)
        return result

    def start(self) -> None:
        if self._interval_s <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="index-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        checks = 0
        while not self._stop.wait(self._interval_s):
            checks += 1
            try:
                self.refresh_now(full=checks % self._full_every == 0)
            except Exception:  # the server may be briefly away; try again next period
                log.warning("lexical index refresh failed", exc_info=True)
