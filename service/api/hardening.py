"""Installs the protections of issue 7 on an app: middleware, metrics, auth, OpenAPI errors.

Middleware order, outermost first: request context (id, access log, metrics),
security headers, CORS, rate limit, body limit. So every response, refusals
included, carries a request id and the security headers and is counted.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Match

from service.api.limits import BodyLimitMiddleware, RateLimitMiddleware
from service.api.metrics import IndexFigures, Metrics
from service.api.middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from service.api.openapi import install_openapi
from service.api.routes import metrics as metrics_route
from service.core.config import Settings
from service.llm.breaker import GuardedChatModel


def install_hardening(app: FastAPI, settings: Settings) -> Metrics:
    metrics = Metrics()
    app.state.settings = settings
    app.state.metrics = metrics
    metrics.watch_index(lambda: index_figures(app))
    app.include_router(metrics_route.router)
    # add_middleware wraps what is there: add the innermost first.
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(RateLimitMiddleware, settings=settings)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "DELETE"],
            # Any request header: the official SDKs add their own (openai's X-Stainless-*,
            # OpenAI-Organization, ...) and change them between versions; the origin list
            # is what decides who may call.
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    install_openapi(app, settings)
    return metrics


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (for a 405's Allow header)."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "GET"}
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def index_figures(app: FastAPI) -> IndexFigures:
    components = getattr(app.state, "components", None)
    if components is None:
        return {}
    chat = components.chat_model
    breaker_open = isinstance(chat, GuardedChatModel) and chat.breaker.state != "closed"
    return {
        "documents": float(len(components.library.documents())),
        "chunks": float(len(components.lexical)),
        "ingested_documents": float(components.library.ingested_documents),
        "ingested_chunks": float(components.library.embedded_chunks),
        "breaker_open": float(breaker_open),
    }
