"""Streaming responses that stop their work when the client goes away.

Starlette runs a plain iterator in a worker thread and, when the client
disconnects, simply stops asking it for more: the iterator (and the LLM stream
behind it) would stay open until garbage collection. Closing it as soon as the
response ends lets the answer generator close the model's stream at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

from starlette.concurrency import iterate_in_threadpool

T = TypeVar("T")


async def closing(events: Iterator[str]) -> AsyncIterator[str]:
    try:
        async for event in iterate_in_threadpool(events):
            yield event
    finally:
        # A cancelled worker thread finishes its step first, so the generator is idle here.
        close = getattr(events, "close", None)
        if close is not None:
            close()


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
            close = getattr(events, "close", None)
            if close is not None:
                close()

    return resumed()
