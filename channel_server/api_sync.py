"""Routes of the sync protocol: health, activation, device status, push, changes, digest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy import text

from channel_server import ingest
from channel_server.api_common import (
    Cid,
    Db,
    Device,
    errors,
    protocol_header,
    reject_unknown_query,
    same_store,
)
from channel_server.changes_read import read_changes_json
from channel_server.devices import activate, utcnow
from channel_server.errors import ApiError, check_protocol
from channel_server.master_data import BadCursor, CursorExpired
from channel_server.models import DeviceRow
from channel_server.reports import register_digest
from sync.protocol import (
    CORRELATION_HEADER,
    DEFAULT_PAGE_ITEMS,
    MAX_PAGE_ITEMS,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    ActivationRequest,
    ActivationResponse,
    ChangesPage,
    DeviceStatus,
    ErrorCode,
    HealthResponse,
    PushBatch,
    PushResponse,
    RegisterDayDigest,
)


class _FastJsonRequest(Request):
    """Parses a JSON body with pydantic-core's parser: the standard library's took a quarter of
    the server's time on push batches (payloads are JSON text inside JSON, full of escapes).
    A body it refuses is parsed again by the standard library, so bad input gets the same
    answer as before (a lone surrogate stays a 422 of the model, not a parse error)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = pydantic_core.from_json(body)
            except ValueError:
                self._json = json.loads(body)
        return self._json


class _FastJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def fast(request: Request) -> Response:
            return await handler(_FastJsonRequest(request.scope, request.receive))

        return fast


router = APIRouter(
    prefix="/v1",
    dependencies=[Depends(protocol_header), Depends(reject_unknown_query)],
    route_class=_FastJsonRoute,
)
_AUTH = errors(400, 401, 403, 422)


@router.get("/health", response_model=HealthResponse, responses=errors(400, 422, 503))
def health(db: Db) -> HealthResponse:
    """Answers without a token: the register's way back online."""
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        raise ApiError(
            503, ErrorCode.INTERNAL_ERROR, "the server's database is unavailable"
        ) from exc
    return HealthResponse(
        status="ok",
        protocol_version=PROTOCOL_VERSION,
        min_protocol_version=MIN_PROTOCOL_VERSION,
        server_time=utcnow(),
    )


@router.post("/activate", response_model=ActivationResponse, responses=errors(400, 403, 413, 422))
def activate_device(body: ActivationRequest, db: Db) -> ActivationResponse:
    """Exchange a one-time activation code for this register's device token."""
    check_protocol(body.protocol_version)
    return activate(db, body.code)


@router.get("/device", response_model=DeviceStatus, responses=_AUTH)
def device_status(db: Db, device: Device) -> DeviceStatus:
    """Where the server's copy of this register's outbox and journal chain stands."""
    with db.read() as session:
        row = session.get(DeviceRow, device.device_id)
        assert row is not None
        return DeviceStatus(
            device_id=row.device_id,
            store_id=row.store_id,
            register_id=row.register_id,
            last_seq=row.last_seq,
            journal_entry_no=row.journal_entry_no,
            journal_hash=row.journal_hash,
        )


@router.post(
    "/push",
    response_model=PushResponse,
    responses={
        **errors(400, 401, 403, 413, 422),
        409: {"model": PushResponse, "description": "Stopped at a seq gap or payload conflict"},
    },
)
def push(body: PushBatch, db: Db, device: Device, cid: Cid) -> Response:
    """Upload outbox items in device_seq order (see docs/sync-protocol.md)."""
    answer = ingest.push(db, device, body, cid)
    status = 200 if answer.error is None else 409
    headers = {CORRELATION_HEADER: cid} if cid else None
    return Response(answer.model_dump_json(), status, headers, "application/json")


@router.get("/changes", response_model=ChangesPage, responses=errors(400, 401, 403, 410, 422))
def changes(
    db: Db,
    device: Device,
    since: Annotated[
        str | None, Query(max_length=80, description="next_cursor of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ITEMS)] = DEFAULT_PAGE_ITEMS,
    store_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A page of the store's master-data change log after `since` (omit it: from the start)."""
    store = same_store(device, store_id)
    try:
        with db.read() as session:  # the stored data texts spliced in (channel_server.changes_read)
            body = read_changes_json(session, store, since, limit)
    except BadCursor as exc:
        raise ApiError(400, ErrorCode.INVALID_REQUEST, str(exc)) from exc
    except CursorExpired as exc:
        raise ApiError(410, ErrorCode.CURSOR_EXPIRED, str(exc)) from exc
    return Response(body, media_type="application/json")


@router.get("/digest", response_model=RegisterDayDigest, responses=errors(400, 401, 403, 404, 422))
def digest(
    db: Db,
    device: Device,
    business_day: dt.date,
    timezone: Annotated[str, Query(min_length=1, max_length=64)] = "UTC",
    register_id: Annotated[str | None, Query(max_length=64)] = None,
    store_id: Annotated[str | None, Query(max_length=64)] = None,
) -> RegisterDayDigest:
    """What the server holds of one register's business day (default: the caller)."""
    store = same_store(device, store_id)
    try:
        with db.read() as session:
            return register_digest(
                session, store, register_id or device.register_id, business_day, timezone
            )
    except LookupError as exc:
        raise ApiError(404, ErrorCode.NOT_FOUND, str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, ErrorCode.INVALID_REQUEST, str(exc)) from exc
