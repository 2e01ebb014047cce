"""Typed accessors for route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.components import Components
from service.errors import NotReady


def get_components(request: Request) -> Components:
    components: Components | None = getattr(request.app.state, "components", None)
    if components is None:
        raise NotReady("the service is still starting")
    return components


ComponentsDep = Annotated[Components, Depends(get_components)]
