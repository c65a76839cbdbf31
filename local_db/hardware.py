"""Hardware profiles in the register database: which devices a register drives.

A profile (`hardware_profiles` + `hardware_devices`) is master data like a price: IT sets it up
once per till model, the channel server sends it down, and `registers.hardware_profile_id`
picks the one a register uses. A malformed row (an unknown category, a bad pin) is reported by
naming the profile and device, never silently skipped: a register that thinks it has no
printer would sell without receipts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from local_db.database import Database
from runtime.devices import DeviceCategory, DeviceConfig, HardwareProfile, Transport

_COLUMNS = (
    "device_id, category, driver, transport, address, port, baudrate, bytesize, parity,"
    " stopbits, code_page, paper_width_mm, drawer_pin, scanner_suffix, timeout_s, options"
)


class HardwareProfileError(ValueError):
    """A stored hardware profile cannot be used; the message names the row at fault."""


def _json(text: object, default: Any) -> Any:
    if text is None:
        return default
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return default


def _device(profile_id: str, row: tuple[Any, ...]) -> DeviceConfig:
    (device_id, category, driver, transport, address, port, baud, bytesize, parity, stopbits,
     code_page, width, pin, suffix, timeout, options) = row  # fmt: skip
    where = f"hardware profile {profile_id}, device {device_id}"
    opts = _json(options, {})
    if not isinstance(opts, dict):
        raise HardwareProfileError(f"{where}: options must be a JSON object")
    try:
        return DeviceConfig(
            device_id=str(device_id),
            category=DeviceCategory(category),
            driver=str(driver),
            transport=Transport(transport),
            address=str(address or ""),
            port=None if port is None else int(port),
            baudrate=int(baud),
            bytesize=int(bytesize),
            parity=str(parity),
            stopbits=int(stopbits),
            code_page=str(code_page),
            paper_width_mm=int(width),
            drawer_pin=int(pin),
            scanner_suffix=str(suffix),
            timeout_s=float(timeout),
            options={str(k): str(v) for k, v in opts.items()},
        )
    except ValueError as exc:
        raise HardwareProfileError(f"{where}: {exc}") from exc


def load_profile(conn: sqlite3.Connection, profile_id: str) -> HardwareProfile | None:
    head = conn.execute(
        "SELECT name, barcode_layouts FROM hardware_profiles WHERE profile_id = ?", (profile_id,)
    ).fetchone()
    if head is None:
        return None
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM hardware_devices WHERE profile_id = ?"
        " ORDER BY position, device_id",
        (profile_id,),
    ).fetchall()
    layouts = _json(head[1], [])
    if not isinstance(layouts, list) or not all(isinstance(x, dict) for x in layouts):
        raise HardwareProfileError(
            f"hardware profile {profile_id}: barcode layouts must be a list of objects"
        )
    return HardwareProfile(
        profile_id,
        tuple(_device(profile_id, row) for row in rows),
        name=str(head[0]),
        barcode_layouts=tuple(layouts),
    )


def register_profile(db: Database, register_id: str) -> HardwareProfile | None:
    """The hardware profile of `register_id`, or None when it has none (no devices)."""
    with db.read("read the register's hardware profile") as conn:
        row = conn.execute(
            "SELECT hardware_profile_id FROM registers WHERE register_id = ?", (register_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        profile = load_profile(conn, str(row[0]))
    if profile is None:
        raise HardwareProfileError(
            f"register {register_id} names hardware profile {row[0]}, which does not exist"
        )
    return profile


def _device_row(profile_id: str, position: int, d: DeviceConfig) -> tuple[Any, ...]:
    return (
        profile_id, d.device_id, position, d.category.value, d.driver, d.transport.value,
        d.address, d.port, d.baudrate, d.bytesize, d.parity, d.stopbits, d.code_page,
        d.paper_width_mm, d.drawer_pin, d.scanner_suffix, str(d.timeout_s),
        json.dumps(dict(d.options), sort_keys=True),
    )  # fmt: skip


def save_profile(
    conn: sqlite3.Connection, profile: HardwareProfile, registers: Iterable[str] = ()
) -> None:
    """Replace a profile (inside the caller's write transaction) and point `registers` at it."""
    conn.execute(
        "INSERT INTO hardware_profiles (profile_id, name, barcode_layouts) VALUES (?, ?, ?)"
        " ON CONFLICT (profile_id) DO UPDATE SET name = excluded.name,"
        " barcode_layouts = excluded.barcode_layouts",
        (profile.profile_id, profile.name, json.dumps([dict(x) for x in profile.barcode_layouts])),
    )
    conn.execute("DELETE FROM hardware_devices WHERE profile_id = ?", (profile.profile_id,))
    conn.executemany(
        "INSERT INTO hardware_devices (profile_id, device_id, position, category, driver,"
        " transport, address, port, baudrate, bytesize, parity, stopbits, code_page,"
        " paper_width_mm, drawer_pin, scanner_suffix, timeout_s, options)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_device_row(profile.profile_id, i, d) for i, d in enumerate(profile.devices)],
    )
    for register_id in registers:
        conn.execute(
            "UPDATE registers SET hardware_profile_id = ? WHERE register_id = ?",
            (profile.profile_id, register_id),
        )


def store_profile(db: Database, profile: HardwareProfile, registers: Iterable[str] = ()) -> None:
    with db.write("save a hardware profile") as conn:
        save_profile(conn, profile, registers)

