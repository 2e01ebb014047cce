"""Keeping a process's lexical index in step with a Chroma server other processes write to.

Each service process holds its own BM25 index. When several share one Chroma
server, a document another process commits becomes visible here at the next
refresh: a background thread refreshes every `interval_s` seconds (so within
interval_s plus one refresh's duration), and POST /v1/index/refresh does it at once.
"""

from __future__ import annotations

import logging
import threading
import time

from service.library import Library, RefreshResult

log = logging.getLogger(__name__)


class IndexRefresher:
    def __init__(self, library: Library, interval_s: float) -> None:
        self._library = library
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_refresh: float | None = None  # time.time() of the last completed refresh

    def refresh_now(self) -> RefreshResult:
        result = self._library.refresh()
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
        while not self._stop.wait(self._interval_s):
            try:
                self.refresh_now()
            except Exception:  # the server may be briefly away; try again next period
                log.warning("lexical index refresh failed", exc_info=True)
