"""What every route shares: the database, the calling device, the protocol header, and the
error answers declared in the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from channel_server.db import Database
from channel_server.devices import DeviceIdentity, authenticate
from channel_server.errors import ApiError, check_protocol, correlation_id
from sync.protocol import (
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ErrorBody,
    ErrorCode,
)

bearer = HTTPBearer(auto_error=False, description="The device token from POST /v1/activate.")


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_cid(request: Request) -> str | None:
    return correlation_id(request)


def protocol_header(request: Request) -> None:
    """Read by hand (not a FastAPI Header parameter) so a version this server does not speak
    gets the clear `protocol_unsupported` answer instead of a generic validation error; the
    header is documented in the schema by `document_protocol_header`."""
    text = request.headers.get(PROTOCOL_HEADER)
    if text is None:
        return
    if not text.strip().isdigit() or len(text.strip()) > 6:
        raise ApiError(
            400,
            ErrorCode.PROTOCOL_UNSUPPORTED,
            f"{PROTOCOL_HEADER} must be a protocol version number such as {PROTOCOL_VERSION}",
        )
    check_protocol(int(text))


_ALLOWED_QUERY: dict[int, frozenset[str]] = {}


def _query_names(dependant: Any) -> set[str]:
    names = {param.alias for param in getattr(dependant, "query_params", [])}
    for sub in getattr(dependant, "dependencies", []):
        names |= _query_names(sub)
    return names


def reject_unknown_query(request: Request) -> None:
    """An unknown or repeated query parameter is an error, like an unknown body field: a typo
    such as `sinse=` must not silently mean 'from the start'."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _ALLOWED_QUERY.get(id(route))
    if allowed is None:
        allowed = frozenset(_query_names(dependant))
        _ALLOWED_QUERY[id(route)] = allowed
    repeated = sorted(
        k for k in set(request.query_params) if len(request.query_params.getlist(k)) > 1
    )
    if repeated:
        raise ApiError(
            422,
            ErrorCode.INVALID_REQUEST,
            f"query parameter {repeated[0][:40]!r} is given more than once; give it once",
        )
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        known = ", ".join(sorted(allowed)) or "none"
        raise ApiError(
            422,
            ErrorCode.INVALID_REQUEST,
            f"unknown query parameter(s) {shown}; this operation takes: {known}",
        )


def document_protocol_header(app: FastAPI) -> None:
    """Add the protocol header to every operation of the OpenAPI schema."""
    parameter = {
        "name": PROTOCOL_HEADER,
        "in": "header",
        "required": False,
        "description": "The sync protocol version the client speaks (absent: "
        f"{PROTOCOL_VERSION}). Another version answers 400 protocol_unsupported.",
        "schema": {"type": "integer", "minimum": MIN_PROTOCOL_VERSION, "maximum": PROTOCOL_VERSION},
    }
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.setdefault("parameters", []).append(dict(parameter))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def current_device(
    db: Annotated[Database, Depends(get_db)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> DeviceIdentity:
    return authenticate(db, credentials.credentials if credentials else None)


Db = Annotated[Database, Depends(get_db)]
Device = Annotated[DeviceIdentity, Depends(current_device)]
Cid = Annotated[str | None, Depends(get_cid)]


def same_store(device: DeviceIdentity, store_id: str | None) -> str:
    """The device's store; 403 when the request names another one."""
    if store_id is not None and store_id != device.store_id:
        raise ApiError(
            403,
            ErrorCode.FORBIDDEN,
            f"this device belongs to store {device.store_id} and may not read store {store_id}",
        )
    return device.store_id


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the listed error statuses (all ErrorBody)."""
    text = {
        400: "Malformed JSON, unsupported protocol version or bad parameter",
        401: "No, unknown or deactivated device token",
        403: "Another store's data or another register's upload",
        404: "Not found",
        409: "Conflict",
        410: "Cursor expired: download everything again",
        413: "Request body too large",
        422: "Wrong types, unknown or missing fields",
    }
    return {s: {"model": ErrorBody, "description": text.get(s, "Error")} for s in statuses}
