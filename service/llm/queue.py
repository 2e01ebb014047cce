"""A bounded queue in front of the chat model.

A local model answers one or two requests at a time; more callers would pile up behind it
and wait for minutes. Here at most `slots` calls run at once; a caller that gets no slot
within `wait_s` fails at once with LLMBusy, so the answer falls back to extraction (marked
degraded) instead of hanging. An admitted call gets `call_timeout_s` in all, a stream too
(the client's own timeout only bounds the wait for each chunk).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from service.core.errors import LLMBusy, LLMFailure
from service.core.ports import ChatModel, Completion, Message
from service.core.sampling import Sampling


class BoundedChatModel:
    """A ChatModel that admits at most `slots` calls at once (None: no bound, only timeouts)."""

    def __init__(
        self,
        inner: ChatModel,
        slots: int | None,
        wait_s: float,
        call_timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self.model = inner.model
        self._slots = threading.BoundedSemaphore(slots) if slots else None
        self._wait_s = wait_s
        self._call_timeout_s = call_timeout_s
        self._clock = clock
        self.waiting = 0  # callers queued for a slot now (metrics, tests)
        self.refused = 0  # callers that waited out the budget
        self._count_lock = threading.Lock()

    def complete(self, messages: list[Message], sampling: Sampling | None = None) -> Completion:
        self._acquire()
        try:
            return self._inner.complete(messages, sampling)
        finally:
            self._release()

    def stream(self, messages: list[Message], sampling: Sampling | None = None) -> Iterator[str]:
        self._acquire()
        deltas = self._inner.stream(messages, sampling)
        try:
            # The slot is taken: a caller whose client left while it waited can stop here,
            # before the model reads the prompt (seconds of a local model's time).
            yield ""
            deadline = self._clock() + self._call_timeout_s
            for delta in deltas:
                yield delta
                if self._clock() > deadline:
                    raise LLMFailure(
                        f"the language model took longer than {self._call_timeout_s:g} s"
                    )
        finally:  # also when the caller stops early: hang up on the model, free the slot
            close = getattr(deltas, "close", None)
            if close is not None:
                close()
            self._release()

    def _acquire(self) -> None:
        if self._slots is None:
            return
        with self._count_lock:
            self.waiting += 1
        try:
            admitted = self._slots.acquire(timeout=self._wait_s)
        finally:
            with self._count_lock:
                self.waiting -= 1
        if not admitted:
            with self._count_lock:
                self.refused += 1
            raise LLMBusy(
                f"the language model is busy (no slot within {self._wait_s:g} s); "
                "answering without it"
            )

    def _release(self) -> None:
        if self._slots is not None:
            self._slots.release()
