"""Bad import files: each mistake is named with its file, line (or JSON path) and column, and
nothing at all is written (change log, stores, devices, stock, customers)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from channel_server.db import Database, open_database
from channel_server.importer import import_directory
from channel_server.importer_format import ImportProblems
from channel_server.models import ChangeRow, CustomerRow, DeviceRow, OnHandRow, StoreRow

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample_store"


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(directory: Path) -> None:
        path = directory / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _append(name: str, line: str) -> Callable[[Path], None]:
    def change(directory: Path) -> None:
        with (directory / name).open("a", encoding="utf-8") as handle:
            handle.write(line)

    return change


def _json(name: str, edit: Callable[[list[dict[str, object]]], None]) -> Callable[[Path], None]:
    def change(directory: Path) -> None:
        path = directory / name
        body = json.loads(path.read_text(encoding="utf-8"))
        edit(body)
        path.write_text(json.dumps(body), encoding="utf-8")

    return change


def _bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def change(directory: Path) -> None:
        with (directory / name).open("ab") as handle:
            handle.write(data)

    return change


def _new_file(name: str, text: str) -> Callable[[Path], None]:
    return lambda directory: (directory / name).write_text(text, encoding="utf-8")


CASES: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "unknown column",
        _edit("products.csv", "serial_required\n", "serial_required,colour\n"),
        "products.csv, line 1, column colour: unknown column",
    ),
    (
        "missing required column",
        _edit("tax_codes.csv", "code,name,rate", "code,name"),
        "tax_codes.csv, line 1, column rate: required column is missing",
    ),
    (
        "wrong type",
        _edit("products.csv", "C06-04-2,standard,7.49,,,,18,", "C06-04-2,standard,7.49,,,,old,"),
        "products.csv, line 4, column min_age: 'old' is not a whole number",
    ),
    (
        "bad decimal",
        _edit("products.csv", "reduced,14.99,", 'reduced,"14,99",'),
        "products.csv, line 2, column base_price: '14,99' is not a decimal number such as "
        "1.99 (use a dot, not a comma)",
    ),
    (
        "barcode of an unknown product",
        _append("barcodes.csv", "4009999999996,9999999,,,\n"),
        "barcodes.csv, line 310, column item_id: unknown product '9999999'",
    ),
    (
        "duplicate key",
        _append("products.csv", "1000001,Again,,,,1.00,,,,,,,\n"),
        "products.csv, line 202, column item_id: duplicate key '1000001' (first at line 2)",
    ),
    (
        "unknown reference",
        _edit("products.csv", "C05-03-1,reduced", "C99-99-9,reduced"),
        "products.csv, line 2, column category_id: unknown category 'C99-99-9'",
    ),
    (
        "store-scoped row of an unknown store",
        _append("tender_types.csv", "S009,cash,Cash,cash,true,,,,,true,1\n"),
        "tender_types.csv, line 9, column store_id: unknown store 'S009'",
    ),
    (
        "malformed CSV",
        _append("units.csv", 'box,"Box,0\n'),
        "units.csv: malformed CSV",
    ),
    (
        "not UTF-8",
        _bytes("categories.csv", b"C99,Caf\xe9 latin-1,\n"),
        "categories.csv: not UTF-8 text",
    ),
    (
        "JSON number for a decimal",
        _json("stores.json", lambda body: body[1].update(max_line_quantity=999.5)),
        'stores.json, $[1].max_line_quantity: write decimals as strings such as "999.5"',
    ),
    (
        "unknown JSON field",
        _json("receipt_profiles.json", lambda body: body[0].update(colums=42)),
        "receipt_profiles.json, $[0].colums: unknown field",
    ),
    (
        "pricing document the register would refuse",
        _json("discounts.json", lambda body: body[0].update(value="150")),
        "discounts.json, $[0].value: percent must be > 0 and <= 100",
    ),
    (
        "coupon on a discount that is gone",
        _json("discounts.json", lambda body: body.pop(3)),
        "coupons.json, $[0].discount: unknown discount 'D-SAVE5'",
    ),
    (
        "a PIN instead of its hash",
        _edit("staff.csv", "$argon2id$v=19$m=65536,t=3,p=4$5WMurVqpqecUMjy2QL3wLg$", "1234$"),
        "staff.csv, line 2, column secret_hash: must be an argon2id hash",
    ),
    (
        "a device the register could not open",
        _json(
            "hardware_profiles.json",
            lambda body: body[0]["devices"][1].update(drawer_pin=3),  # type: ignore[index]
        ),
        "hardware_profiles.json, $[0].devices[1].drawer_pin: must be 2 or 5",
    ),
    (
        "unknown file",
        _new_file("product.csv", "item_id,name,base_price\n"),
        "product.csv: unknown file",
    ),
    (
        "a bad manifest",
        _new_file("manifest.json", '{"mode": "delta"}'),
        'manifest.json, $.mode: \'delta\' is not "full" or "partial"',
    ),
    (
        "barcode naming another product's variant",
        _append("barcodes.csv", "4009999999996,1000001,1000004-01,,\n"),
        "barcodes.csv, line 310, column variant_id: '1000004-01' is not a variant of product "
        "'1000001'",
    ),
]


def _state(db: Database) -> tuple[object, ...]:
    with db.read() as session:
        return (
            session.execute(select(StoreRow.store_id, StoreRow.version, StoreRow.name)).all(),
            session.scalar(select(func.count()).select_from(ChangeRow)),
            session.scalar(select(func.max(ChangeRow.changed_at))),
            session.scalar(select(func.count()).select_from(DeviceRow)),
            session.execute(select(OnHandRow.store_id, OnHandRow.item_id, OnHandRow.milli)).all(),
            session.execute(select(CustomerRow.customer_id, CustomerRow.data)).all(),
        )


def test_every_mistake_is_named_and_nothing_is_written(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    try:
        import_directory(db, SAMPLE)
        before = _state(db)
        for name, spoil, expected in CASES:
            directory = tmp_path / name.replace(" ", "_")
            shutil.copytree(SAMPLE, directory)
            # a change that would be recorded, so "nothing written" is a real check
            _edit("stock.csv", "S001,1000001,", "S001,1000001,1")(directory)
            _edit("stores.json", "Tillpoint Demo Market", "Renamed Market")(directory)
            spoil(directory)
            with pytest.raises(ImportProblems) as caught:
                import_directory(db, directory)
            message = str(caught.value)
            assert message.startswith("import refused, nothing was written"), name
            assert expected in message, f"{name}: {message}"
            assert _state(db) == before, name
    finally:
        db.dispose()


def test_an_empty_server_needs_stores_first(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "server.db"))
    try:
        directory = tmp_path / "only_products"
        directory.mkdir()
        shutil.copy(SAMPLE / "units.csv", directory / "units.csv")
        with pytest.raises(ValueError, match="the server has no stores yet") as caught:
            import_directory(db, directory)
        assert not isinstance(caught.value, ImportProblems)
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(ChangeRow)) == 0
    finally:
        db.dispose()


def test_all_problems_are_listed_at_once_up_to_a_limit(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "server.db"))
    try:
        directory = tmp_path / "many"
        directory.mkdir()
        (directory / "stores.json").write_text(
            '[{"store_id": "S1", "name": "One", "currency_code": "EUR"}]', encoding="utf-8"
        )
        lines = "".join(f"P{i},Product {i},,,,abc\n" for i in range(500))
        (directory / "products.csv").write_text(
            "item_id,name,description,category_id,item_tax_group,base_price\n" + lines,
            encoding="utf-8",
        )
        with pytest.raises(ImportProblems) as caught:
            import_directory(db, directory)
        assert len(caught.value.problems) == 100
        assert str(caught.value.problems[1]) == (
            "products.csv, line 3, column base_price: 'abc' is not a decimal number such as 1.99"
        )
        assert "stopped after the first 100" in str(caught.value)
    finally:
        db.dispose()
