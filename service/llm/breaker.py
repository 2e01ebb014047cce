"""A circuit breaker around the chat model.

After `failures` consecutive LLM failures the breaker opens: for `cooldown_s`
every call fails at once with LLMCircuitOpen (no request is sent), so answers
go straight to the extractive fallback, marked degraded. Then one trial call
is let through (half-open): success closes the breaker, failure opens it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Literal

from service.core.errors import LLMBusy, LLMCircuitOpen, LLMFailure
from service.core.ports import ChatModel, Completion, Message
from service.core.sampling import Sampling

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self.trial_running = False
        self.opened_count = 0
        self._lock = threading.Lock()

    @property
    def state(self) -> State:
        if self.opened_at is None:
            return "closed"
        if self.trial_running or self.clock() - self.opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial call at a time."""
        with self._lock:
            if self.opened_at is None:
                return True
            if self.trial_running or self.clock() - self.opened_at < self.cooldown_s:
                return False
            self.trial_running = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self.consecutive_failures = 0
            self.opened_at = None
            self.trial_running = False

    def failed(self) -> None:
        with self._lock:
            self.consecutive_failures += 1
            if self.trial_running or self.consecutive_failures >= self.threshold:
                if self.opened_at is None or self.trial_running:
                    self.opened_count += 1
                self.opened_at = self.clock()
            self.trial_running = False

    def abandoned(self) -> None:
        """A call ended with neither success nor failure (the client went away)."""
        with self._lock:
            self.trial_running = False


class GuardedChatModel:
    """A ChatModel behind a CircuitBreaker; reports failures through `on_failure`.

    It stands wherever a ChatModel does, delegating to the wrapped one.
    """

    def __init__(
        self,
        inner: ChatModel,
        breaker: CircuitBreaker,
        on_failure: Callable[[LLMFailure], None] = lambda _: None,
    ) -> None:
        self._inner = inner
        self.breaker = breaker
        self.model = inner.model
        self._on_failure = on_failure

    def complete(self, messages: list[Message], sampling: Sampling | None = None) -> Completion:
        self._admit()
        try:
            completion = self._inner.complete(messages, sampling)
        except LLMFailure as failure:
            self._failed(failure)
            raise
        self.breaker.succeeded()
        return completion

    def stream(self, messages: list[Message], sampling: Sampling | None = None) -> Iterator[str]:
        self._admit()
        settled = False
        try:
            yield from self._inner.stream(messages, sampling)
            settled = True
            self.breaker.succeeded()
        except LLMFailure as failure:
            settled = True
            self._failed(failure)
            raise
        finally:
            if not settled:
                self.breaker.abandoned()

    def _admit(self) -> None:
        if not self.breaker.allow():
            failure = LLMCircuitOpen("the language model is failing; answering without it")
            self._on_failure(failure)
            raise failure

    def _failed(self, failure: LLMFailure) -> None:
        if isinstance(failure, LLMBusy):  # busy, not broken: no reason to stop calling it
            self.breaker.abandoned()
        else:
            self.breaker.failed()
        self._on_failure(failure)
