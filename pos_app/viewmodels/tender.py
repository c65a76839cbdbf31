"""Paying: cash with quick-cash amounts and change, cards through the terminal (a blocking call,
run on the worker), unknown outcomes resolved by asking the terminal, split and void tenders, and
concluding with the receipt printed and the drawer kicked (never waited for).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pos_app.viewmodels.views import quick_cash  # noqa: F401 - re-exported
from runtime.config import TenderKind
from runtime.operations import (
    AddTender,
    Approval,
    Conclude,
    OpResult,
    ResolveCardTender,
    TenderCard,
    VoidTender,
)
from runtime.tender_ops import ConcludedSale
from runtime.transaction import TenderLine

if TYPE_CHECKING:
    from peripherals.print_queue import PrintOutcome
    from pos_app.composition import Register



@dataclass(frozen=True)
class TenderChoice:
    tender_type_id: str
    name: str
    kind: str  # cash, card, check, foreign_currency


class TenderViewModel:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.rt = register.runtime

    def choices(self) -> list[TenderChoice]:
        return [
            TenderChoice(t.tender_type_id, t.name, t.kind.value)
            for t in self.rt.store.tender_types.values()
        ]

    def first_of(self, kind: TenderKind) -> str | None:
        return next((t.tender_type_id for t in self.rt.store.tender_types.values()
                     if t.kind is kind), None)

    def cash(self, amount: Decimal | None, tender_type_id: str | None = None,
             approval: Approval | None = None) -> OpResult[TenderLine]:
        tender = tender_type_id or self.first_of(TenderKind.CASH) or "cash"
        return self.rt.add_tender(AddTender(tender, amount, approval))

    def card(self, amount: Decimal | None,
             tender_type_id: str | None = None) -> OpResult[TenderLine]:
        """Blocks until the terminal answers or gives up (then the outcome is unknown)."""
        tender = tender_type_id or self.first_of(TenderKind.CARD) or "card"
        return self.rt.tender_card(TenderCard(tender, amount))

    def resolve(self, tender_line_id: str) -> OpResult[TenderLine]:
        """Ask the terminal what became of a payment whose outcome was unknown."""
        return self.rt.resolve_card_tender(ResolveCardTender(tender_line_id))

    def void(self, tender_line_id: str) -> OpResult[TenderLine]:
        """Void a tender; an approved card payment is reversed at the terminal first."""
        return self.rt.void_tender(VoidTender(tender_line_id))

    def conclude(self) -> OpResult[ConcludedSale]:
        return self.rt.conclude(Conclude())

    def after_conclude(self, sale: ConcludedSale) -> Future[PrintOutcome] | None:
        """Change on the display, drawer kicked for cash, receipt printed or queued. Never
        waits; None without devices."""
        devices = self.register.devices
        if devices is None:
            return None
        types = self.rt.store.tender_types

        def opens_drawer(tender_type_id: str) -> bool:
            tender = types.get(tender_type_id)
            return tender is not None and (tender.opens_drawer or tender.kind is TenderKind.CASH)

        return devices.after_conclude(sale, opens_drawer)

    def welcome(self) -> None:
        if self.register.devices is not None:
            self.register.devices.welcome()
