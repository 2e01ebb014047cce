"""The OpenAPI schema, completed with the error responses every operation can give.

Errors are `{error: {code, message}}` (app.py); middleware can answer any route
with 401/403 (auth), 413 (body size) or 429 (rate), so each operation declares
them, and clients and schema-driven tests see every status the API sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
ERROR_STATUSES = {
    "400": "Bad request (e.g. invalid JSON)",
    "401": "API key missing",
    "403": "API key wrong",
    "404": "Not found",
    "413": "Request body or document too large",
    "422": "Invalid request",
    "429": "Too many requests (see Retry-After)",
    "503": "Not ready, or the language model is unavailable",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    add_error_responses(operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_error_responses(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, description in ERROR_STATUSES.items():
        response: dict[str, Any] = {"description": description, "content": reference}
        if status == "429":
            response["headers"] = RETRY_AFTER
        responses[status] = response
