"""Domain exceptions, by concern. Each carries an HTTP status and a stable code; the API maps
them to `{"error": {"code", "message"}}` (service/api/error_responses.py).

Request input      InvalidInput 422, UnreadableFile 422, UnsupportedType 415,
                   PayloadTooLarge 413, TooComplex 413, UnsupportedParameter 400
Access             Unauthorized 401, Forbidden 403
Not found          DocumentNotFound, JobNotFound, ModelNotFound 404
Capacity           Busy 503 (full queues, with Retry-After), NotReady 503
Storage and models StoreUnavailable 503, EmbedderMismatch 503, ModelIntegrityError 500
Language model     LLMNotConfigured 400, LLMFailure 503 (LLMCircuitOpen, LLMBusy)
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 500
    code = "internal_error"
    headers: dict[str, str] | None = None  # sent with the error response

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Request input


class InvalidInput(ServiceError):
    status = 422
    code = "invalid_input"


class UnreadableFile(InvalidInput):
    """An empty or undecodable file, a broken PDF, or one with no extractable text."""

    code = "unreadable_file"


class UnsupportedType(ServiceError):
    status = 415
    code = "unsupported_type"


class PayloadTooLarge(ServiceError):
    status = 413
    code = "payload_too_large"


class RequestTimeout(ServiceError):
    """A request body that did not arrive in time."""

    status = 408
    code = "request_timeout"


class TooComplex(PayloadTooLarge):
    """A file that would take too long (or too much) to read: too many pages, huge content."""

    code = "too_complex"


class UnsupportedParameter(ServiceError):
    """An OpenAI request option the service cannot honour (n > 1, tools, JSON output, ...).

    Refused rather than ignored, so a client never takes a plain answer for what it asked.
    Its body adds OpenAI's `type` and `param` to the usual `code` and `message`.
    """

    status = 400
    code = "unsupported_parameter"

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param

    def details(self) -> dict[str, str]:
        return {"type": "invalid_request_error", "param": self.param}


# Access


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


# Not found


class DocumentNotFound(ServiceError):
    status = 404
    code = "document_not_found"


class JobNotFound(ServiceError):
    status = 404
    code = "job_not_found"


class ModelNotFound(ServiceError):
    """The OpenAI-compatible endpoint was asked for a model the service is not."""

    status = 404
    code = "model_not_found"


# Capacity


class Busy(ServiceError):
    """Full queues: the request is refused now so that it can be retried later."""

    status = 503
    code = "busy"
    headers = {"Retry-After": "5"}


class NotReady(ServiceError):
    status = 503
    code = "not_ready"


# Storage and models


class StoreUnavailable(ServiceError):
    """The vector store is down, unreachable or did not answer in time."""

    status = 503
    code = "store_unavailable"

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_s)}


class EmbedderMismatch(ServiceError):
    status = 503
    code = "embedder_mismatch"


class ModelIntegrityError(ServiceError):
    """A model file whose sha256 is not the one expected."""

    code = "model_integrity"


# Language model


class LLMNotConfigured(ServiceError):
    status = 400
    code = "llm_not_configured"


class LLMFailure(ServiceError):
    """The LLM endpoint failed (timeout, 5xx, 429 after retries, malformed reply)."""

    status = 503
    code = "llm_unavailable"


class LLMCircuitOpen(LLMFailure):
    """Recent LLM calls kept failing; the breaker answers without calling it for a while."""

    code = "llm_circuit_open"


class LLMBusy(LLMFailure):
    """Every slot of the (local) model stayed busy for longer than the wait budget."""

    code = "llm_busy"
