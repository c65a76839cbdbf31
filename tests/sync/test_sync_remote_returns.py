"""Returns of another register's sale (issue #5), through two real registers R1 and R2 of one
store (their own seeded databases, activated and syncing with the real client) and a live
server: R2 finds R1's receipt on the server and returns it in two parts; a third return is
refused at either register once the returns are uploaded; offline, R2 is refused with the
reason; a server copy that fails its checksum is refused."""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from cs_support import LiveServer
from sqlalchemy import text
from sync_support import FAST_RETRY, STORE, FileKeyring

from channel_server.devices import issue_activation_code
from local_db import sample_barcodes
from pos_app.composition import Register, ensure_open_shift, open_register
from pos_app.sync_wiring import attach_sync
from runtime.operations import AddLine, AddTender, Conclude, Permission, RefusalCode
from runtime.remote_ops import Reach, reach_of
from runtime.remote_ports import RemoteReturn, RemoteTransaction
from runtime.return_requests import FindReceipt, RefundTender, ReturnLines
from runtime.transaction import Transaction
from sync.activation import activate_register
from sync.service import SyncIntervals, SyncService
from tests.returns.return_support import MANAGER, PickyAccess, return_runtime, sell
from tests.runtime.fakes import NOW, SHIRT_EAN, ok, refuse

sys.path.insert(0, str(Path(__file__).parents[1] / "sync_faults"))

from fault_proxy import Fault, FaultProxy, Kind  # noqa: E402

D = Decimal


@contextlib.contextmanager
def _register(server: LiveServer, db: Path, register_id: str, url: str) -> Iterator[Register]:
    """A register opened on its own database, activated at `url`, its sync service attached
    (jobs not started: the test uploads itself)."""
    register = open_register(db, register_id, operator_id="1001", extensions=[])
    try:
        ensure_open_shift(register.runtime)
        code = issue_activation_code(server.db, STORE, register_id).code
        activate_register(register.database, url, code, retry=FAST_RETRY)
        service = SyncService.from_database(
            register.database, retry=FAST_RETRY, sleep=lambda s: None,
            intervals=SyncIntervals(upload=3600, download=3600, health=3600),
        )  # fmt: skip
        try:
            attach_sync(register, service, start=False)
            assert service.check_health()
            yield register
        finally:
            service.stop()
    finally:
        register.close()


@pytest.fixture
def pair(
    server: LiveServer, seeded_store: Path, tmp_path: Path, file_keyring: FileKeyring
) -> Iterator[tuple[Register, Register, FaultProxy]]:
    """R1 straight at the server; R2 behind a fault proxy (to take it offline)."""
    paths = []
    for name in ("r1", "r2"):
        path = tmp_path / name / "store.db"
        path.parent.mkdir()
        shutil.copy(seeded_store, path)
        paths.append(path)
    with (
        FaultProxy.to(server.base_url) as proxy,
        _register(server, paths[0], "R1", server.base_url) as r1,
        _register(server, paths[1], "R2", proxy.url) as r2,
    ):
        yield r1, r2, proxy


def _sell_two(r1: Register) -> Transaction:
    rt = r1.runtime
    barcode = sample_barcodes(r1.database, 1, seed=11)[0]
    assert rt.add_line(AddLine(barcode=barcode, quantity=D(2))).refusal is None
    assert rt.add_tender(AddTender("cash")).refusal is None
    done = rt.conclude(Conclude())
    assert done.value is not None, done.refusal
    return done.value.transaction


def _return_one(register: Register, number: str) -> Transaction:
    rt = register.runtime
    added = rt.return_lines(ReturnLines(number, {"L1": D(1)}))
    assert added.value is not None, added.refusal
    assert rt.refund(RefundTender("cash")).refusal is None
    done = rt.conclude(Conclude())
    assert done.value is not None, done.refusal
    return done.value.transaction


def _upload(register: Register) -> None:
    assert register.sync is not None
    assert register.sync.upload() is not None


def test_returns_of_another_registers_sale_count_at_every_register(
    pair: tuple[Register, Register, FaultProxy],
) -> None:
    r1, r2, _ = pair
    assert reach_of("return_lines") is Reach.REMOTE_FIRST
    sale = _sell_two(r1)
    number = sale.receipt_number or ""
    line = sale.lines[0]
    _upload(r1)

    view = r2.runtime.find_receipt(FindReceipt(number))  # not in R2's journal: the server's
    assert view.value is not None, view.refusal
    assert view.value.transaction.transaction_id == sale.transaction_id
    assert [(v.sold, v.returned, v.returnable) for v in view.value.lines] == [(D(2), 0, D(2))]

    first = _return_one(r2, number)
    (back,) = first.lines
    assert back.return_of is not None
    assert (back.return_of.transaction_id, back.return_of.receipt_number) == (
        sale.transaction_id,
        number,
    )
    assert back.return_of.register_id == "R1"
    half = (line.amount_incl_tax / 2).quantize(D("0.01"))
    assert first.totals.total == -half  # what was paid for one of the two

    second = _return_one(r2, number)  # R2's own first return counts from its journal
    assert second.totals.total == -(line.amount_incl_tax - half)  # the remainder, to the cent

    third = r2.runtime.return_lines(ReturnLines(number, {"L1": D(1)}))
    assert third.refusal is not None and third.refusal.code is RefusalCode.RETURN_EXCEEDS_SOLD

    # R1's own receipt: R2's returns count at R1 once the server has them
    before = r1.runtime.find_receipt(FindReceipt(number))
    assert before.value is not None
    assert [(v.returned, v.returnable) for v in before.value.lines] == [(0, D(2))]
    _upload(r2)
    at_r1 = r1.runtime.return_lines(ReturnLines(number, {"L1": D(1)}))
    assert at_r1.refusal is not None, "R2's returns were uploaded: nothing is left"
    assert at_r1.refusal.code is RefusalCode.RETURN_EXCEEDS_SOLD
    assert "returned 2" in at_r1.refusal.message
    r1_view = r1.runtime.find_receipt(FindReceipt(number))
    assert r1_view.value is not None
    assert [(v.returned, v.returnable) for v in r1_view.value.lines] == [(D(2), 0)]
    assert r1.runtime.transaction is None and r2.runtime.transaction is None  # nothing left open


def test_a_return_checks_other_registers_again_when_it_concludes(
    pair: tuple[Register, Register, FaultProxy],
) -> None:
    r1, r2, _ = pair
    sale = _sell_two(r1)
    number = sale.receipt_number or ""
    _upload(r1)
    rt2 = r2.runtime
    pending = rt2.return_lines(ReturnLines(number, {"L1": D(2)}))  # R2 starts returning both
    assert pending.value is not None, pending.refusal
    _return_one(r1, number)  # meanwhile R1 returns one at its own till and uploads it
    _upload(r1)
    assert rt2.refund(RefundTender("cash")).refusal is None
    done = rt2.conclude(Conclude())
    assert done.refusal is not None and done.refusal.code is RefusalCode.RETURN_EXCEEDS_SOLD
    assert "returned meanwhile (1 of 2)" in done.refusal.message


def test_offline_another_registers_receipt_is_refused_with_the_reason(
    pair: tuple[Register, Register, FaultProxy],
) -> None:
    r1, r2, proxy = pair
    sale = _sell_two(r1)
    _upload(r1)
    proxy.rule = lambda request: Fault(Kind.DROP_REQUEST)
    assert r2.sync is not None and not r2.sync.check_health()
    refused = r2.runtime.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(1)}))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.NEEDS_SERVER
    message = refused.refusal.message
    assert "another register" in message and "offline" in message
    assert "without a receipt" in message
    assert r2.runtime.transaction is None or not r2.runtime.transaction.lines  # nothing added
    mine = _sell_two(r2)  # R2's own receipts still return offline, from its journal
    assert r2.runtime.return_lines(ReturnLines(mine.receipt_number or "", {"L1": D(1)})).ok


def test_a_server_copy_that_fails_its_checksum_is_refused(
    pair: tuple[Register, Register, FaultProxy], server: LiveServer
) -> None:
    r1, r2, _ = pair
    sale = _sell_two(r1)
    _upload(r1)
    with server.db.write() as session:  # someone edits the stored payload (not its hash)
        session.execute(
            text(
                "UPDATE received_items SET payload = replace(payload, :a, :b) WHERE kind = 'sale'"
            ),
            {"a": '"quantity":"2"', "b": '"quantity":"20"'},
        )
    refused = r2.runtime.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(1)}))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.UNKNOWN_RECEIPT
    assert "does not match its checksum" in refused.refusal.message
    assert r2.runtime.transaction is None or not r2.runtime.transaction.lines


def test_a_server_without_the_returns_endpoint(
    pair: tuple[Register, Register, FaultProxy],
) -> None:
    """An older server answers 404 for /v1/returns: another register's receipt is refused
    (what was returned elsewhere is unknown), the register's own receipts still return."""
    r1, r2, proxy = pair
    sale = _sell_two(r1)
    mine = _sell_two(r2)
    _upload(r1)
    proxy.rule = lambda request: (
        Fault.status_answer(404, code="not_found") if request.path == "/v1/returns" else None
    )
    refused = r2.runtime.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(1)}))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.NEEDS_SERVER
    assert "could not say what other registers returned" in refused.refusal.message
    assert r2.runtime.return_lines(ReturnLines(mine.receipt_number or "", {"L1": D(1)})).ok
    assert r2.runtime.online() is not False  # a 404 is no reason to go offline


# ---- the refund rules with the server's copy (in-memory ports, a desk standing in) ----------


class _Desk:
    """`RemoteDesk` answering one sale as the server's copy (received from register R9)."""

    def __init__(self, sale: Transaction) -> None:
        self.sale = sale
        self.asked: list[str] = []

    def offline_reason(self) -> str | None:
        return None

    def find_receipts(self, receipt_number: str) -> list[RemoteTransaction]:
        self.asked.append(receipt_number)
        found = receipt_number == self.sale.receipt_number
        return [RemoteTransaction(self.sale, "S1", "R9", NOW)] if found else []

    def returns_of(self, transaction_id: str) -> list[RemoteReturn]:
        return []


def test_a_card_sale_from_the_server_keeps_the_card_refund_rules_after_a_restart() -> None:
    seller, *_ = return_runtime()
    sale = sell(seller, AddLine(barcode=SHIRT_EAN), card=True)  # at "another register"
    access = PickyAccess(Permission.REFUND_CARD_TO_CASH)
    rt, stores, *_ = return_runtime(access=access)
    desk = _Desk(sale)
    rt.ports = replace(rt.ports, remote=desk)
    ok(rt.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(1)})))
    refusal = refuse(
        rt, stores, lambda: rt.add_tender(AddTender("cash")), RefusalCode.REFUND_TENDER
    )
    assert "card" in refusal.message  # a card sale goes back to the card, as for local ones

    again, *_ = return_runtime(access=access, stores=stores)  # restarted: the cart resumes
    again.ports = replace(again.ports, remote=desk)
    asked = len(desk.asked)
    refuse(again, stores, lambda: again.add_tender(AddTender("cash")), RefusalCode.REFUND_TENDER)
    assert len(desk.asked) == asked + 1  # the original was asked for again
    ok(again.refund(RefundTender("cash", approval=MANAGER)))
    assert ok(again.conclude(Conclude())).transaction.totals.total == D("-15.00")
