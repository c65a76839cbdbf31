"""Headquarters' master data is incomplete (one product published for the store, no store,
register, staff or tender rows yet): the register's first full download must not remove the
rows it needs to open and sell. A regression test: before commit 0ca8bd6 the sweep at the end
of the full download deleted the register's own `stores`/`registers`/`operators`/
`tender_types` rows, the cycle still reported ok, and the register no longer opened."""

from __future__ import annotations

from pathlib import Path

from sf_support import ServerHandle, ServiceSync, Till, ean13

from channel_server.devices import ensure_store
from channel_server.master_data import MasterChange, apply_changes
from pos_app.composition import ensure_open_shift, open_register
from runtime.operations import AddLine, AddTender, Conclude

CODE = ean13("290000000001")
PRODUCT = {
    "item_id": "X1", "name": "Only product", "base_price": "1.00", "variants": [],
    "barcodes": [{"code": CODE}], "prices": [],
}  # fmt: skip


def test_a_full_download_missing_the_registers_own_rows_leaves_it_able_to_sell(
    server: ServerHandle, till: Till, tmp_path: Path
) -> None:
    with server.live.db.write() as session:
        ensure_store(session, "S001")
        apply_changes(session, [MasterChange("product", "X1", PRODUCT)], ["S001"])
    sync = ServiceSync(till, server.base_url, server.code("R1"), tmp_path / "keyring.json")
    try:
        report = sync.cycle()
        sync.service.stop()
        till.close()
        register = open_register(till.db_file, "R1", operator_id="1001", extensions=[])
        try:
            ensure_open_shift(register.runtime)
            rt = register.runtime
            assert rt.add_line(AddLine(barcode=CODE)).refusal is None
            assert rt.add_tender(AddTender("cash")).refusal is None
            assert rt.conclude(Conclude()).value is not None
        finally:
            register.close()
        assert not report.ok and report.problems  # held open, with an alert saying why
    finally:
        sync.close()
