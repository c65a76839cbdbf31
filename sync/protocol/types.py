"""Protocol constants, field types, the strict base model and error bodies (sync protocol 1).

Part of `sync.protocol`; import from `sync.protocol`, not from here.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
)

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Tillpoint-Protocol"
CORRELATION_HEADER = "X-Correlation-ID"
MAX_BODY_BYTES = 8 * 1024 * 1024  # larger request bodies answer 413
MAX_PUSH_ITEMS = 500
MAX_PAYLOAD_CHARS = 1_000_000  # one outbox payload (a sale of a few thousand lines)
MAX_PAGE_ITEMS = 5_000
DEFAULT_PAGE_ITEMS = 1_000

# ---- field types ---------------------------------------------------------------------------

Id = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@#-]*$")
]
"""Store, register, device, transaction, customer, tender type, mutation ids."""
Key = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]
"""A master-data row's key (may be composite, e.g. 'S1|4006381333931')."""
_WORD = r"^[a-z][a-z0-9_]*$"
Kind = Annotated[str, StringConstraints(min_length=1, max_length=48, pattern=_WORD)]
Entity = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=_WORD)]
Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Signature = Annotated[str, StringConstraints(max_length=140, pattern=r"^[0-9]{1,6}:[0-9a-f]{128}$")]
Seq = Annotated[StrictInt, Field(ge=1, le=2**62)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _no_float(value: Any) -> Any:
    """Money and quantities travel as strings ("12.50"); a JSON float is refused, never rounded."""
    if isinstance(value, float | bool):
        raise ValueError('amounts are decimal strings such as "12.50", not numbers')
    if isinstance(value, str) and len(value) > 40:
        raise ValueError("amount text is too long")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("amount must be a finite decimal")
    return value


Money = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_finite)]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("times carry a timezone (UTC, e.g. 2025-01-31T12:00:00Z)")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError("time is out of range") from exc


UtcTime = Annotated[dt.datetime, AfterValidator(_aware)]


ProtocolVersion = Annotated[
    StrictInt,
    Field(
        description="The protocol version the client speaks; another one answers 400 "
        "protocol_unsupported (the range is documented, not enforced by validation, so the "
        "answer can say what to update)",
        json_schema_extra={"minimum": MIN_PROTOCOL_VERSION, "maximum": PROTOCOL_VERSION},
    ),
]


def _unicode(value: Any) -> Any:
    """JSON can carry lone surrogates ("\\ud800") that no database or hash can encode, and NUL
    characters that PostgreSQL text cannot hold."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    for text in texts:
        if isinstance(text, str):
            if "\x00" in text:
                raise ValueError("text must not contain NUL characters")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError("text is not valid Unicode (a lone surrogate)") from exc
    return value


class Strict(BaseModel):
    """Unknown fields are an error: a typo or a newer client must not be silently half-read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: Any) -> Any:
        return _unicode(value)


# ---- errors --------------------------------------------------------------------------------


class ErrorCode(enum.StrEnum):
    INVALID_JSON = "invalid_json"  # 400
    INVALID_REQUEST = "invalid_request"  # 422: wrong types, unknown or missing fields
    PROTOCOL_UNSUPPORTED = "protocol_unsupported"  # 400: client newer (or older) than server
    BODY_TOO_LARGE = "body_too_large"  # 413
    UNAUTHORIZED = "unauthorized"  # 401: no, unknown or deactivated token
    FORBIDDEN = "forbidden"  # 403: another store's data, another register's upload
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    ACTIVATION_INVALID = "activation_invalid"  # 403: unknown, used or expired code
    SEQ_GAP = "seq_gap"  # 409: push skipped device_seq values; see expected_seq
    PAYLOAD_CONFLICT = "payload_conflict"  # 409: known seq, different payload hash
    CONFLICT = "conflict"  # 409: e.g. a customer id created twice with different data
    CURSOR_EXPIRED = "cursor_expired"  # 410: stale epoch or compacted cursor: download all
    INTERNAL_ERROR = "internal_error"  # 500: a server bug, never bad input


class ErrorBody(Strict):
    """Every 4xx/5xx answer: a code to branch on and a message for a person."""

    code: ErrorCode
    message: Annotated[str, StringConstraints(max_length=2000)]
    correlation_id: str | None = None
    expected_seq: int | None = None  # seq_gap: the device_seq the server expects next
