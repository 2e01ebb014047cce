"""The composition root: create_app(settings) builds the components and the routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from service import __version__
from service.api.auth import authorize
from service.api.hardening import allowed_methods, install_hardening
from service.api.routes import ask, chat, documents, health, index, jobs, web
from service.components import build_components
from service.core.config import Settings
from service.core.errors import ServiceError, UnsupportedParameter
from service.core.ports import Embedder
from service.ingest.seeding import seed

log = logging.getLogger("service")
CLIENT_CLOSED = 499  # the client went away before the answer (nginx's convention)


def create_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        components = build_components(settings, embedder, app.state.metrics)
        if settings.seed_on_start and settings.seeds_dir.is_dir():
            seed(components.library, settings.seeds_dir, components.deleted)
        elif settings.seed_on_start:
            log.warning("seeds: no folder %s; nothing seeded", settings.seeds_dir)
        app.state.components = components
        components.start()
        yield
        app.state.components = None
        components.close()

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from files the
    # fastapi-offline package ships (under /static-offline-docs), not from a CDN.
    app = FastAPIOffline(
        title="Grounded QA",
        version=__version__,
        summary="Answers questions about documents, citing the passages it rests on.",
        lifespan=lifespan,
        dependencies=[Depends(authorize)],  # every route, by method and path: service/api/auth.py
    )
    install_hardening(app, settings)
    for module in (ask, documents, health, chat, web, jobs, index):
        app.include_router(module.router)
    install_error_handlers(app)
    return app


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
