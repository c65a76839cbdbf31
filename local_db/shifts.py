"""`runtime.shift_ports.ShiftStore` over SQLite: shifts, drawer operations, settings, and the
sales figures of a shift.

Each shift change (open, drawer operation, declaration, suspend, resume, blind close, close)
is written in ONE write transaction with its journal-chain entry and outbox row
(`local_db.events.append_event`), so the event, its chain entry and what goes up to the
server commit together or not at all. A new shift's number per register comes from the
`counters` table ("shift") in that same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from local_db.database import Database
from local_db.events import append_event
from local_db.ledger import SqlSalesLedger
from local_db.shift_figures import sales_figures
from local_db.timefmt import format_utc, parse_utc
from runtime.ports import StorageError
from runtime.shifts import (
    Denomination,
    DenominationCount,
    DrawerKind,
    DrawerOperation,
    ReasonCode,
    SalesFigures,
    Shift,
    ShiftChange,
    ShiftModel,
    ShiftSettings,
    ShiftStatus,
)

SHIFT_COUNTER = "shift"
_SHIFT_COLUMNS = (
    "shift_id, store_id, register_id, opened_register_id, shift_no, model, status, operator_id,"
    " opened_at, status_changed_at, closed_at, closed_by, z_number"
)
_SELECT_SHIFT = f"SELECT {_SHIFT_COLUMNS} FROM shifts"
_INSERT_SHIFT = (
    f"INSERT INTO shifts ({_SHIFT_COLUMNS}, z_report, details)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')"
)
_UPDATE_SHIFT = (
    "UPDATE shifts SET register_id = ?, status = ?, status_changed_at = ?, closed_at = ?,"
    " closed_by = ?, z_number = ?, z_report = coalesce(?, z_report) WHERE shift_id = ?"
)
_OP_COLUMNS = (
    "operation_id, shift_id, store_id, register_id, kind, tender_type_id, currency, amount,"
    " bag_number, reason_code, account, operator_id, approver_id, at, comment, denominations"
)
_INSERT_OP = (
    f"INSERT INTO drawer_operations ({_OP_COLUMNS}, device_seq, journal_entry_no)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_BUMP_SHIFT = (
    "INSERT INTO counters (register_id, name, value) VALUES (?, ?, 1)"
    " ON CONFLICT (register_id, name) DO UPDATE SET value = value + 1 RETURNING value"
)


def _time(value: str | None) -> Any:
    return None if value is None else parse_utc(value)


def _shift(row: Sequence[Any]) -> Shift:
    return Shift(
        shift_id=row[0],
        store_id=row[1],
        register_id=row[2],
        opened_register_id=row[3],
        number=int(row[4]),
        model=ShiftModel(row[5]),
        status=ShiftStatus(row[6]),
        operator_id=row[7],
        opened_at=parse_utc(row[8]),
        status_changed_at=parse_utc(row[9]),
        closed_at=_time(row[10]),
        closed_by=row[11],
        z_number=row[12],
    )


def _operation(row: Sequence[Any]) -> DrawerOperation:
    notes = json.loads(row[15]) if row[15] else []
    return DrawerOperation(
        operation_id=row[0],
        shift_id=row[1],
        kind=DrawerKind(row[4]),
        register_id=row[3],
        tender_type_id=row[5],
        currency=row[6],
        amount=Decimal(row[7]),
        bag_number=row[8],
        reason_code=row[9],
        account=row[10],
        operator_id=row[11],
        approver_id=row[12],
        at=parse_utc(row[13]),
        comment=row[14],
        denominations=tuple(DenominationCount(Decimal(v), int(c)) for v, c in notes),
    )


def shift_payload(shift: Shift) -> dict[str, Any]:
    return {
        "shift_id": shift.shift_id,
        "store_id": shift.store_id,
        "shift_register_id": shift.register_id,
        "opened_register_id": shift.opened_register_id,
        "shift_no": shift.number,
        "model": shift.model.value,
        "status": shift.status.value,
        "operator_id": shift.operator_id,
        "opened_at": format_utc(shift.opened_at),
        "status_changed_at": format_utc(shift.status_changed_at),
        "closed_at": None if shift.closed_at is None else format_utc(shift.closed_at),
        "closed_by": shift.closed_by,
        "z_number": shift.z_number,
    }


def operation_payload(op: DrawerOperation) -> dict[str, Any]:
    return {
        "operation_id": op.operation_id,
        "kind": op.kind.value,
        "register_id": op.register_id,
        "operator_id": op.operator_id,
        "approver_id": op.approver_id,
        "at": format_utc(op.at),
        "tender_type_id": op.tender_type_id,
        "currency": op.currency,
        "amount": str(op.amount),
        "bag_number": op.bag_number,
        "reason_code": op.reason_code,
        "account": op.account,
        "comment": op.comment,
        "denominations": [[str(d.value), d.count] for d in op.denominations],
    }


class SqlShiftStore:
    """`runtime.shift_ports.ShiftStore`. `ledger` is the register's SqlSalesLedger: shift
    events go on the same journal chain and outbox sequence as its sales."""

    def __init__(self, db: Database, ledger: SqlSalesLedger) -> None:
        self._db = db
        self._ledger = ledger

    # ---- configuration ------------------------------------------------------------------------

    def settings(self, store_id: str, register_id: str) -> ShiftSettings:
        with self._db.read("read the shift settings") as conn:
            model = conn.execute(
                "SELECT model FROM register_shift_settings WHERE register_id = ?", (register_id,)
            ).fetchone()
            require = conn.execute(
                "SELECT require_start_amount_and_declaration FROM store_operation_settings"
                " WHERE store_id = ?",
                (store_id,),
            ).fetchone()
        return ShiftSettings(
            model=ShiftModel(model[0]) if model else ShiftModel.FIXED,
            require_start_amount_and_declaration=bool(require and require[0]),
        )

    def reason_code(self, store_id: str, code: str) -> ReasonCode | None:
        with self._db.read("read a reason code") as conn:
            row = conn.execute(
                "SELECT code, kind, name, account FROM reason_codes"
                " WHERE store_id = ? AND code = ?",
                (store_id, code),
            ).fetchone()
        return None if row is None else ReasonCode(*row)

    def denominations(self, currency: str) -> Sequence[Denomination]:
        with self._db.read("read the denominations") as conn:
            rows = conn.execute(
                "SELECT currency, value, kind, name FROM denominations WHERE currency = ?",
                (currency,),
            ).fetchall()
        found = [Denomination(c, Decimal(v), k, n) for c, v, k, n in rows]
        return sorted(found, key=lambda d: d.value, reverse=True)

    # ---- shifts -------------------------------------------------------------------------------

    def _one(self, where: str, args: tuple[object, ...]) -> Shift | None:
        with self._db.read("read a shift") as conn:
            row = conn.execute(f"{_SELECT_SHIFT} WHERE {where}", args).fetchone()
        return None if row is None else _shift(row)

    def open_shift(self, register_id: str) -> Shift | None:
        return self._one("register_id = ? AND status = 'open' LIMIT 1", (register_id,))

    def shift(self, shift_id: str) -> Shift | None:
        return self._one("shift_id = ?", (shift_id,))

    def last_closed(self, register_id: str) -> Shift | None:
        return self._one(
            "register_id = ? AND status = 'closed' ORDER BY closed_at DESC, rowid DESC LIMIT 1",
            (register_id,),
        )

    def shifts(self, store_id: str, status: ShiftStatus) -> Sequence[Shift]:
        with self._db.read("list shifts") as conn:
            rows = conn.execute(
                f"{_SELECT_SHIFT} WHERE store_id = ? AND status = ? ORDER BY opened_at, rowid",
                (store_id, status.value),
            ).fetchall()
        return [_shift(row) for row in rows]

    def operations(self, shift_id: str) -> Sequence[DrawerOperation]:
        with self._db.read("read the drawer operations") as conn:
            rows = conn.execute(
                f"SELECT {_OP_COLUMNS} FROM drawer_operations WHERE shift_id = ? ORDER BY op_no",
                (shift_id,),
            ).fetchall()
        return [_operation(row) for row in rows]

    def z_report(self, shift_id: str) -> Mapping[str, object] | None:
        with self._db.read("read a Z report") as conn:
            row = conn.execute("SELECT z_report FROM shifts WHERE shift_id = ?", (shift_id,))
            found = row.fetchone()
        if found is None or found[0] is None:
            return None
        data = json.loads(found[0])
        return data if isinstance(data, dict) else None

    def sales_figures(self, shift_id: str) -> SalesFigures:
        with self._db.read("add up the shift's sales") as conn:
            row = conn.execute(
                "SELECT s.currency_decimals FROM shifts h JOIN stores s ON s.store_id = h.store_id"
                " WHERE h.shift_id = ?",
                (shift_id,),
            ).fetchone()
            return sales_figures(conn, shift_id, int(row[0]) if row else 2)

    # ---- writing ------------------------------------------------------------------------------

    def record(self, change: ShiftChange) -> Shift:
        shift = change.shift
        reg = change.register_id or shift.register_id
        at = change.operations[0].at if change.operations else shift.status_changed_at
        now = format_utc(at)
        with self._db.write(f"record {change.kind.replace('_', ' ')}") as conn:
            if change.new_shift:
                (number,) = conn.execute(
                    _BUMP_SHIFT, (shift.opened_register_id, SHIFT_COUNTER)
                ).fetchone()
                shift = replace(shift, number=int(number))
            else:
                _check_writable(conn, shift.shift_id)
            payload: dict[str, Any] = {
                "shift": shift_payload(shift),
                "operations": [operation_payload(op) for op in change.operations],
            }
            if change.z_report is not None:
                payload["z_report"] = change.z_report
            device_seq, entry_no = append_event(
                conn, self._ledger, reg, change.kind, payload, subject_id=shift.shift_id, now=now
            )
            z_text = None if change.z_report is None else json.dumps(change.z_report)
            times = (
                format_utc(shift.status_changed_at),
                None if shift.closed_at is None else format_utc(shift.closed_at),
            )
            if change.new_shift:
                conn.execute(
                    _INSERT_SHIFT,
                    (
                        shift.shift_id,
                        shift.store_id,
                        shift.register_id,
                        shift.opened_register_id,
                        shift.number,
                        shift.model.value,
                        shift.status.value,
                        shift.operator_id,
                        format_utc(shift.opened_at),
                        *times,
                        shift.closed_by,
                        shift.z_number,
                        z_text,
                    ),
                )
            else:
                conn.execute(
                    _UPDATE_SHIFT,
                    (
                        shift.register_id,
                        shift.status.value,
                        *times,
                        shift.closed_by,
                        shift.z_number,
                        z_text,
                        shift.shift_id,
                    ),
                )
            conn.executemany(
                _INSERT_OP,
                [_op_row(shift, op, device_seq, entry_no) for op in change.operations],
            )
        return shift


def _check_writable(conn: sqlite3.Connection, shift_id: str) -> None:
    """A closed shift is history: nothing is written to it again."""
    row = conn.execute("SELECT status FROM shifts WHERE shift_id = ?", (shift_id,)).fetchone()
    if row is None:
        raise StorageError(f"there is no shift {shift_id}")
    if row[0] == ShiftStatus.CLOSED.value:
        raise StorageError(f"shift {shift_id} is already closed")


def _op_row(
    shift: Shift, op: DrawerOperation, device_seq: int, entry_no: int
) -> tuple[object, ...]:
    notes = json.dumps([[str(d.value), d.count] for d in op.denominations])
    return (
        op.operation_id,
        op.shift_id,
        shift.store_id,
        op.register_id,
        op.kind.value,
        op.tender_type_id,
        op.currency,
        str(op.amount),
        op.bag_number,
        op.reason_code,
        op.account,
        op.operator_id,
        op.approver_id,
        format_utc(op.at),
        op.comment,
        notes if op.denominations else None,
        device_seq,
        entry_no,
    )
