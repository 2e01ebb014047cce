"""Bounded parsing of uploaded files: few at a time, each with a deadline, in other processes.

Parsing a file (HTML, PDF) is CPU work whose cost a hostile file can blow up.
So it runs in a few worker processes of lower priority (nice), never in the
server's process, where pure-Python parsing would hold the GIL against the
event loop that serves /healthz and every other request. A full pool and queue
answer 503 with Retry-After at once. Every parse carries a Deadline that the
parsers check as they go; a worker still busy shortly after its deadline, or
whose client has gone, is killed and replaced, so no hostile file is read past
its time.

The workers are started on first use with the spawn method: a fresh interpreter
that imports the loaders only (never the embedder or the store).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar, cast

from service.core.errors import Busy, TooComplex, UnreadableFile

T = TypeVar("T")
log = logging.getLogger(__name__)

WORKER_NICE = 10  # CPU weight about a tenth of the server's when both want a core
PRELOAD = ("service.ingest.loaders",)  # imported by each worker before its first file
STOP_GRACE_S = 1.0  # a worker still busy this long past the deadline is killed
START_TIMEOUT_S = 60.0  # a worker's interpreter and imports, on a loaded machine
_POLL_S = 0.1  # how often a waiting thread looks for a cancel or an overrun
_READY = "ready"


class Deadline:
    """When a piece of work must stop: a time limit, or a cancel (the client left)."""

    def __init__(self, seconds: float, limit_s: float | None = None) -> None:
        self.seconds = seconds if limit_s is None else limit_s  # the limit its message names
        self._ends = time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def remaining(self) -> float:
        return self._ends - time.monotonic()

    def extend(self, seconds: float) -> None:
        self._ends += seconds

    def check(self, what: str) -> None:
        """Raise TooComplex when the time is up or the work was cancelled."""
        if self._cancelled.is_set():
            raise TooComplex(f"{what}: stopped, the request was abandoned")
        if time.monotonic() > self._ends:
            raise TooComplex(f"{what} takes more than {self.seconds:g} s to read")


NO_DEADLINE = Deadline(float("inf"))


class ParsingPool:
    """`workers` worker processes, and as many threads here that hand them work and wait."""

    def __init__(
        self, workers: int, queue: int, time_limit_s: float, preload: tuple[str, ...] = PRELOAD
    ) -> None:
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="parse")
        self._slots = threading.BoundedSemaphore(workers + queue)
        self.time_limit_s = time_limit_s
        self._preload = preload
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._closed = False

    def reserve(self) -> Reservation:
        """A place in the pool or its queue, held until the reservation is released;
        503 Busy at once when none is free. Taken before an upload's body is read, so a
        busy service refuses a large upload without reading it."""
        if not self._slots.acquire(blocking=False):
            raise Busy("too many files are being read; retry shortly")
        return Reservation(self)

    async def run(self, work: Callable[[Deadline], T], what: str = "the file") -> T:
        """`work(deadline)` in a worker process; 503 Busy at once when pool and queue are full.

        `work` and what it returns or raises must pickle (a module-level function, or a
        functools.partial of one). The deadline starts now: waiting in the queue counts.
        """
        with self.reserve() as reservation:
            return await reservation.run(work, what)

    def _start(
        self, work: Callable[[Deadline], T], deadline: Deadline, what: str
    ) -> asyncio.Future[T]:
        return asyncio.get_running_loop().run_in_executor(
            self._threads, self._call, work, deadline, what
        )

    def _free_slot(self) -> None:
        self._slots.release()

    def close(self) -> None:
        """Stop every worker now (a parse in progress ends with an error), without waiting."""
        with self._lock:
            self._closed = True
            idle, busy = self._idle, self._workers - set(self._idle)
            self._workers, self._idle = set(), []
        self._threads.shutdown(wait=False, cancel_futures=True)
        for worker in idle:
            worker.stop()
        for worker in busy:  # the thread waiting on it sees it die, and closes the pipe
            worker.kill()

    def _call(self, work: Callable[[Deadline], T], deadline: Deadline, what: str) -> T:
        """On a pool thread: hand `work` to a worker process and wait for its answer."""
        payload = pickle.dumps(work)
        deadline.check(what)  # abandoned, or out of time, while it waited in the queue
        worker = self._checkout(deadline)
        try:
            worker.send(deadline.remaining(), deadline.seconds, payload)
            reply = worker.wait(deadline)
        except (EOFError, OSError) as exc:  # the worker died, or the pool was closed
            log.info("parse worker %s stopped: %r", worker.pid, exc)
            reply = None
        if reply is None:  # past the deadline, abandoned, or dead: never reused
            self._discard(worker)
            deadline.check(what)
            raise UnreadableFile(f"{what} could not be read: its parser stopped")
        self._checkin(worker)
        try:
            ok, value = pickle.loads(reply)
        except Exception as exc:  # an exception type that cannot be rebuilt here
            raise UnreadableFile(f"{what} could not be read: {exc!r}") from exc
        if ok:
            return cast(T, value)
        raise value

    def _checkout(self, deadline: Deadline) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the parsing pool is closed")
            if self._idle:
                return self._idle.pop()
        started = time.monotonic()
        worker = _Worker.start(self._context, self._preload)
        deadline.extend(time.monotonic() - started)  # a worker's start is not the file's time
        with self._lock:
            if not self._closed:
                self._workers.add(worker)
                return worker
        worker.stop()
        raise RuntimeError("the parsing pool is closed")

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and worker in self._workers:
                self._idle.append(worker)
                return
        worker.stop()

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()


class Reservation:
    """One place in a ParsingPool, used by one request's files in turn.

    Released when the request is done with it, or, if a parse is still running
    then (its client left), when that parse's worker is free: the place stays
    taken for as long as the worker is busy.
    """

    def __init__(self, pool: ParsingPool) -> None:
        self._pool = pool
        self._running: asyncio.Future[Any] | None = None

    async def run(self, work: Callable[[Deadline], T], what: str = "the file") -> T:
        """`work(deadline)` in a worker process, as ParsingPool.run, in this place."""
        deadline = Deadline(self._pool.time_limit_s)
        self._running = future = self._pool._start(work, deadline, what)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:  # the client went away: stop the parse too
            deadline.cancel()
            raise

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, *_: object) -> None:
        running = self._running
        if running is None or running.done():
            self._pool._free_slot()
        else:
            running.add_done_callback(lambda _: self._pool._free_slot())


class _Worker:
    """One worker process and this side of its pipe (used by one pool thread at a time)."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    @classmethod
    def start(cls, context: SpawnContext, preload: tuple[str, ...]) -> _Worker:
        here, there = context.Pipe()
        process = context.Process(target=_serve, args=(there, preload), name="qa-parse")
        process.daemon = True
        process.start()
        there.close()
        worker = cls(process, here)
        try:
            if not here.poll(START_TIMEOUT_S) or here.recv() != _READY:
                raise OSError("no answer")
        except (EOFError, OSError) as exc:
            worker.stop()
            raise RuntimeError(f"a parse worker did not start: {exc!r}") from exc
        return worker

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def send(self, seconds: float, limit_s: float, payload: bytes) -> None:
        self.conn.send((max(seconds, 0.0), limit_s))
        self.conn.send_bytes(payload)

    def wait(self, deadline: Deadline) -> bytes | None:
        """The worker's reply; None when the work was abandoned or overran, or the worker died."""
        while not self.conn.poll(_POLL_S):
            if deadline.cancelled or deadline.remaining() < -STOP_GRACE_S:
                return None
            if not self.process.is_alive():
                return None
        return self.conn.recv_bytes()

    def kill(self) -> None:
        """Kill the process; the pipe stays open for the thread that may be waiting on it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)

    def stop(self) -> None:
        self.kill()
        self.conn.close()


def _serve(conn: Connection, preload: tuple[str, ...]) -> None:
    """A worker process: lower its priority, import the parsers, then answer jobs until EOF."""
    try:
        os.nice(WORKER_NICE)
    except OSError:  # not allowed here: the parse runs at the server's priority
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    for name in preload:
        importlib.import_module(name)
    try:
        conn.send(_READY)
        while True:
            seconds, limit_s = conn.recv()
            payload = conn.recv_bytes()
            conn.send_bytes(_answer(payload, Deadline(seconds, limit_s)))
    except (EOFError, OSError):  # the server closed the pipe or is gone
        return


def _answer(payload: bytes, deadline: Deadline) -> bytes:
    try:
        work = pickle.loads(payload)
        answer: tuple[bool, object] = (True, work(deadline))
    except Exception as exc:  # every failure goes back to the server
        answer = (False, exc)
    try:
        return pickle.dumps(answer)
    except Exception as exc:  # an answer that does not pickle
        return pickle.dumps((False, UnreadableFile(f"the parser's answer failed: {exc!r}")))


def _exit_with_parent(parent: int) -> None:
    """A server killed with SIGKILL leaves no worker parsing on its own for long."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
