"""Every error as the same JSON body, `{"error": {"code", "message", ...}}`, with its status.

ServiceError subclasses (service/core/errors.py) carry their own status and code; FastAPI's
and Starlette's own errors, a client that went away and anything unexpected are mapped here.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from service.api.hardening import allowed_methods
from service.core.errors import ServiceError, UnsupportedParameter

log = logging.getLogger("service")
CLIENT_CLOSED = 499  # the client went away before the answer (nginx's convention)


def error(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    details: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **(details or {})}}
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        details = exc.details() if isinstance(exc, UnsupportedParameter) else None
        return error(exc.status, exc.code, exc.message, exc.headers, details)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return error(400, "invalid_json", "the request body is not valid JSON")
        if _not_json(request) and any(p.get("loc", ())[:1] == ("body",) for p in problems):
            # FastAPI reads such a body as bytes and fails validation: say what is wrong,
            # as the document routes do
            return error(415, "unsupported_type", "send the request body as application/json")
        return error(422, "invalid_request", "; ".join(_describe(p) for p in problems[:5]))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        # FastAPI's only 400 is a JSON body it could not parse (bad UTF-8, nesting too deep)
        codes = {
            400: "invalid_json",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        code = codes.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error(exc.status_code, code, str(exc.detail), headers)

    @app.exception_handler(ClientDisconnect)
    async def client_left(request: Request, _: ClientDisconnect) -> JSONResponse:
        # Not a failure of ours: nobody reads this answer, 499 (nginx's code) marks it in the log.
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return error(CLIENT_CLOSED, "client_disconnected", "the client closed the connection")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error(500, "internal_error", "internal error")


def _not_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return bool(media) and media != "application/json" and not media.endswith("+json")


def _describe(problem: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
    return f"{location or 'body'}: {problem.get('msg', 'invalid')}"
