"""The composition root: create_app(settings) builds the components and the routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from service import __version__
from service.api.auth import authorize
from service.api.error_responses import install_error_handlers
from service.api.hardening import install_hardening
from service.api.routes import ask, chat, documents, health, index, jobs, web
from service.components import build_components
from service.core.config import Settings
from service.core.ports import Embedder
from service.ingest.seeding import seed

log = logging.getLogger("service")


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
