"""API keys: who may read and write, and where the server may listen without one.

With `QA_API_KEY` set, writes (POST/PUT/PATCH/DELETE under /v1/documents and
/v1/index, anything under /v1/jobs) need `Authorization: Bearer <key>`; with
`QA_REQUIRE_KEY_FOR_READS` every other /v1 route needs it too. The page,
health checks, metrics and the API docs stay public. `authorize` applies this
policy to every route of the app, so routes added later are covered by their
path; `require_write` / `require_read` force a level on a route whatever its path.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.core.config import Settings
from service.core.errors import Forbidden, Unauthorized

Access = Literal["public", "read", "write"]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WRITE_PREFIXES = ("/v1/documents", "/v1/jobs", "/v1/index")

bearer = HTTPBearer(auto_error=False, description="QA_API_KEY, when the server has one")
# Declared so the OpenAPI schema shows the scheme; check_access reads the header itself.
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def access_for(method: str, path: str) -> Access:
    """The access a request needs, judged by its method and path."""
    if path.startswith("/v1/jobs"):
        return "write"
    if method.upper() in WRITE_METHODS and path.startswith(WRITE_PREFIXES):
        return "write"
    if path.startswith("/v1/"):
        return "read"
    return "public"


def check_access(settings: Settings, access: Access, authorization: str | None) -> None:
    """Raise Unauthorized (no key sent) or Forbidden (wrong key) unless `access` is granted."""
    if not key_required(settings, access):
        return
    presented = bearer_token(authorization)
    if presented is None:
        raise Unauthorized("this endpoint needs 'Authorization: Bearer <API key>'")
    if not key_matches(settings, presented):
        raise Forbidden("the API key is not valid")


def key_required(settings: Settings, access: Access) -> bool:
    if settings.api_key is None or access == "public":
        return False
    return access == "write" or settings.require_key_for_reads


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def key_matches(settings: Settings, presented: str) -> bool:
    if settings.api_key is None:
        return False
    return hmac.compare_digest(presented.encode(), settings.api_key.encode())


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def authorize(request: Request, _: BearerCredentials) -> None:
    """App-wide dependency: the access level follows from the request's method and path.
    Async, as it only reads headers: a sync one would wait for a thread of the shared pool."""
    access = access_for(request.method, request.url.path)
    settings = _settings(request)
    if request.method.upper() in WRITE_METHODS and access != "public":
        check_same_origin(settings, request.headers)
    check_access(settings, access, request.headers.get("authorization"))


def check_same_origin(settings: Settings, headers: Mapping[str, str]) -> None:
    """Refuse a browser's cross-site write (403), key or no key.

    A page elsewhere can make a browser send a "simple" POST (form fields, a multipart
    file) here without asking first; with no API key that would change documents. Browsers
    say where a request comes from (Origin, Sec-Fetch-Site); curl and SDKs send neither
    and are not affected, nor is this service's own page or an origin in QA_CORS_ORIGINS.
    """
    origin = headers.get("origin")
    if origin is not None:
        own = urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
        if not own and origin not in settings.cors_origin_list:
            raise Forbidden(f"cross-origin write from {origin[:200]!r} refused")
        return
    if headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        raise Forbidden("cross-site write refused")


def require_write(request: Request, _: BearerCredentials) -> None:
    check_access(_settings(request), "write", request.headers.get("authorization"))


def require_read(request: Request, _: BearerCredentials) -> None:
    check_access(_settings(request), "read", request.headers.get("authorization"))


def unsafe_bind(settings: Settings) -> str | None:
    """Why serving on settings.host would be unsafe, or None when it is fine."""
    if settings.api_key or settings.allow_unauthenticated_public or is_loopback(settings.host):
        return None
    return (
        f"refusing to listen on {settings.host!r} without an API key: anyone who can reach it "
        "could add or delete documents. Set QA_API_KEY, listen on 127.0.0.1, or set "
        "QA_ALLOW_UNAUTHENTICATED_PUBLIC=true to accept the risk."
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
