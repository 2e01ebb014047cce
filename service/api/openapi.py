"""The OpenAPI schema, completed with the error responses every operation can give.

Errors are `{error: {code, message}}` (app.py); middleware can answer any route
with 401/403 (auth), 413 (body size) or 429 (rate), so each operation declares
them, and clients and schema-driven tests see every status the API sends. An
operation declares the bearer scheme only when this server's settings make it
ask for the key.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.api.auth import access_for, key_required
from service.core.config import Settings

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
    "503": "Not ready, busy, or the vector store or language model is unavailable",
}
BODY_STATUSES = {"415": "Unsupported content type"}  # operations that take a body
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}


def install_openapi(app: FastAPI, settings: Settings) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Error"] = ERROR_SCHEMA
            apply_limits(schemas, settings)
            for path, path_item in schema.get("paths", {}).items():
                for method, operation in path_item.items():
                    add_error_responses(operation)
                    if not key_required(settings, access_for(method, path)):
                        operation.pop("security", None)  # this server lets it through
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


# Limits that come from settings, shown where the schema describes the field.
LIMITS = {
    ("AskIn", "question", "maxLength"): "max_question_chars",
    ("AskIn", "top_k", "maximum"): "max_top_k",
    ("AskIn", "history", "maxItems"): "max_history_messages",
    ("SearchIn", "query", "maxLength"): "max_question_chars",
    ("SearchIn", "top_k", "maximum"): "max_top_k",
    ("DocumentIn", "text", "maxLength"): "max_document_chars",
}


def apply_limits(schemas: dict[str, Any], settings: Settings) -> None:
    """Show this server's limits (and whether mode 'llm' exists) in its schema."""
    mode = schemas.get("AskIn", {}).get("properties", {}).get("mode", {})
    if not settings.llm_configured and "enum" in mode:
        mode["enum"] = [m for m in mode["enum"] if m != "llm"]
    for (model, field, keyword), setting in LIMITS.items():
        prop = schemas.get(model, {}).get("properties", {}).get(field)
        if prop is None:
            continue
        for branch in prop.get("anyOf", [prop]):  # `X | None` fields: limit the X branch
            if branch.get("type") != "null":
                branch[keyword] = getattr(settings, setting)


def add_error_responses(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    statuses = dict(ERROR_STATUSES)
    if "requestBody" in operation:
        statuses.update(BODY_STATUSES)
    for status, description in statuses.items():
        response: dict[str, Any] = {"description": description, "content": reference}
        if status in ("429", "503"):
            response["headers"] = RETRY_AFTER
        responses[status] = response
