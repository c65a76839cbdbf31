"""The outermost layer: a correlation id on every request and response, a cap on body size,
and a last-resort 500 that still carries the correlation id.

Pure ASGI (no BaseHTTPMiddleware) so it sees every response, including error pages, and can
refuse an oversized body before any of it is parsed.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import CORRELATION_HEADER, MAX_BODY_BYTES, ErrorBody, ErrorCode

log = logging.getLogger("channel_server")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_HEADER = CORRELATION_HEADER.lower().encode()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return str(value.decode("latin-1"))
            except UnicodeDecodeError:
                return None
    return None


class CorrelationAndLimits:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, _HEADER)
        cid = given if given and _VALID_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = cid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _HEADER]
                headers.append((_HEADER, cid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            await _send_json(
                send_with_id,
                400,
                ErrorBody(
                    code=ErrorCode.INVALID_REQUEST,
                    message="query parameters must not contain NUL characters",
                    correlation_id=cid,
                ),
            )
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse_size(send_with_id, cid)
            return
        body, too_big = await self._read_body(receive)
        if too_big:
            await self._refuse_size(send_with_id, cid)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect

        try:
            await self.app(scope, replay, send_with_id)
        except Exception:
            log.exception("server error [%s] %s %s", cid, scope.get("method"), scope.get("path"))
            if not started:
                await _send_json(
                    send_with_id,
                    500,
                    ErrorBody(
                        code=ErrorCode.INTERNAL_ERROR,
                        message="the server failed on this request; retry later, and report "
                        "the correlation id if it keeps failing",
                        correlation_id=cid,
                    ),
                )

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    async def _refuse_size(self, send: Send, cid: str) -> None:
        body = ErrorBody(
            code=ErrorCode.BODY_TOO_LARGE,
            message=f"the request body is larger than {self.max_body} bytes; "
            "send fewer items per batch",
            correlation_id=cid,
        )
        await _send_json(send, 413, body, close=True)


async def _send_json(send: Send, status: int, body: ErrorBody, close: bool = False) -> None:
    data = json.dumps(body.model_dump(mode="json", exclude_none=True)).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": data})
