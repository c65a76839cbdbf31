"""`tillpoint server import`: the sample chain into a real server database (SQLite and
PostgreSQL), re-imports that record only what changed, tombstones for rows gone from complete
files, partial imports, a store added later, and a register downloading the result."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cs_support import LiveServer
from sqlalchemy import func, select

from channel_server.db import Database, open_database
from channel_server.importer import import_directory
from channel_server.models import ChangeRow, CustomerRow, DeviceRow, OnHandRow, StoreRow
from local_db.database import open_database as open_register_db
from local_db.master_apply import MasterItem, apply_page
from local_db.sync_state import start_full_download
from sync.protocol import ChangesPage

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample_store"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


def log(db: Database, store: str) -> dict[tuple[str, str], tuple[int, str, object]]:
    """(entity, key) -> (version, op, data) of a store's change log."""
    with db.read() as session:
        rows = session.execute(
            select(
                ChangeRow.entity, ChangeRow.key, ChangeRow.version, ChangeRow.op, ChangeRow.data
            ).where(ChangeRow.store_id == store)
        ).all()
    return {(e, k): (v, op, None if d is None else json.loads(d)) for e, k, v, op, d in rows}


def store_versions(db: Database) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(select(StoreRow.store_id, StoreRow.version)).all()
    return {store: version for store, version in rows}


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def test_sample_import_then_identical_reimport_records_nothing(db: Database, sample: Path) -> None:
    report = import_directory(db, sample)
    assert report.stores_created == ["S001", "S002"]
    assert report.rows["product"] == 200 and report.devices_created == 3
    s1, s2 = log(db, "S001"), log(db, "S002")
    espresso = s1[("product", "1000001")][2]
    assert espresso == s2[("product", "1000001")][2]
    assert isinstance(espresso, dict)
    assert espresso["base_price"] == "14.99" and espresso["category_id"] == "C05-03-1"
    assert espresso["barcodes"] == [{"code": "4000000000013"}]
    tshirt = s1[("product", "1000004")][2]
    assert isinstance(tshirt, dict)
    assert [v["dimensions"] for v in tshirt["variants"]][:2] == [
        {"colour": "Black", "size": "S"}, {"colour": "Red", "size": "S"},
    ]  # fmt: skip
    milk = s1[("product", "1000007")][2]
    assert isinstance(milk, dict)
    assert milk["prices"][-1] == {
        "price": "0.99",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
    }
    # store-scoped rows only in their own store's log; chain-wide ones in both
    assert ("tender_type", "usd") in s1 and ("tender_type", "usd") not in s2
    assert s1[("store", "S001")][2]["name"] == "Tillpoint Demo Market"  # type: ignore[index]
    assert ("store", "S002") not in s1
    assert s2[("register", "R1")][2]["shift_model"] == "shared"  # type: ignore[index]
    staff = s1[("staff", "1001")][2]
    assert isinstance(staff, dict) and staff["secret_hash"].startswith("$argon2id$")
    assert s1[("coupon", "CP-SAVE5")][2]["discount"] == "D-SAVE5"  # type: ignore[index]
    assert s1[("unit_conversion", "pk6|ea|")][2]["factor"] == "6"  # type: ignore[index]
    assert s1[("denomination", "EUR|0.50")][2]["kind"] == "coin"  # type: ignore[index]
    # parents before children in version order
    assert s1[("tax_group", "reduced")][0] < s1[("product", "1000001")][0]
    assert s1[("category", "C05-03-1")][0] < s1[("product", "1000001")][0]
    assert s1[("permission_group", "cashier")][0] < s1[("staff", "1001")][0]
    with db.read() as session:
        stock = session.get(OnHandRow, ("S001", "1000001"))
        assert stock is not None
        assert session.get(CustomerRow, "C-TRADE") is not None
        devices = session.scalars(select(DeviceRow.register_id).where(DeviceRow.store_id == "S001"))
        assert sorted(devices) == ["R1", "R2"]
    versions = store_versions(db)

    again = import_directory(db, sample)
    assert again.recorded() == {}
    assert store_versions(db) == versions


def test_changed_prices_record_only_those_products(db: Database, sample: Path) -> None:
    import_directory(db, sample)
    before = log(db, "S001")
    header, rows = read_csv(sample / "products.csv")
    price = header.index("base_price")
    changed = []
    for row in rows[20:30]:
        row[price] = f"{row[price]}1"  # 12.34 -> 12.341: a different decimal text
        changed.append(row[0])
    rows.reverse()  # order does not matter
    write_csv(sample / "products.csv", header, rows)

    report = import_directory(db, sample)
    assert report.changed == {"product": {"S001": 10, "S002": 10}}
    assert report.deleted == {}
    after = log(db, "S001")
    moved = sorted(k for k, v in after.items() if before[k][0] != v[0])
    assert moved == sorted(("product", item) for item in changed)
    top = max(v[0] for v in before.values())
    assert sorted(after[m][0] for m in moved) == list(range(top + 1, top + 11))


def _drop(path: Path, column: str, value: str) -> None:
    header, rows = read_csv(path)
    i = header.index(column)
    write_csv(path, header, [r for r in rows if r[i] != value])


def test_rows_gone_from_complete_files_become_tombstones(db: Database, sample: Path) -> None:
    import_directory(db, sample)
    header, rows = read_csv(sample / "products.csv")
    gone = next(r[0] for r in rows if r[0].startswith("2") and "kg" not in r)
    for name in ("products.csv", "barcodes.csv", "prices.csv", "variants.csv", "stock.csv"):
        _drop(sample / name, "item_id", gone)
    header, rows = read_csv(sample / "tender_types.csv")
    write_csv(
        sample / "tender_types.csv", header, [r for r in rows if r[1] != "check" or r[0] != "S001"]
    )
    (sample / "customers.csv").write_text("customer_id,name\n", encoding="utf-8")

    report = import_directory(db, sample)
    assert report.deleted == {"product": {"S001": 1, "S002": 1}, "tender_type": {"S001": 1}}
    assert report.changed == {}
    s1, s2 = log(db, "S001"), log(db, "S002")
    assert s1[("product", gone)][1:] == ("delete", None) == s2[("product", gone)][1:]
    assert s1[("tender_type", "check")][1:] == ("delete", None)
    assert s2[("tender_type", "check")][1] == "upsert"
    assert s1[("customer", "C-GOLD")][1] == "upsert"  # customers are never deleted by absence

    # a partial import adds and changes but deletes nothing
    (sample / "manifest.json").write_text('{"mode": "partial"}', encoding="utf-8")
    _drop(sample / "tender_types.csv", "tender_type_id", "card")
    header, rows = read_csv(sample / "staff.csv")
    rows[0][1] = "Alex Renamed"
    write_csv(sample / "staff.csv", header, rows)
    partial = import_directory(db, sample)
    assert partial.mode == "partial"
    assert partial.changed == {"staff": {"S001": 1, "S002": 1}} and partial.deleted == {}
    assert log(db, "S001")[("tender_type", "card")][1] == "upsert"


def test_a_store_added_later_gets_the_chain_data(
    db: Database, sample: Path, tmp_path: Path
) -> None:
    import_directory(db, sample)
    extra = tmp_path / "extra"
    extra.mkdir()
    stores = json.loads((sample / "stores.json").read_text(encoding="utf-8"))
    stores.append({"store_id": "S003", "name": "Pop-up", "currency_code": "EUR"})
    (extra / "stores.json").write_text(json.dumps(stores), encoding="utf-8")
    (extra / "tender_types.csv").write_text(
        "store_id,tender_type_id,name,kind\nS003,cash,Cash,cash\n", encoding="utf-8"
    )
    report = import_directory(db, extra, partial=True)
    assert report.stores_created == ["S003"]
    s1, s3 = log(db, "S001"), log(db, "S003")
    chain = {k: v[2] for k, v in s1.items() if k[0] not in ("store", "store_settings",
             "register", "tender_type", "exchange_rate", "reason_code")}  # fmt: skip
    assert {k: v[2] for k, v in s3.items() if k in chain} == chain
    assert ("tender_type", "cash") in s3 and ("tender_type", "usd") not in s3
    assert report.changed["product"] == {"S003": 200}


def test_a_register_downloads_and_applies_the_imported_data(
    live: LiveServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Over HTTP into a real register database, through the register's own applier."""
    import_directory(live.db, SAMPLE)
    token, _ = live.activate("S002", "R1")
    client = live.client(token)
    register = open_register_db(tmp_path / "register.db", create=True)
    request.addfinalizer(register.close)
    start_full_download(register, "S002")
    items = []
    since = None
    while True:
        params: dict[str, object] = {"limit": 500}
        if since:
            params["since"] = since
        answer = client.get("/v1/changes", params=params)
        assert answer.status_code == 200, answer.text
        page = ChangesPage.model_validate(answer.json())
        items += page.items
        applied = apply_page(
            register,
            store_id="S002",
            epoch=page.epoch,
            items=[MasterItem(c.version, c.entity, c.key, c.op.value, c.data) for c in page.items],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
            high_water=page.high_water,
        )
        assert applied.problems == ()
        since = page.next_cursor
        if not page.has_more:
            break
    with register.read("count the applied rows") as conn:
        count = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("products", "barcodes", "variants", "tender_types", "operators")
        }
        cola = conn.execute("SELECT unit FROM barcodes WHERE code = '4000000000662'").fetchone()
    assert count == {
        "products": 200, "barcodes": 308, "variants": 114, "tender_types": 3, "operators": 3,
    }  # fmt: skip
    assert cola == ("pk6",)
    got = {(c.entity, c.key): c.data for c in items}
    assert len(got) == len(items) == len(log(live.db, "S002"))
    assert got[("store", "S002")]["cash_rounding"] == "0.05"  # type: ignore[index]
    assert ("store", "S001") not in got and ("tender_type", "usd") not in got
    assert got[("product", "1000006")]["barcodes"][1] == {  # type: ignore[index]
        "code": "4000000000662", "unit": "pk6",
    }  # fmt: skip
    assert got[("discount", "D-COLA3")]["kind"] == "mix_and_match"  # type: ignore[index]
    assert got[("hardware_profile", "HP-TILL")]["devices"][0]["port"] == 9100  # type: ignore[index]
    with live.db.read() as session:
        count = session.scalar(select(func.count()).select_from(ChangeRow))
    assert count == len(log(live.db, "S001")) + len(items)
