"""Typed accessors for route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.components import Components
from service.core.errors import NotReady


async def get_components(request: Request) -> Components:
    # Async: it only reads app state, and must not wait for a thread of the shared pool.
    components: Components | None = getattr(request.app.state, "components", None)
    if components is None:
        raise NotReady("the service is still starting")
    return components


ComponentsDep = Annotated[Components, Depends(get_components)]
