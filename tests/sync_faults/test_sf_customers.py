"""A customer created at the register while the answer to `POST /v1/customers` is lost (the
server did create it): the register queues it as `customer_created`, and the upload later
meets the server's copy. The customer exists once on the server, the queued item is applied
(not quarantined), and nothing raises an alert."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_proxy import Fault, FaultProxy, Kind
from sf_support import SAMPLE_STORE, ServerHandle, ServiceSync, Till, unacked_count
from sqlalchemy import func, select

from channel_server.importer import import_directory
from channel_server.models import AlertRow, CustomerRow, ReceivedItemRow
from local_db import sample_barcodes
from pos_app.sync_wiring import attach_sync
from runtime.remote_ops import CreateCustomer, Source


@pytest.mark.parametrize(
    "fault",
    [Fault(Kind.DROP_RESPONSE), Fault(Kind.TRUNCATE), Fault(Kind.GARBAGE)],
    ids=lambda f: f.kind.value,
)
def test_a_customer_whose_creation_answer_was_lost_exists_once(
    server: ServerHandle, proxy: FaultProxy, till: Till, tmp_path: Path, fault: Fault
) -> None:
    import_directory(server.live.db, SAMPLE_STORE)
    sync = ServiceSync(till, proxy.url, server.code("R1"), tmp_path / "keyring.json")
    try:
        assert sync.cycle().ok
        till.barcodes = sample_barcodes(till.open().database, 10, seed=2)
        register = till.open()
        attach_sync(register, sync.service, start=False)
        proxy.enqueue(fault, method="POST", path="/v1/customers")
        made = register.runtime.create_customer(
            CreateCustomer(name="Ada Lovelace", email="ada@example.org", phone="+49 30 1234")
        )
        assert made.value is not None, made.refusal
        assert made.value.source is Source.QUEUED  # the register could not know it was made
        customer_id = made.value.customer.customer_id
        till.sell()
        assert sync.cycle(reconcile=True).ok
    finally:
        sync.close()
    assert unacked_count(till.db_file) == 0
    with server.live.db.read() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(CustomerRow)
            .where(CustomerRow.customer_id == customer_id)
        )
        statuses = session.scalars(
            select(ReceivedItemRow.status).where(ReceivedItemRow.kind == "customer_created")
        ).all()
        alerts = session.scalars(select(AlertRow.message)).all()
    assert rows == 1
    assert statuses == ["applied"]
    assert alerts == []
