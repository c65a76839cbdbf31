"""The runtime's `PaymentTerminal` port, served by a payment-terminal device.

The runtime asks synchronously (`tender_card` waits for the answer); the device works on its
own thread and answers with Futures. This adapter waits for those futures with a bound and
turns every failure into an outcome the runtime already handles:

- nothing reached the terminal (device unavailable, not enabled, request log failed): DECLINED
  with a message saying nothing was charged, so the cashier can simply try again;
- anything else (an unusable answer, the wait ran out): UNKNOWN, so the card line stays
  pending and `ResolveCardTender` asks the terminal later.

`PaymentOutcome` has no room for the terminal's receipt text, so the adapter keeps it per
request id: `receipts(request_id)` / `receipt_lines(request_id, "customer")` for printing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from peripherals.device import Device, DeviceUnavailable
from peripherals.payment_nexo import PaymentNotSent, TerminalOutcome, TerminalReceipt
from peripherals.payment_terminal import NexoTerminal
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus

_KEEP_RECEIPTS = 200  # the receipts of the last requests; a sale prints its own long before


class TerminalPaymentPort:
    """Implements `runtime.ports.PaymentTerminal` on top of a NexoTerminal (or a NullDevice)."""

    def __init__(self, device: Device, wait_s: float | None = None) -> None:
        self._device = device
        if wait_s is None:
            if isinstance(device, NexoTerminal):
                wait_s = device.worst_case_s()
            else:
                wait_s = device.config.timeout_s
        self._wait_s = wait_s
        self._lock = threading.Lock()
        self._receipts: OrderedDict[str, tuple[TerminalReceipt, ...]] = OrderedDict()

    @property
    def device(self) -> Device:
        return self._device

    # ------------------------------------------------------------------ PaymentTerminal
    def authorize(self, request: PaymentRequest) -> PaymentOutcome:
        return self._await(request.request_id, "charged", lambda d: d.pay(request))

    def refund(self, request: PaymentRequest, original_reference: str | None) -> PaymentOutcome:
        return self._await(
            request.request_id, "refunded", lambda d: d.refund(request, original_reference)
        )

    def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
        return self._await(
            f"{request_id}#reversal", "reversed", lambda d: d.reverse(request_id, reference)
        )

    def status(self, request_id: str) -> PaymentOutcome:
        return self._await(request_id, None, lambda d: d.transaction_status(request_id))

    # ------------------------------------------------------------------ receipts
    def receipts(self, request_id: str) -> tuple[TerminalReceipt, ...]:
        """The terminal's receipts for a payment or refund (a reversal: `id + "#reversal"`)."""
        with self._lock:
            return self._receipts.get(request_id, ())

    def receipt_lines(self, request_id: str, copy: str = "customer") -> tuple[str, ...]:
        """The text lines of one copy ("customer" or "merchant"), () when there is none."""
        for receipt in self.receipts(request_id):
            if receipt.copy == copy:
                return receipt.lines
        return ()

    # ------------------------------------------------------------------ waiting
    def _await(
        self, key: str, verb: str | None, call: Callable[[Any], Future[TerminalOutcome]]
    ) -> PaymentOutcome:
        """verb: what "not sent" means for this call ("charged"...); None for a status query,
        where not reaching the terminal leaves the outcome unknown."""
        try:
            future: Future[TerminalOutcome] = call(self._device)
            result = future.result(timeout=self._wait_s)
        except FutureTimeout:
            return PaymentOutcome(
                PaymentStatus.UNKNOWN,
                message=f"the terminal did not finish within {self._wait_s:.0f} s; "
                "ask it for the status later",
            )
        except (PaymentNotSent, DeviceUnavailable) as exc:
            if verb is None:  # a status query that did not happen settles nothing
                return PaymentOutcome(PaymentStatus.UNKNOWN, message=f"terminal: {exc}")
            text = str(exc) if isinstance(exc, PaymentNotSent) else f"{exc}; nothing was {verb}"
            return PaymentOutcome(PaymentStatus.DECLINED, message=text)
        except Exception as exc:  # noqa: BLE001 - any other failure: the outcome is unknown
            return PaymentOutcome(PaymentStatus.UNKNOWN, message=f"terminal error: {exc}")
        if not isinstance(result, TerminalOutcome):
            return PaymentOutcome(PaymentStatus.UNKNOWN, message="terminal: no outcome")
        if result.receipts:
            self._keep(key, result.receipts)
        return result.outcome

    def _keep(self, key: str, receipts: tuple[TerminalReceipt, ...]) -> None:
        with self._lock:
            self._receipts[key] = receipts
            self._receipts.move_to_end(key)
            while len(self._receipts) > _KEEP_RECEIPTS:
                self._receipts.popitem(last=False)
