"""Answers that stop their work when the client goes away, streamed or sent whole.

Starlette runs a plain iterator in a worker thread, one item a step, and when the
client disconnects it stops asking for more, possibly while a step is still running:
the iterator (and the LLM stream behind it) would stay open until the model finished.
Closing it as soon as the step in progress ends lets the answer generator close the
model's stream at once; answer streams end a step at each of the model's tokens, even
while their text is held back. An answer sent whole is read the same way, by the
endpoint's own worker thread, which looks at the client's connection after each step.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

import anyio
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import ClientDisconnect, Request

T = TypeVar("T")


class _Steps(Iterator[str]):
    """`events` stepped and closed under one lock: a close waits for the step in progress
    (a generator cannot be closed while it runs)."""

    def __init__(self, events: Iterator[str]) -> None:
        self._events = events
        self._lock = threading.Lock()

    def __next__(self) -> str:
        with self._lock:
            return next(self._events)

    def close(self) -> None:
        with self._lock:
            _close(self._events)


async def closing(events: Iterator[str]) -> AsyncIterator[str]:
    """`events` as the body of a StreamingResponse, empty ones skipped; closed when the
    response ends, however it ends."""
    steps = _Steps(events)
    finished = False
    try:
        async for event in iterate_in_threadpool(steps):
            if event:
                yield event
        finished = True
    finally:
        if not finished:  # a hang-up or a failure: the generator may be mid-step
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(steps.close)


def whole(events: Iterator[T], request: Request) -> Iterator[T]:
    """`events`, for a sync endpoint (in a worker thread) that sends the result whole: the
    client's connection is looked at after each step, and once it has gone `events` are
    closed (the model's stream with them) and ClientDisconnect is raised (answered 499,
    logged as a hang-up)."""
    try:
        for event in events:
            yield event
            if anyio.from_thread.run(request.is_disconnected):
                raise ClientDisconnect()
    finally:
        _close(events)


def begun(events: Iterator[T]) -> Iterator[T]:
    """`events` with its first item already taken: what fails before it (retrieval, a
    store that does not answer) is raised here, while a plain error response can still
    be sent, instead of inside a stream whose 200 is already out."""
    first = next(events, None)

    def resumed() -> Iterator[T]:
        try:
            if first is not None:
                yield first
            yield from events
        finally:
            _close(events)

    return resumed()


def _close(events: Iterator[object]) -> None:
    """Close `events` if it can be closed (a generator: its `finally` blocks run, the
    model's stream among them); a plain iterator has nothing to close."""
    close = getattr(events, "close", None)
    if close is not None:
        close()
