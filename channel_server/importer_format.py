"""The import files' format: typed columns, and strict streaming readers for CSV and JSON.

Every file is a table of one entity: a CSV file (UTF-8, a header row naming its columns) or a
JSON file (a list of objects). A column's kind decides how its text or JSON value is read and
what the change log gets (decimals stay the exact text they were written as). Problems are
collected with their file, line (CSV) or JSON path and column, and nothing is written while
there is one; after `MAX_PROBLEMS` the reader stops collecting, since one wrong export usually
repeats the same mistake a million times.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.pricing_engine.scenario_json import JsonFloat, ScenarioError, parse_json

MAX_PROBLEMS = 100
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,10})?")
_INT = re.compile(r"-?[0-9]{1,12}")
_NOT_ID = re.compile(r"[\x00-\x1f]|^\s|\s$")  # control characters, outer spaces


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    where: str  # "line 7" (CSV) or "$[3]" (JSON) or "" (the whole file)
    column: str
    message: str

    def __str__(self) -> str:
        if self.where.startswith("$"):
            path = f"{self.where}.{self.column}" if self.column else self.where
            return f"{self.file}, {path}: {self.message}"
        parts = [self.file] + [
            p for p in (self.where, self.column and f"column {self.column}") if p
        ]
        return f"{', '.join(parts)}: {self.message}"


class ImportProblems(ValueError):
    """Bad input: every problem found (up to MAX_PROBLEMS); nothing was written."""

    def __init__(self, problems: Sequence[Problem], more: bool = False) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems)
        tail = f"\n  ... (stopped after the first {MAX_PROBLEMS})" if more else ""
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(
            f"import refused, nothing was written ({len(self.problems)} {noun}):\n{shown}{tail}"
        )


class Problems:
    """The problems of one import, in the order found."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = False

    def add(self, file: str, where: str, column: str, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.more = True
            return
        self.items.append(Problem(file, where, column, message))

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_PROBLEMS

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblems(self.items, self.more)


class Bad(ValueError):
    """One value that does not fit its column."""


# ---- column kinds: (CSV text -> value, JSON value -> value) -------------------------------------


def _text_csv(text: str) -> str:
    return text


def _text_json(value: object) -> str:
    if not isinstance(value, str):
        raise Bad(f"must be a string, not {_kind(value)}")
    return value


def _id_csv(text: str) -> str:
    if len(text) > 64 or _NOT_ID.search(text):
        raise Bad(f"{text[:70]!r} is not an id (1-64 printable characters, no outer spaces)")
    return text


def _id_json(value: object) -> str:
    return _id_csv(_text_json(value))


def _dec_csv(text: str) -> str:
    if not _DECIMAL.fullmatch(text):
        hint = " (use a dot, not a comma)" if "," in text else ""
        raise Bad(f"{text[:40]!r} is not a decimal number such as 1.99{hint}")
    return text


def _dec_json(value: object) -> str:
    if isinstance(value, JsonFloat):
        raise Bad(f'write decimals as strings such as "{value.text}", not the JSON number')
    if isinstance(value, int) and not isinstance(value, bool):
        raise Bad(f'write decimals as strings such as "{value}", not the JSON number')
    return _dec_csv(_text_json(value))


def _int_csv(text: str) -> int:
    if not _INT.fullmatch(text):
        raise Bad(f"{text[:40]!r} is not a whole number")
    return int(text)


def _int_json(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad(f"must be a whole number, not {_kind(value)}")
    return value


_BOOLS = {"true": True, "false": False}


def _bool_csv(text: str) -> bool:
    try:
        return _BOOLS[text]
    except KeyError:
        raise Bad(f"{text[:40]!r} is not true or false") from None


def _bool_json(value: object) -> bool:
    if not isinstance(value, bool):
        raise Bad(f"must be true or false, not {_kind(value)}")
    return value


def _date_csv(text: str) -> str:
    try:
        if len(text) != 10:
            raise ValueError
        dt.date.fromisoformat(text)
    except ValueError:
        raise Bad(f"{text[:40]!r} is not a date YYYY-MM-DD") from None
    return text


def _date_json(value: object) -> str:
    return _date_csv(_text_json(value))


def _list_csv(text: str) -> list[str]:
    return text.split("|")


def _list_json(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Bad(f"must be a list of strings, not {_kind(value)}")
    return list(value)


def _dims_csv(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split("|"):
        name, eq, value = part.partition("=")
        if not eq or not name or not value:
            raise Bad(f"{text[:60]!r}: write dimensions as name=value|name=value")
        if name in out:
            raise Bad(f"dimension {name!r} is given twice")
        out[name] = value
    return out


def _dims_json(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Bad(f'must be an object of strings such as {{"size": "M"}}, not {_kind(value)}')
    return dict(value)


def _json_csv(text: str) -> object:
    try:
        return _plain(parse_json(text))
    except ScenarioError:
        raise Bad(f"{text[:60]!r} is not JSON") from None


def _json_json(value: object) -> object:
    return _plain(value)


def _plain(value: object) -> object:
    """JSON with floats refused (decimals are strings everywhere)."""
    if isinstance(value, JsonFloat):
        raise Bad(f'write decimals as strings such as "{value.text}", not the JSON number')
    if isinstance(value, dict):
        dupes = getattr(value, "duplicates", [])
        if dupes:
            raise Bad(f"duplicate key {dupes[0]!r}")
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


KINDS: dict[str, tuple[Callable[[str], Any], Callable[[object], Any]]] = {
    "text": (_text_csv, _text_json),
    "id": (_id_csv, _id_json),
    "dec": (_dec_csv, _dec_json),
    "int": (_int_csv, _int_json),
    "bool": (_bool_csv, _bool_json),
    "date": (_date_csv, _date_json),
    "list": (_list_csv, _list_json),
    "dims": (_dims_csv, _dims_json),
    "json": (_json_csv, _json_json),
}


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, JsonFloat):
        return f"the number {value.text}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", str: "a string", int: "a number"}.get(
        type(value), type(value).__name__
    )


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its kind, whether every row needs it, and the values or range it allows."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int | None = None  # ints: smallest allowed; decimals: 0 means "not negative"
    high: int | None = None


@dataclass(frozen=True, slots=True, eq=False)
class FileSpec:
    """One entity file: its base name (`products` -> products.csv or products.json), its
    columns, the columns that make a row's key, and whether a CSV version exists."""

    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    csv: bool = True
    by_name: Mapping[str, Col] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})


def _check(col: Col, value: Any) -> None:
    if col.choices and value not in col.choices:
        raise Bad(f"{value!r} is not one of {', '.join(col.choices)}")
    if col.kind == "int":
        if col.low is not None and value < col.low:
            raise Bad(f"{value} is below {col.low}")
        if col.high is not None and value > col.high:
            raise Bad(f"{value} is above {col.high}")
    elif col.kind == "dec" and col.low == 0 and value.startswith("-"):
        raise Bad(f"{value} must not be negative")
    elif col.kind == "id" and not value:
        raise Bad("must not be empty")


Row = dict[str, Any]


@dataclass
class Entry:
    """One checked row and where it came from (for messages about it later)."""

    where: str
    file: str
    data: Row


def find_file(directory: Path, spec: FileSpec, problems: Problems) -> Path | None:
    """`<name>.csv` or `<name>.json` in the directory (both is a mistake)."""
    found = [
        p for p in (directory / f"{spec.name}.csv", directory / f"{spec.name}.json") if p.exists()
    ]
    if len(found) == 2:
        problems.add(found[0].name, "", "", f"{found[1].name} exists too: keep one of the two")
        return None
    if found and found[0].suffix == ".csv" and not spec.csv:
        problems.add(found[0].name, "", "", f"{spec.name} is JSON only: write {spec.name}.json")
        return None
    return found[0] if found else None


OnBad = Callable[[Row], None]


def _ignore(row: Row) -> None:
    pass


def read_rows(
    path: Path, spec: FileSpec, problems: Problems, on_bad: OnBad = _ignore
) -> Iterator[tuple[str, Row]]:
    """(where, row) for every good row of the file; bad ones go to `problems`, and what could
    be read of them to `on_bad` (so a row with one bad cell still counts as existing for
    references, instead of every row naming it reporting it again)."""
    if path.suffix == ".csv":
        yield from _csv_rows(path, spec, problems, on_bad)
    else:
        yield from _json_rows(path, spec, problems, on_bad)


def _csv_rows(
    path: Path, spec: FileSpec, problems: Problems, on_bad: OnBad
) -> Iterator[tuple[str, Row]]:
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                problems.add(name, "", "", "the file is empty: it needs a header row")
                return
            cols = _header(name, header, spec, problems)
            if cols is None:
                return
            width = len(cols)
            convert = [KINDS[c.kind][0] for c in cols]
            for cells in reader:
                line = reader.line_num
                if problems.items and problems.full:
                    problems.more = True
                    return
                if len(cells) != width:
                    if not cells:
                        continue  # a blank line
                    problems.add(
                        name, f"line {line}", "", f"{len(cells)} cells, the header has {width}"
                    )
                    continue
                row: Row = {}
                ok = True
                for col, conv, text in zip(cols, convert, cells, strict=True):
                    if text == "":
                        if col.required:
                            problems.add(name, f"line {line}", col.name, "a value is required")
                            ok = False
                        continue
                    try:
                        value = conv(text)
                        if col.choices or col.low is not None or col.high is not None:
                            _check(col, value)
                    except Bad as exc:
                        problems.add(name, f"line {line}", col.name, str(exc))
                        ok = False
                        continue
                    row[col.name] = value
                if ok:
                    yield f"line {line}", row
                else:
                    on_bad(row)
    except UnicodeDecodeError as exc:
        problems.add(name, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except csv.Error as exc:
        problems.add(name, "", "", f"malformed CSV: {exc}")


def _header(name: str, header: list[str], spec: FileSpec, problems: Problems) -> list[Col] | None:
    cols: list[Col] = []
    ok = True
    for title in header:
        col = spec.by_name.get(title.strip())
        if col is None:
            problems.add(name, "line 1", title, f"unknown column (known: {_names(spec)})")
            ok = False
        elif col in cols:
            problems.add(name, "line 1", title, "the column is there twice")
            ok = False
        else:
            cols.append(col)
    for col in spec.columns:
        if col.required and col not in cols:
            problems.add(name, "line 1", col.name, "required column is missing")
            ok = False
    return cols if ok else None


def _names(spec: FileSpec) -> str:
    return ", ".join(c.name for c in spec.columns)


def _json_rows(
    path: Path, spec: FileSpec, problems: Problems, on_bad: OnBad
) -> Iterator[tuple[str, Row]]:
    name = path.name
    try:
        data = parse_json(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        problems.add(name, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    except ScenarioError as exc:
        problems.add(name, "", "", exc.problems[0].removeprefix("$: "))
        return
    if not isinstance(data, list):
        problems.add(name, "$", "", f"must be a list of objects, not {_kind(data)}")
        return
    for i, item in enumerate(data):
        row = json_row(name, f"$[{i}]", item, spec, problems, on_bad)
        if row is not None:
            yield f"$[{i}]", row


def json_row(
    name: str,
    where: str,
    item: object,
    spec: FileSpec,
    problems: Problems,
    on_bad: OnBad = _ignore,
) -> Row | None:
    """One JSON object checked against the columns (also used for nested lists)."""
    if not isinstance(item, dict):
        problems.add(name, where, "", f"must be an object, not {_kind(item)}")
        return None
    ok = True
    for key in getattr(item, "duplicates", ()):
        problems.add(name, where, key, "the key is given twice")
        ok = False
    row: Row = {}
    for key, value in item.items():
        col = spec.by_name.get(key)
        if col is None:
            problems.add(name, where, key, f"unknown field (known: {_names(spec)})")
            ok = False
            continue
        if value is None:
            continue
        try:
            row[key] = KINDS[col.kind][1](value)
            _check(col, row[key])
        except Bad as exc:
            problems.add(name, where, key, str(exc))
            ok = False
    for col in spec.columns:
        if col.required and col.name not in row:
            problems.add(name, where, col.name, "a value is required")
            ok = False
    if not ok:
        on_bad(row)
        return None
    return row
