"""Every call to Chroma with a deadline (issue 17): a store that is down or frozen
costs a request a few seconds and a 503 with Retry-After, never a hang.

chromadb has no timeout setting of its own (its HTTP client waits forever, and the
embedded store has no notion of one), so each call runs on a small pool of threads
and the caller waits for it at most `read_timeout_s` (queries, reads, counts) or
`write_timeout_s` (upserts and deletes, which can legitimately take seconds for a
large batch). A call still running at its deadline is abandoned, not stopped:
with a Chroma server its HTTP request also times out (see `bound_http_client`), so
the thread comes back; the library's write order makes an abandoned write harmless
(see service.ingest.library).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

import httpx

from service.core.errors import StoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreCalls:
    def __init__(
        self,
        read_timeout_s: float = 5.0,
        write_timeout_s: float = 60.0,
        retry_after_s: int = 5,
        threads: int = 16,
    ) -> None:
        self.read_timeout_s = read_timeout_s
        self.write_timeout_s = write_timeout_s
        self.retry_after_s = retry_after_s
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="chroma-call")

    def read(self, call: Callable[..., T], /, **kwargs: Any) -> T:
        return self._run(call, self.read_timeout_s, kwargs)

    def write(self, call: Callable[..., T], /, **kwargs: Any) -> T:
        return self._run(call, self.write_timeout_s, kwargs)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, call: Callable[..., T], timeout_s: float, kwargs: dict[str, Any]) -> T:
        name = getattr(call, "__name__", "call")
        future = self._pool.submit(call, **kwargs)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout as error:
            future.cancel()  # if it is still waiting for a thread, it never starts
            message = f"the vector store did not answer {name} in {timeout_s:g} s"
            raise self._unavailable(message) from error
        except httpx.TransportError as error:  # refused, reset, timed out
            message = f"the vector store cannot be reached ({name}: {error!r})"
            raise self._unavailable(message) from error

    def _unavailable(self, message: str) -> StoreUnavailable:
        log.warning("%s", message)
        return StoreUnavailable(message, self.retry_after_s)


def bound_http_client(client: Any, timeout_s: float, connect_timeout_s: float) -> None:
    """Give a chromadb HttpClient's HTTP session timeouts, so that a thread waiting on a
    frozen server comes back. chromadb creates it with none and offers no setting: the
    session is reached through private attributes, hence the checks."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
    else:
        log.warning("chromadb's HTTP session not found: Chroma calls rely on deadlines alone")
