"""Streaming responses that stop their work when the client goes away.

Starlette runs a plain iterator in a worker thread and, when the client
disconnects, simply stops asking it for more: the iterator (and the LLM stream
behind it) would stay open until garbage collection. Closing it as soon as the
response ends lets the answer generator close the model's stream at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from starlette.concurrency import iterate_in_threadpool


async def closing(events: Iterator[str]) -> AsyncIterator[str]:
    try:
        async for event in iterate_in_threadpool(events):
            yield event
    finally:
        # A cancelled worker thread finishes its step first, so the generator is idle here.
        close = getattr(events, "close", None)
        if close is not None:
            close()
