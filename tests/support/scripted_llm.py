"""A scripted OpenAI-compatible chat server on loopback: the one stand-in (no LLM runs here).

Tests `enqueue()` replies and read `requests` to see what the service sent.
Replies are served in order; each is text (streamed or not, as the request
asks), an HTTP error status, a delay, or a stream that breaks off.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A reply long enough to hang up in the middle of: twenty distinct cited sentences (a
# sentence repeating an earlier one is dropped from answers, so copies would not stream).
LONG_REPLY = " ".join(
    f"Qatar is mediating with Hamas, says source {chr(97 + i)} [1]." for i in range(20)
)


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay_s: float = 0.0
    cut_after: int | None = None  # stream only: send this many deltas, then drop the connection
    raw_body: str | None = None  # sent as-is (malformed replies)
    piece_delay_s: float = 0.0  # stream only: pause before each delta (a slow model)
    first_token: dict[str, float] | None = None  # log-probabilities of the first token's top


class ScriptedLLM:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.hang_ups = 0  # streams the client closed before they were finished
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def enqueue(self, text: str = "", **options: Any) -> None:
        self.replies.append(Reply(text=text, **options))

    def start(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        script = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                script.requests.append(body)
                reply = script.replies.popleft() if script.replies else Reply("(no reply queued)")
                time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, json.dumps({"error": {"message": "scripted"}}))
                elif reply.raw_body is not None:
                    self._send(200, reply.raw_body)
                elif body.get("stream"):
                    try:
                        self._stream(body, reply)
                    except (BrokenPipeError, ConnectionResetError):
                        script.hang_ups += 1
                else:
                    self._send(200, json.dumps(_completion(body, reply)))

            def _send(self, status: int, payload: str) -> None:
                data = payload.encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                pieces = _pieces(reply.text)
                for i, piece in enumerate(pieces):
                    if reply.cut_after is not None and i >= reply.cut_after:
                        self.wfile.flush()
                        self.connection.close()
                        return
                    time.sleep(reply.piece_delay_s)
                    chunk = _chunk(body, {"content": piece})
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                final = _chunk(body, {}, finish="stop")
                self.wfile.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        return Handler


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    logprobs = None
    if reply.first_token is not None and body.get("logprobs"):
        top = [{"token": t, "logprob": lp, "bytes": None} for t, lp in reply.first_token.items()]
        first = {**top[0], "top_logprobs": top}
        logprobs = {"content": [first]}
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
                "finish_reason": "stop",
                "logprobs": logprobs,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _chunk(
    body: dict[str, Any], delta: dict[str, str], finish: str | None = None
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
