"""How uvicorn runs the app (issue 17): the options `serve` and the tests' live server share.

- Forwarded headers (`X-Forwarded-For`, `X-Forwarded-Proto`) are believed only from
  the addresses in QA_TRUSTED_PROXIES. uvicorn's own default believes any loopback
  client, so anything on the host could pose as any address and escape the rate limit.
- A request too malformed for the HTTP parser gets the service's JSON error (400
  `bad_request`) instead of uvicorn's plain text; the connection is closed as before.
- Idle keep-alive connections are closed after QA_KEEP_ALIVE_TIMEOUT_S. uvicorn has no
  timeout for a request's headers or body arriving slowly: put a reverse proxy in front
  of a public instance for that (see README, "Security and limits").
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from service.core.config import Settings

MALFORMED_BODY = json.dumps(
    {"error": {"code": "bad_request", "message": "malformed HTTP request"}}
).encode()


class JsonErrorProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering unparseable requests in JSON."""

    def send_400_response(self, msg: str) -> None:
        head = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(MALFORMED_BODY)).encode("ascii") + b"\r\n",
                b"connection: close\r\n\r\n",
            ]
        )
        self.transport.write(b"".join(head) + MALFORMED_BODY)
        self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    trusted = settings.trusted_proxies.strip()
    return {
        "http": JsonErrorProtocol,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
        "timeout_keep_alive": settings.keep_alive_timeout_s,
        # SIGTERM: connections still open after this are closed, so the server stops in time
        "timeout_graceful_shutdown": settings.shutdown_timeout_s,
    }
