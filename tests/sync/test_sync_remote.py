"""Operations that reach the server, through the runtime facade of a real register: REMOTE_ONLY
refused offline with a reason, REMOTE_FIRST answered by the server online and locally offline,
a customer created offline queued with the outbox, and the status bar's figures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cs_support import LiveServer, RegisterSim
from sync_support import STORE, FileKeyring, Rig

from local_db.sync_state import set_setting
from pos_app.sync_wiring import attach_sync
from runtime.operations import RefusalCode
from runtime.remote_ops import (
    CreateCustomer,
    FindReceiptAnywhere,
    LookupStock,
    Reach,
    SearchCustomers,
    Source,
    reach_of,
)
from sync.config import OFFLINE_CUSTOMERS

sys.path.insert(0, str(Path(__file__).parents[1] / "sync_faults"))

from fault_proxy import Fault, FaultProxy, Kind  # noqa: E402


@pytest.fixture
def proxied(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> Iterator[tuple[Rig, FaultProxy]]:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url) as rig,
    ):
        attach_sync(rig.register, rig.service, start=False)
        assert rig.service.check_health()
        yield rig, proxy


def go_offline(rig: Rig, proxy: FaultProxy) -> None:
    proxy.rule = lambda request: Fault(Kind.DROP_REQUEST)
    assert not rig.service.check_health()
    assert rig.register.runtime.online() is False


def go_online(rig: Rig, proxy: FaultProxy) -> None:
    proxy.rule = None
    assert rig.service.check_health()


def test_each_remote_operation_declares_its_reach() -> None:
    assert reach_of("lookup_stock") is Reach.REMOTE_ONLY
    assert reach_of("search_customers") is Reach.REMOTE_FIRST
    assert reach_of("create_customer") is Reach.REMOTE_FIRST
    assert reach_of("find_receipt_anywhere") is Reach.REMOTE_FIRST
    assert reach_of("conclude") is Reach.LOCAL_ONLY


def test_stock_in_other_stores_needs_the_server(proxied: tuple[Rig, FaultProxy]) -> None:
    rig, proxy = proxied
    rt = rig.register.runtime
    sale = rig.sell(lines=1)
    item = sale.lines[0].item_id
    assert rig.service.upload() is not None  # the sale moves the server's on-hand

    online = rt.lookup_stock(LookupStock(item))
    assert online.value is not None
    assert [(lv.store_id, lv.quantity) for lv in online.value.levels] == [(STORE, -1)]

    go_offline(rig, proxy)
    refused = rt.lookup_stock(LookupStock(item))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.NEEDS_SERVER
    assert "offline" in refused.refusal.message
    assert rt.remote_refusal("lookup_stock") is not None  # the UI disables the button
    assert rt.remote_refusal("search_customers") is None  # REMOTE_FIRST stays usable


def test_customers_online_offline_and_queued(proxied: tuple[Rig, FaultProxy]) -> None:
    rig, proxy = proxied
    rt = rig.register.runtime

    made = rt.create_customer(CreateCustomer("Ada Lovelace", email="ada@example.org"))
    assert made.value is not None and made.value.source is Source.SERVER
    found = rt.search_customers(SearchCustomers("ada"))
    assert found.value is not None and found.value.source is Source.SERVER
    assert [c.name for c in found.value.customers] == ["Ada Lovelace"]

    go_offline(rig, proxy)
    local = rt.search_customers(SearchCustomers("ada"))
    assert local.value is not None and local.value.source is Source.LOCAL
    assert [c.name for c in local.value.customers] == ["Ada Lovelace"]  # kept locally
    assert "offline" in local.value.note

    queued = rt.create_customer(CreateCustomer("Grace Hopper", phone="+1 555 0100"))
    assert queued.value is not None and queued.value.source is Source.QUEUED
    kinds = [kind for kind in _outbox_kinds(rig)]
    assert kinds[-1] == "customer_created"
    assert rig.service.unsent().count >= 1

    set_setting(rig.register.database, OFFLINE_CUSTOMERS, "refuse")
    refused = rt.create_customer(CreateCustomer("Alan Turing"))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.NEEDS_SERVER
    assert len(_outbox_kinds(rig)) == len(kinds)  # nothing written

    go_online(rig, proxy)
    assert rig.service.upload() is not None
    again = rt.search_customers(SearchCustomers("grace"))
    assert again.value is not None and again.value.source is Source.SERVER
    assert [c.phone for c in again.value.customers] == ["+1 555 0100"]


def test_bad_customer_input_is_refused_before_anything_is_sent(
    proxied: tuple[Rig, FaultProxy],
) -> None:
    rig, _ = proxied
    rt = rig.register.runtime
    before = len(_outbox_kinds(rig))
    for request in (CreateCustomer("  "), CreateCustomer("X", email="nope"),
                    CreateCustomer("X", customer_id="bad id!")):  # fmt: skip
        result = rt.create_customer(request)
        assert result.refusal is not None and result.refusal.code is RefusalCode.INVALID_TEXT
    assert len(_outbox_kinds(rig)) == before
    assert rt.search_customers(SearchCustomers("")).refusal is not None


def test_a_receipt_of_another_register_is_found_on_the_server(
    proxied: tuple[Rig, FaultProxy],
) -> None:
    rig, proxy = proxied
    rt = rig.register.runtime
    mine = rig.sell(lines=1)
    local = rt.find_receipt_anywhere(FindReceiptAnywhere(mine.receipt_number or ""))
    assert local.value is not None and local.value.source is Source.LOCAL

    token, device_id = rig.server.activate(STORE, "R2")  # another register's sale
    other = RegisterSim(device_id, STORE, "R2")
    pushed = rig.server.client(token).post("/v1/push", json=other.batch([other.sale()]))
    assert pushed.status_code == 200, pushed.text
    number = f"{STORE}-R2-000001"
    remote = rt.find_receipt_anywhere(FindReceiptAnywhere(number))
    assert remote.value is not None and remote.value.source is Source.SERVER
    assert [(f.register_id, f.transaction.receipt_number) for f in remote.value.found] == [
        ("R2", number)
    ]

    go_offline(rig, proxy)
    refused = rt.find_receipt_anywhere(FindReceiptAnywhere(number))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.NEEDS_SERVER
    assert rt.find_receipt_anywhere(FindReceiptAnywhere(mine.receipt_number or "")).ok


def test_the_status_bar_figures(proxied: tuple[Rig, FaultProxy]) -> None:
    rig, proxy = proxied
    rt = rig.register.runtime
    go_offline(rig, proxy)
    first = rig.sell()
    rig.sell()
    rig.service._refresh_unsent()  # what the upload job does after each trigger
    view = rt.sync_view()
    assert view.online is False
    assert view.unsent.count == 3  # the shift's opening and two sales
    assert view.unsent.oldest_at is not None and view.oldest_age is not None
    assert view.unsent.oldest_at <= (first.ended_at or first.started_at)
    go_online(rig, proxy)
    assert rig.service.upload() is not None
    assert rt.sync_view().unsent.count == 0 and rt.sync_view().oldest_age is None


def _outbox_kinds(rig: Rig) -> list[str]:
    with rig.register.database.read("test") as conn:
        return [r[0] for r in conn.execute("SELECT kind FROM outbox ORDER BY device_seq")]
