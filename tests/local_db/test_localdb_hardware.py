"""Hardware profiles stored in the register database: round trip, and bad rows reported."""

from __future__ import annotations

import pytest

from local_db import Database
from local_db.hardware import HardwareProfileError, register_profile, store_profile
from runtime.devices import DeviceCategory, DeviceConfig, HardwareProfile, Transport

PROFILE = HardwareProfile(
    "TILL-A",
    (
        DeviceConfig(
            "printer", DeviceCategory.RECEIPT_PRINTER, "escpos", Transport.NETWORK,
            "127.0.0.1", 9100, code_page="CP858", paper_width_mm=80,
        ),
        DeviceConfig(
            "drawer", DeviceCategory.CASH_DRAWER, "printer_kick", drawer_pin=5,
            options={"printer": "printer"},
        ),
        DeviceConfig(
            "scale", DeviceCategory.SCALE, "toledo8217", Transport.SERIAL, "/dev/ttyS0",
            baudrate=9600, bytesize=7, parity="E", timeout_s=1.5,
        ),
    ),
    name="Till model A",
    barcode_layouts=({"prefix": "21", "item_digits": 5, "value": "price", "value_digits": 5},),
)  # fmt: skip


def test_profile_round_trips_in_order(db: Database) -> None:
    register_id = "R1"
    store_profile(db, PROFILE, [register_id])
    loaded = register_profile(db, register_id)
    assert loaded == PROFILE
    assert [d.device_id for d in loaded.devices] == ["printer", "drawer", "scale"]


def test_replacing_a_profile_drops_removed_devices(db: Database) -> None:
    store_profile(db, PROFILE, ["R1"])
    smaller = HardwareProfile("TILL-A", PROFILE.devices[:1], name="Till model A")
    store_profile(db, smaller)
    loaded = register_profile(db, "R1")
    assert loaded is not None and [d.device_id for d in loaded.devices] == ["printer"]


def test_register_without_profile_has_no_devices(db: Database) -> None:
    with db.write("clear") as conn:
        conn.execute("UPDATE registers SET hardware_profile_id = NULL")
    assert register_profile(db, "R1") is None


def test_a_bad_row_names_the_profile_and_device(db: Database) -> None:
    store_profile(db, PROFILE, ["R1"])
    with db.write("break it") as conn:
        conn.execute("UPDATE hardware_devices SET drawer_pin = 3 WHERE device_id = 'drawer'")
    with pytest.raises(HardwareProfileError, match="TILL-A, device drawer: .*pin must be 2 or 5"):
        register_profile(db, "R1")


def test_a_missing_profile_is_reported(db: Database) -> None:
    with db.write("dangle") as conn:
        conn.execute("UPDATE registers SET hardware_profile_id = 'GONE' WHERE register_id = 'R1'")
    with pytest.raises(HardwareProfileError, match="GONE, which does not exist"):
        register_profile(db, "R1")
