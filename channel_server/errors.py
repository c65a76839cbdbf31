"""Every error answer is an `ErrorBody` (code + message + correlation id), and bad input is
always a 4xx: validation errors, malformed JSON, unknown routes and methods are translated here;
a 500 means a server bug (logged with the correlation id, no request data)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import (
    CORRELATION_HEADER,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    ErrorBody,
    ErrorCode,
)

log = logging.getLogger("channel_server")


class ApiError(Exception):
    """A refusal with a status, a code and a message for a person (what to do next)."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        *,
        expected_seq: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.expected_seq = expected_seq
        self.headers = headers


def correlation_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("correlation_id")
    return value if isinstance(value, str) else None


def error_response(
    status: int,
    code: ErrorCode,
    message: str,
    cid: str | None,
    *,
    expected_seq: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        code=code, message=message[:2000], correlation_id=cid, expected_seq=expected_seq
    )
    out = dict(headers or {})
    if cid:
        out[CORRELATION_HEADER] = cid
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status, headers=out)


def check_protocol(version: int | None) -> None:
    """A client newer than this server (or older than it supports) is told so, clearly."""
    if version is None or MIN_PROTOCOL_VERSION <= version <= PROTOCOL_VERSION:
        return
    if version > PROTOCOL_VERSION:
        message = (
            f"this channel server speaks sync protocol {MIN_PROTOCOL_VERSION}-{PROTOCOL_VERSION} "
            f"but the register speaks {version}: update the channel server first"
        )
    else:
        message = (
            f"sync protocol {version} is no longer supported (this server needs "
            f"{MIN_PROTOCOL_VERSION}-{PROTOCOL_VERSION}): update the register"
        )
    raise ApiError(400, ErrorCode.PROTOCOL_UNSUPPORTED, message)


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)] or ["body"]
    return ".".join(parts)


def _is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _validation_message(
    request: Request, exc: RequestValidationError
) -> tuple[int, ErrorCode, str]:
    errors = list(exc.errors())
    if request.method in ("POST", "PUT", "PATCH") and not _is_json(request):
        if any(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors):
            return (
                400,
                ErrorCode.INVALID_JSON,
                "the request body must be JSON sent with 'Content-Type: application/json'",
            )
    for error in errors:
        if error.get("type") == "json_invalid":
            detail = error.get("ctx", {}).get("error", "")
            return (
                400,
                ErrorCode.INVALID_JSON,
                f"the request body is not valid JSON ({detail}); send one JSON object",
            )
    shown = []
    for error in errors[:5]:  # the input itself is never echoed (it may hold customer data)
        shown.append(f"{_where(tuple(error.get('loc', ())))}: {error.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return 422, ErrorCode.INVALID_REQUEST, "invalid request: " + "; ".join(shown) + more


_HTTP_CODES = {
    400: ErrorCode.INVALID_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.BODY_TOO_LARGE,
}


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status,
            exc.code,
            exc.message,
            correlation_id(request),
            expected_seq=exc.expected_seq,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message = _validation_message(request, exc)
        return error_response(status, code, message, correlation_id(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code if 400 <= exc.status_code < 600 else 400
        code = _HTTP_CODES.get(status, ErrorCode.INVALID_REQUEST)
        if status == 404:
            message = f"there is no {request.url.path} on this server (see /openapi.json)"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(status, code, message, correlation_id(request), headers=headers)
