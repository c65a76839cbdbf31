"""Reading one master-data row (`data` of a change-log item) into column values.

The wire types are JSON's (docs/master-data.md): money, rates and quantities are decimal
strings, dates `YYYY-MM-DD`, booleans true/false. Each reader returns what the register's
SQLite tables store (decimal text as `str(Decimal)`, booleans as 0/1, JSON as text) or raises
`RowError` naming the field, so a bad row is reported precisely and never half-written.
Unknown fields are ignored: a newer server may send more than this register knows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_TEXT = 10_000  # a longer text field is a broken row, not a product name

Reader = Callable[[Any], Any]


class RowError(ValueError):
    """One master row that cannot be applied; the message says which field and why."""


class MissingParent(RowError):
    """The row names a parent (category, unit, tax group, store, ...) this register does not
    have yet. Not necessarily an error: the log keeps one row per key at its newest version,
    so a changed parent can arrive pages after the unchanged children that name it."""

    def __init__(self, table: str, column: str, value: str, message: str) -> None:
        super().__init__(message)
        self.table, self.column, self.value = table, column, value


class _Missing:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Missing()


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise RowError("must be text")
    if len(value) > MAX_TEXT or "\x00" in value:
        raise RowError("is too long or holds a NUL character")
    return value


def key_text(value: Any) -> str:
    checked = text(value)
    if not checked.strip():
        raise RowError("must not be empty")
    return checked


def opt_text(value: Any) -> str | None:
    return None if value is None else text(value)


def opt_key(value: Any) -> str | None:
    return None if value is None or value == "" else key_text(value)


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RowError("must be a whole number")
    if abs(value) > 2**62:
        raise RowError("is out of range")
    return value


def opt_integer(value: Any) -> int | None:
    return None if value is None else integer(value)


def boolean(value: Any) -> int:
    if not isinstance(value, bool):
        raise RowError("must be true or false")
    return int(value)


def decimal(value: Any) -> str:
    """A decimal string (or a JSON integer) as its exact text; floats are refused (inexact)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowError("must be a decimal string such as \"1.99\"")
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise RowError(f"is not a decimal number ({str(value)[:40]!r})") from None
    if not number.is_finite() or abs(number.adjusted()) > 15:
        raise RowError("is not a finite decimal number in range")
    return str(number)


def opt_decimal(value: Any) -> str | None:
    return None if value is None else decimal(value)


def day(value: Any) -> str:
    if not isinstance(value, str):
        raise RowError("must be a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day() -> str:
    raise RowError("must be a date YYYY-MM-DD")


def opt_day(value: Any) -> str | None:
    return None if value is None else day(value)


def text_list(value: Any) -> str:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RowError("must be a list of texts")
    return json.dumps(value)


def json_list(value: Any) -> str:
    if not isinstance(value, list):
        raise RowError("must be a list")
    return json.dumps(value)


def json_object(value: Any) -> str:
    if not isinstance(value, dict):
        raise RowError("must be an object")
    return json.dumps(value, sort_keys=True)


def text_map(value: Any) -> str:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RowError("must be an object of texts")
    return json.dumps(value, sort_keys=True)


def one_of(*choices: str) -> Reader:
    def read(value: Any) -> str:
        if value not in choices:
            raise RowError(f"must be one of {', '.join(choices)}")
        return str(value)

    return read


def field(data: Mapping[str, Any], name: str, reader: Reader, default: Any = REQUIRED) -> Any:
    """`data[name]` read by `reader`; a missing or null field takes `default` (the column's
    default), or is an error when the field is required."""
    value = data.get(name)
    if value is None:
        if default is REQUIRED:
            raise RowError(f"{name} is missing")
        return default
    try:
        return reader(value)
    except RowError as exc:
        raise RowError(f"{name} {exc}") from None


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RowError(f"{what} must be an object")
    return value


def items(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    """A list of objects (variants, barcodes, devices); missing means empty."""
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RowError(f"{name} must be a list")
    return [mapping(v, f"{name}[{i}]") for i, v in enumerate(value)]
