"""Request limits enforced before a route runs: body size and per-client rate.

Both are plain ASGI middleware so they answer before the body is read (a huge
upload is refused at its Content-Length, or as soon as a chunked body passes
the limit) and they cover every route, including ones added later.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.auth import WRITE_PREFIXES, bearer_token, key_matches
from service.core.config import Settings


async def send_error(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """413 for bodies over the limit: QA_MAX_UPLOAD_BYTES for document uploads, else
    QA_MAX_BODY_BYTES."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def limit_for(self, method: str, path: str) -> int:
        if method in ("POST", "PUT") and path.startswith(WRITE_PREFIXES):
            return self.settings.max_upload_bytes
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await send_error(send, 400, "invalid_request", "Content-Length is not a number")
                return
            if int(declared) > limit:
                await send_error(send, 413, "payload_too_large", _too_large(limit))
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body (or a lying Content-Length)
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, limited_receive, send)


def _too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


class TokenBucket:
    def __init__(self, capacity: float, tokens: float, updated: float) -> None:
        self.capacity = capacity
        self.tokens = tokens
        self.updated = updated


class RateLimiter:
    """Token buckets per client: `burst` requests at once, refilled at `per_minute`."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take one token; 0.0 when granted, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or TokenBucket(self.burst, self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[client] = bucket  # most recently seen last
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # forget the longest idle client
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


class RateLimitMiddleware:
    """429 with Retry-After once a client (its API key, else its address) spends its burst."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = self.settings.rate_limit_per_minute > 0
        if scope["type"] != "http" or not limited or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.take(self.client_of(scope))
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            message = f"too many requests; retry after {retry_after} s"
            await send_error(send, 429, "rate_limited", message, {"Retry-After": retry_after})
            return
        await self.app(scope, receive, send)

    def client_of(self, scope: Scope) -> str:
        token = bearer_token(header(scope, b"authorization"))
        if token is not None and key_matches(self.settings, token):
            return "key:" + hashlib.sha256(token.encode()).hexdigest()[:16]
        client = scope.get("client")
        return "addr:" + (str(client[0]) if client else "unknown")
