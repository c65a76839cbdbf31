"""The headless demo: seed a demo store, ring up a scripted sale, print the receipt as text.

Until the register UI exists this is what `make demo` shows: every step goes through the same
runtime facade and database the register will use, and every refusal is printed as the cashier
would see it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TextIO, TypeVar

from local_db import DEMO_ITEMS, seed_store
from pos_app.composition import open_register
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Approval,
    CommentLine,
    Conclude,
    OpResult,
    SetQuantity,
    TenderCard,
    VoidLine,
)
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus
from runtime.receipt_text import render_text
from runtime.security_requests import SignIn
from runtime.shift_requests import OpenShift

DEMO_PRODUCTS = 20_000
T = TypeVar("T")


class VirtualApprovingTerminal:
    """A stand-in payment terminal that approves every request (the demo has no card reader)."""

    def __init__(self) -> None:
        self._refs = itertools.count(1)
        self._seen: dict[str, PaymentOutcome] = {}

    def authorize(self, request: PaymentRequest) -> PaymentOutcome:
        outcome = PaymentOutcome(
            PaymentStatus.APPROVED, request.amount, f"VT{next(self._refs):06d}", "VISA"
        )
        self._seen[request.request_id] = outcome
        return outcome

    def status(self, request_id: str) -> PaymentOutcome:
        return self._seen.get(request_id, PaymentOutcome(PaymentStatus.DECLINED))

    def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
        return PaymentOutcome(PaymentStatus.APPROVED, message="reversed")


def ensure_demo_store(path: Path, out: TextIO) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write(f"Seeding a demo store with {DEMO_PRODUCTS:,} products into {path} ...\n")
    seed_store(path, products=DEMO_PRODUCTS)


def run_demo(path: Path, out: TextIO) -> int:
    """Ring up the scripted sale; returns a process exit code."""
    ensure_demo_store(path, out)
    register = open_register(path, "R1", payment=VirtualApprovingTerminal(), extensions=[])
    rt = register.runtime
    items = DEMO_ITEMS

    def step(label: str, call: Callable[[], OpResult[T]]) -> OpResult[T]:
        result = call()
        verdict = "ok" if result.refusal is None else f"refused: {result.refusal.message}"
        out.write(f"  {label:<38} {verdict}\n")
        return result

    try:
        if rt.transaction is not None:
            out.write("Resuming the cart left open by an earlier run.\n")
        out.write("Scripted sale on register R1, operator 1001:\n")
        step("sign in as 1001 (PIN 1234)", lambda: rt.sign_in(SignIn("1001", "1234")))
        if rt.current_shift is None:
            step(
                "open a shift with a 150.00 float",
                lambda: rt.open_shift(OpenShift({"cash": Decimal("150.00")})),
            )
        first = step("scan espresso beans", lambda: rt.add_line(AddLine(barcode=items["espresso"])))
        line_id = first.value.line_id if first.value else "L1"
        step("quantity 2", lambda: rt.set_quantity(SetQuantity(line_id, Decimal(2))))
        step("scan bananas (no weight yet)", lambda: rt.add_line(AddLine(barcode=items["bananas"])))
        step(
            "scan bananas on the scale: 1.234 kg",
            lambda: rt.add_line(AddLine(barcode=items["bananas"], weight=Decimal("1.234"))),
        )
        step("scan red wine", lambda: rt.add_line(AddLine(barcode=items["wine"])))
        wine = step(
            "scan red wine, age checked",
            lambda: rt.add_line(AddLine(barcode=items["wine"], age_verified=True)),
        )
        step("scan T-shirt M red", lambda: rt.add_line(AddLine(barcode=items["tshirt"])))
        step("scan cola 6-pack", lambda: rt.add_line(AddLine(barcode=items["cola_pack"])))
        step("scan an unknown code", lambda: rt.add_line(AddLine(barcode="4006381333931")))
        step("scan a misread code", lambda: rt.add_line(AddLine(barcode="4006381333932")))
        step(
            "gift wrap, keyed price 2.50",
            lambda: rt.add_line(AddLine(barcode=items["gift_wrap"], keyed_price=Decimal("2.50"))),
        )
        if wine.value is not None:
            wine_id = wine.value.line_id
            step(
                "comment on the wine",
                lambda: rt.comment_line(CommentLine(wine_id, "gift for Sam")),
            )
        step("void the cola 6-pack", lambda: rt.void_line(VoidLine(_last_line(rt, "cola"))))
        step(
            "void it with manager 9001's approval",
            lambda: rt.void_line(
                VoidLine(_last_line(rt, "cola"), approval=Approval("9001", "9999"))
            ),
        )
        step("conclude too early", lambda: rt.conclude(Conclude()))
        step("card 20.00", lambda: rt.tender_card(TenderCard("card", Decimal("20.00"))))
        step("cash 50.00", lambda: rt.add_tender(AddTender("cash", Decimal("50.00"))))
        done = step("conclude", lambda: rt.conclude(Conclude()))
        sale = done.value
        if sale is None:
            return 1
        out.write("\n" + render_text(sale.receipt, width=42))
        out.write(f"\nWritten durably: outbox device_seq {sale.device_seq}.\n")
        return 0
    finally:
        register.close()


def _last_line(rt: CommerceRuntime, word: str) -> str:
    assert rt.transaction is not None
    for line in reversed(rt.transaction.active_lines):
        if word in line.description.lower():
            return line.line_id
    return "L0"
