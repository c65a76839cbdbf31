"""Tendering and concluding: cash, check, foreign currency, cards through the terminal port.

A card request id is persisted (pending) before the terminal is asked, so a crash or timeout
leaves a request the register can ask about instead of charging twice. The sale concludes only
when the balance is zero; the ledger then writes it durably with its journal and outbox rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from runtime.config import TenderKind, TenderType
from runtime.core import CommerceCore, Step, refused
from runtime.money import ZERO
from runtime.operations import (
    AddTender,
    Approval,
    ChangeRecord,
    Conclude,
    OpResult,
    Permission,
    Refusal,
    RefusalCode,
    ResolveCardTender,
    TenderCard,
    VoidTender,
)
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus, StorageError
from runtime.receipt import ReceiptDocument
from runtime.receipt_numbers import format_receipt_number
from runtime.return_tenders import card_payments, plan_refund
from runtime.tendering import TenderPlan, change_line, plan_tender, with_tender_totals
from runtime.transaction import (
    TenderDiscountShare,
    TenderLine,
    TenderStatus,
    Transaction,
    TransactionState,
)

TENDER_CHANGES = ChangeRecord(tenders=True, totals=True)


@dataclass(frozen=True)
class ConcludedSale:
    """A durably written sale. Its receipt document is built on first use: printing is not
    part of making the sale durable, so it stays off the conclude path."""

    transaction: Transaction
    device_seq: int
    build_receipt: Callable[[], ReceiptDocument] = field(repr=False, compare=False)

    @cached_property
    def receipt(self) -> ReceiptDocument:
        return self.build_receipt()


class TenderOperations(CommerceCore):
    def _tender_type(self, tender_type_id: str, *kinds: TenderKind) -> TenderType | Refusal:
        tender = self.store.tender_types.get(tender_type_id)
        if tender is None:
            return refused(RefusalCode.UNKNOWN_TENDER, f"There is no tender type {tender_type_id}.")
        if tender.kind not in kinds:
            return refused(
                RefusalCode.UNKNOWN_TENDER,
                f"{tender.name} is a {tender.kind.value} tender; it cannot be used here.",
            )
        return tender

    def _append_tender(self, tx: Transaction, line: TenderLine) -> Step[TenderLine]:
        new = with_tender_totals(
            replace(tx, tenders=(*tx.tenders, line), next_tender_no=tx.next_tender_no + 1)
        )
        changes = self._commit(new, self._tender_changes(new), reprice_lines=False)
        return new, changes, line

    def _tender_changes(self, new: Transaction) -> ChangeRecord:
        """Tenders and totals, plus the lines whose figures a tender discount changed."""
        old = self._tx
        if old is None or old.tender_discounts == new.tender_discounts:
            return TENDER_CHANGES
        lines = {s.line_id for s in old.tender_discounts} | {
            s.line_id for s in new.tender_discounts
        }
        return replace(TENDER_CHANGES, lines_changed=frozenset(lines))

    def _earn_tender_discount(
        self, tx: Transaction, tender: TenderType, amount: Decimal | None
    ) -> Transaction:
        """The sale repriced with the tender-based discount paying with `tender` earns (one per
        sale: the first tender that earns one). Not yet saved: the tender's write saves both."""
        due = tx.totals.balance_due
        if tx.tender_discounts or due <= ZERO or tender.kind is TenderKind.FOREIGN_CURRENCY:
            return tx
        if amount is not None and not (amount.is_finite() and amount > ZERO):
            return tx  # the tender plan refuses it with the right message
        basis = due if amount is None else min(amount, due)
        found = self._tender_discount_for(tx, tender.tender_type_id, basis)
        if not found:
            return tx
        line_id = f"T{tx.next_tender_no}"
        shares = tuple(TenderDiscountShare(line_id, lid, found[lid]) for lid in sorted(found))
        return with_tender_totals(self._priced(replace(tx, tender_discounts=shares), None))

    def _without_tender_discount(self, tx: Transaction, tender_line_id: str) -> Transaction:
        """The sale without the discount a voided or declined tender line had earned."""
        kept = tuple(s for s in tx.tender_discounts if s.tender_line_id != tender_line_id)
        if kept == tx.tender_discounts:
            return tx
        return with_tender_totals(self._priced(replace(tx, tender_discounts=kept), None))

    def add_tender(self, request: AddTender) -> OpResult[TenderLine]:
        """Cash (with change and cash rounding), check, or foreign currency at its rate."""

        def step() -> Step[TenderLine] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            tender = self._tender_type(
                request.tender_type_id,
                TenderKind.CASH,
                TenderKind.CHECK,
                TenderKind.FOREIGN_CURRENCY,
            )
            if isinstance(tender, Refusal):
                return tender
            if tender.opens_drawer:
                refusal = self._drawer_refusal(f"take {tender.name.lower()}")
                if refusal:
                    return refusal
            if tx.totals.balance_due < ZERO:  # money is owed to the customer: a refund
                return self._refund(tx, tender, request.amount, request.approval)
            tx = self._earn_tender_discount(tx, tender, request.amount)
            plan = plan_tender(tx, self.store, tender, request.amount)
            if isinstance(plan, Refusal):
                return plan
            return self._append_tender(tx, self._line_from_plan(tx, tender, plan))

        return self._run("add_tender", request, step)

    def _line_from_plan(self, tx: Transaction, tender: TenderType, plan: TenderPlan) -> TenderLine:
        return TenderLine(
            tender_line_id=f"T{tx.next_tender_no}",
            tender_type_id=tender.tender_type_id,
            kind=tender.kind.value,
            amount=plan.amount,
            rounding=plan.rounding,
            foreign_currency=plan.foreign_currency,
            foreign_amount=plan.foreign_amount,
            exchange_rate=plan.exchange_rate,
        )

    def tender_card(self, request: TenderCard) -> OpResult[TenderLine]:
        """Pay by card. The result's tender line says approved, declined or unknown."""

        def step() -> Step[TenderLine] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            tender = self._tender_type(request.tender_type_id, TenderKind.CARD)
            if isinstance(tender, Refusal):
                return tender
            if self.ports.payment is None:
                return refused(RefusalCode.UNKNOWN_TENDER, "No payment terminal is connected.")
            if tx.totals.balance_due < ZERO:  # money is owed to the customer: a refund
                return self._refund(tx, tender, request.amount, None)
            tx = self._earn_tender_discount(tx, tender, request.amount)
            amount = request.amount
            if amount is not None and tx.tender_discounts and amount > tx.totals.balance_due:
                amount = tx.totals.balance_due  # the discount lowered what is due
            plan = plan_tender(tx, self.store, tender, amount)
            if isinstance(plan, Refusal):
                return plan
            pending = replace(
                self._line_from_plan(tx, tender, plan),
                status=TenderStatus.PENDING,
                request_id=self.ports.ids.new_id(),
            )
            tx, _, _ = self._append_tender(tx, pending)  # persisted before the terminal is asked
            outcome = self._ask_terminal(pending)
            return self._settle_answer(tx, pending.tender_line_id, outcome)

        return self._run("tender_card", request, step)

    def _settle_answer(
        self, tx: Transaction, line_id: str, outcome: PaymentOutcome
    ) -> Step[TenderLine] | Refusal:
        try:
            return self._settle(tx, line_id, outcome)
        except StorageError as exc:
            return refused(
                RefusalCode.STORAGE,
                f"The terminal answered ({outcome.status.value}) but the register could not "
                f"save it: {exc}. The payment is kept as pending; resolve it once the "
                "register can save again.",
            )

    # ---- refunds (a negative balance: returns, exchanges) --------------------------------------

    def _refund_originals(self, tx: Transaction) -> Sequence[Transaction]:
        """The original sales the return lines of `tx` refund; return operations override."""
        return ()

    def _refund(
        self,
        tx: Transaction,
        tender: TenderType,
        amount: Decimal | None,
        approval: Approval | None,
    ) -> Step[TenderLine] | Refusal:
        """Pay out (part of) a negative balance: cash to cash, a card sale back to its card,
        a card sale in cash only with permission."""
        plan = plan_refund(tx, self.store, tender, amount)
        if isinstance(plan, Refusal):
            return plan
        cards = card_payments(self._refund_originals(tx))
        if tender.kind is TenderKind.CARD:
            if not cards:
                return refused(
                    RefusalCode.REFUND_TENDER,
                    "Only a sale paid by card is refunded to a card; refund this one in cash.",
                )
            if self.ports.payment is None:
                return refused(RefusalCode.UNKNOWN_TENDER, "No payment terminal is connected.")
            pending = replace(
                self._line_from_plan(tx, tender, plan),
                status=TenderStatus.PENDING,
                request_id=self.ports.ids.new_id(),
            )
            tx, _, _ = self._append_tender(tx, pending)  # persisted before the terminal is asked
            outcome = self._ask_refund(pending, cards[-1].terminal_reference)
            return self._settle_answer(tx, pending.tender_line_id, outcome)
        if cards:
            refusal = self._authorize(
                Permission.REFUND_CARD_TO_CASH,
                approval,
                "refund a card payment in cash",
                details={"amount": str(plan.amount)},
            )
            if refusal:
                return refused(
                    RefusalCode.REFUND_TENDER,
                    "The sale was paid by card: refund it to the card, or a manager approves "
                    f"the cash refund. {refusal.message}",
                    refusal.code.value,
                )
        return self._append_tender(tx, self._line_from_plan(tx, tender, plan))

    def _ask_refund(self, pending: TenderLine, original_reference: str | None) -> PaymentOutcome:
        assert self.ports.payment is not None and pending.request_id is not None
        request = PaymentRequest(pending.request_id, -pending.amount, self.store.currency.code)
        try:
            return self.ports.payment.refund(request, original_reference)
        except Exception as exc:  # noqa: BLE001 - any terminal failure means "unknown"
            return PaymentOutcome(PaymentStatus.UNKNOWN, message=f"terminal error: {exc}")

    def _ask_terminal(self, pending: TenderLine) -> PaymentOutcome:
        assert self.ports.payment is not None and pending.request_id is not None
        request = PaymentRequest(pending.request_id, pending.amount, self.store.currency.code)
        try:
            return self.ports.payment.authorize(request)
        except Exception as exc:  # noqa: BLE001 - any terminal failure means "unknown"
            return PaymentOutcome(PaymentStatus.UNKNOWN, message=f"terminal error: {exc}")

    def _settle(self, tx: Transaction, line_id: str, outcome: PaymentOutcome) -> Step[TenderLine]:
        line = tx.tender(line_id)
        assert line is not None
        status = {
            PaymentStatus.APPROVED: TenderStatus.APPROVED,
            PaymentStatus.PARTIAL: TenderStatus.APPROVED,
            PaymentStatus.DECLINED: TenderStatus.DECLINED,
            PaymentStatus.UNKNOWN: TenderStatus.UNKNOWN,
        }[outcome.status]
        amount, message = line.amount, outcome.message
        if outcome.status is PaymentStatus.PARTIAL:
            if line.amount < ZERO:  # a refund: the terminal paid back only part of it
                amount = ZERO - min(outcome.approved_amount, -line.amount)
            else:
                amount = min(outcome.approved_amount, line.amount)
            message = f"partially approved: {amount} of {line.amount}"
        settled = replace(
            line,
            status=status,
            amount=amount,
            message=message,
            terminal_reference=outcome.reference,
            card_brand=outcome.card_brand,
        )
        tenders = tuple(settled if t.tender_line_id == line_id else t for t in tx.tenders)
        new = with_tender_totals(replace(tx, tenders=tenders))
        if status is TenderStatus.DECLINED:
            new = self._without_tender_discount(new, line_id)
        changes = self._commit(new, self._tender_changes(new), reprice_lines=False)
        return new, changes, settled

    def resolve_card_tender(self, request: ResolveCardTender) -> OpResult[TenderLine]:
        """Ask the terminal what became of a payment whose outcome was unknown."""

        def step() -> Step[TenderLine] | Refusal:
            tx = self._tx
            if tx is None:
                return self._no_open_tx()
            line = tx.tender(request.tender_line_id)
            if line is None:
                return refused(RefusalCode.UNKNOWN_LINE, f"No tender {request.tender_line_id}.")
            if line.status not in (TenderStatus.PENDING, TenderStatus.UNKNOWN):
                return refused(RefusalCode.WRONG_STATE, f"Tender {line.tender_line_id} is settled.")
            if self.ports.payment is None or line.request_id is None:
                return refused(RefusalCode.UNKNOWN_TENDER, "No payment terminal is connected.")
            try:
                outcome = self.ports.payment.status(line.request_id)
            except Exception as exc:  # noqa: BLE001
                outcome = PaymentOutcome(PaymentStatus.UNKNOWN, message=f"terminal error: {exc}")
            return self._settle(tx, line.tender_line_id, outcome)

        return self._run("resolve_card_tender", request, step)

    def void_tender(self, request: VoidTender) -> OpResult[TenderLine]:
        """Void a tender line; an approved card payment is reversed at the terminal first."""

        def step() -> Step[TenderLine] | Refusal:
            tx = self._tx
            if tx is None:
                return self._no_open_tx()
            if tx.state is not TransactionState.OPEN:
                return refused(RefusalCode.NO_TRANSACTION, "No transaction is open.")
            line = tx.tender(request.tender_line_id)
            if line is None or line.is_change:
                return refused(RefusalCode.UNKNOWN_LINE, f"No tender {request.tender_line_id}.")
            if line.status in (TenderStatus.VOIDED, TenderStatus.DECLINED):
                return refused(
                    RefusalCode.WRONG_STATE, f"Tender {line.tender_line_id} is not live."
                )
            if line.status in (TenderStatus.PENDING, TenderStatus.UNKNOWN):
                return refused(
                    RefusalCode.PAYMENT_PENDING,
                    "Resolve the card payment's outcome before voiding it.",
                )
            if line.kind == TenderKind.CARD.value:
                refusal = self._reverse(line)
                if refusal:
                    return refusal
            voided = replace(line, status=TenderStatus.VOIDED)
            new = with_tender_totals(
                replace(
                    tx,
                    tenders=tuple(
                        voided if t.tender_line_id == line.tender_line_id else t for t in tx.tenders
                    ),
                )
            )
            new = self._without_tender_discount(new, line.tender_line_id)
            changes = self._commit(new, self._tender_changes(new), reprice_lines=False)
            return new, changes, voided

        return self._run("void_tender", request, step)

    def _reverse(self, line: TenderLine) -> Refusal | None:
        if self.ports.payment is None or line.request_id is None:
            return refused(RefusalCode.UNKNOWN_TENDER, "No payment terminal to reverse the card.")
        try:
            outcome = self.ports.payment.reverse(line.request_id, line.terminal_reference)
        except Exception as exc:  # noqa: BLE001
            outcome = PaymentOutcome(PaymentStatus.UNKNOWN, message=str(exc))
        if outcome.status is not PaymentStatus.APPROVED:
            return refused(
                RefusalCode.PAYMENT_DECLINED,
                f"The terminal did not reverse the payment ({outcome.message or outcome.status}); "
                "the tender stays.",
            )
        return None

    def conclude(self, request: Conclude) -> OpResult[ConcludedSale]:
        """Finish a fully paid sale: change line, receipt number, durable write, receipt."""

        def step() -> Step[ConcludedSale] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if not tx.active_lines:
                return refused(RefusalCode.WRONG_STATE, "There is nothing to conclude.")
            if tx.totals.balance_due != 0:
                return refused(
                    RefusalCode.BALANCE_DUE,
                    f"{tx.totals.balance_due} {self.store.currency.code} is still to be paid.",
                )
            change = change_line(tx, self.store, f"T{tx.next_tender_no}")
            if change is not None:
                tx = with_tender_totals(
                    replace(tx, tenders=(*tx.tenders, change), next_tender_no=tx.next_tender_no + 1)
                )
            ended = self.ports.clock.now()
            done = replace(tx, state=TransactionState.CONCLUDED, ended_at=ended)
            day = ended.astimezone(ZoneInfo(self.store.timezone)).date()  # as on the receipt
            register = self.register

            def number(seq: int) -> str:
                return format_receipt_number(
                    register.receipt_mask, done.store_id, register.register_id, day, seq
                )

            written = self.ports.ledger.finish(done, number)
            done = replace(done, receipt_number=written.receipt_number)
            self._finished(done)
            sale = ConcludedSale(done, written.device_seq, partial(self.receipt, done))
            return done, ChangeRecord(state=True, tenders=True, totals=True), sale

        return self._run("conclude", request, step)
