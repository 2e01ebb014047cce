"""Bounded parsing of uploaded files: few at a time, each with a deadline.

Parsing a file (HTML, PDF) is CPU work whose cost a hostile file can blow up.
So it runs on its own small pool of threads, not the server's shared one (which
also serves /healthz and every other request), a full pool and queue answer 503
with Retry-After at once, and every parse carries a Deadline that the parsers
check as they go: when the time is up, or the client has gone, they stop.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from service.core.errors import Busy, TooComplex

T = TypeVar("T")


class Deadline:
    """When a piece of work must stop: a time limit, or a cancel (the client left)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self, what: str) -> None:
        """Raise TooComplex when the time is up or the work was cancelled."""
        if self._cancelled.is_set():
            raise TooComplex(f"{what}: stopped, the request was abandoned")
        if time.monotonic() > self._ends:
            raise TooComplex(f"{what} takes more than {self.seconds:g} s to read")


NO_DEADLINE = Deadline(float("inf"))


class ParsingPool:
    def __init__(self, workers: int, queue: int, time_limit_s: float) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="parse")
        self._slots = threading.BoundedSemaphore(workers + queue)
        self.time_limit_s = time_limit_s

    async def run(self, work: Callable[[Deadline], T]) -> T:
        """Run `work(deadline)` on the pool; 503 Busy at once when pool and queue are full."""
        if not self._slots.acquire(blocking=False):
            raise Busy("too many files are being read; retry shortly")
        deadline = Deadline(self.time_limit_s)
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, work, deadline)
        except RuntimeError:  # the pool is shut down
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())  # when the thread is free
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:  # the client went away: stop the parse too
            deadline.cancel()
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
