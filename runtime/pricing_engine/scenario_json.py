"""The JSON layer of pricing scenarios: strict parsing and typed reads that name the JSON path.

Floats are kept as text so money written as a JSON number can be refused; duplicate keys are
remembered; every problem is collected with its path instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TypeVar

from runtime.money import ZERO

E = TypeVar("E")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,10})?")  # plain digits: no exponent, NaN, spaces


class ScenarioError(ValueError):
    """A malformed scenario; `problems` are "JSON path: what is wrong", in document order."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun}:\n" + "\n".join(f"  {p}" for p in problems))


class JsonFloat:
    """A JSON number with a fraction or exponent, kept as text so it can be refused."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Obj(dict[str, object]):
    duplicates: list[str]


def _pairs(pairs: list[tuple[str, object]]) -> _Obj:
    obj = _Obj()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def parse_json(text: str) -> object:
    try:
        return json.loads(text, parse_float=JsonFloat, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [f"$: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None


class _Reader:
    """Typed access to JSON values that records every problem with its path."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, object] | None:
        if not isinstance(value, dict):
            self.err(path, f"must be an object, not {_kind(value)}")
            return None
        for key in getattr(value, "duplicates", ()):
            self.err(f"{path}.{key}", "duplicate key")
        known = required + optional
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.err(f"{path}.{key}", f"unknown key{hint} (allowed: {', '.join(known)})")
        for key in required:
            if key not in value:
                self.err(f"{path}.{key}", "missing (required)")
        return value

    def items(self, value: object, path: str) -> list[tuple[str, object]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(path, f"must be a list, not {_kind(value)}")
            return []
        return [(f"{path}[{i}]", v) for i, v in enumerate(value)]

    def text(self, o: Mapping[str, object], key: str, path: str, default: str = "") -> str:
        value = o.get(key, default)
        if not isinstance(value, str):
            self.err(f"{path}.{key}", f"must be a string, not {_kind(value)}")
            return default
        return value

    def ident(self, o: Mapping[str, object], key: str, path: str) -> str:
        value = self.text(o, key, path)
        if key in o and isinstance(o[key], str) and not value.strip():
            self.err(f"{path}.{key}", "must not be empty")
        return value

    def opt_text(self, o: Mapping[str, object], key: str, path: str) -> str | None:
        if o.get(key) is None:
            return None
        return self.text(o, key, path)

    def decimal(
        self, o: Mapping[str, object], key: str, path: str, *, positive: bool = False
    ) -> Decimal | None:
        """A decimal string ("10.00"); JSON numbers with a fraction are refused."""
        value = o.get(key)
        if value is None:
            return None
        where = f"{path}.{key}"
        if isinstance(value, JsonFloat):
            self.err(
                where,
                f'must be a decimal string such as "{value.text}", not the JSON number '
                f"{value.text} (JSON numbers are binary floats)",
            )
            return None
        if not isinstance(value, str):
            self.err(where, f"must be a decimal string, not {_kind(value)}")
            return None
        if not _DECIMAL.fullmatch(value):
            self.err(where, f'must be a decimal string such as "10.00", not {value!r}')
            return None
        number = Decimal(value)
        if number < ZERO or (positive and number == ZERO):
            self.err(where, f"must be {'> 0' if positive else '>= 0'} (got {value})")
            return None
        return number

    def integer(self, o: Mapping[str, object], key: str, path: str, default: int) -> int:
        value = o.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(f"{path}.{key}", f"must be a whole JSON number, not {_kind(value)}")
            return default
        return value

    def flag(self, o: Mapping[str, object], key: str, path: str, default: bool = False) -> bool:
        value = o.get(key, default)
        if not isinstance(value, bool):
            self.err(f"{path}.{key}", f"must be true or false, not {_kind(value)}")
            return default
        return value

    def date(self, o: Mapping[str, object], key: str, path: str) -> dt.date | None:
        value = o.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.err(f"{path}.{key}", f"must be a date string YYYY-MM-DD, not {_show(value)}")
        return None

    def choice(
        self, o: Mapping[str, object], key: str, path: str, options: Callable[[str], E],
        allowed: tuple[str, ...], default: E,
    ) -> E:  # fmt: skip
        value = o.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            self.err(f"{path}.{key}", f"must be one of {', '.join(allowed)}, not {_show(value)}")
            return default
        return options(value)

    def strings(self, o: Mapping[str, object], key: str, path: str) -> tuple[str, ...]:
        out: list[str] = []
        for where, value in self.items(o.get(key), f"{path}.{key}"):
            if isinstance(value, str) and value.strip():
                out.append(value)
            else:
                self.err(where, f"must be a non-empty string, not {_show(value)}")
        return tuple(out)

    def refs(
        self, o: Mapping[str, object], key: str, path: str, known: Mapping[str, object] | set[str],
        what: str,
    ) -> frozenset[str]:  # fmt: skip
        ids = self.strings(o, key, path)
        for i, ref in enumerate(ids):
            if ref not in known:
                self.err(f"{path}.{key}[{i}]", f"unknown {what} {ref!r}")
        return frozenset(ids)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, JsonFloat | int):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _show(value: object) -> str:
    if isinstance(value, JsonFloat):
        return value.text
    if isinstance(value, str):
        return repr(value)
    return _kind(value)


def _enum_values(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in kind)


def _dimensions(r: _Reader, o: Mapping[str, object], path: str) -> dict[str, str]:
    dims = o.get("dimensions")
    if dims is None:
        return {}
    d = r.obj(dims, f"{path}.dimensions", (), tuple(dims) if isinstance(dims, dict) else ())
    return {k: r.text(d or {}, k, f"{path}.dimensions") for k in d or {}}


def _ordered(r: _Reader, path: str, start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        r.err(f"{path}.from", f"{start} is after to {end}: dates must be ordered")
