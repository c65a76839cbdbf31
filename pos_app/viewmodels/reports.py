"""X and Z reports: build them through the runtime (its permission check included), show them
as text like the receipt, list over/short per tender, and print them on the register's printer.

Printing goes through the register's reprint queue (`ReceiptPrinting.print_or_queue`), so a
report that fails to print is kept for `tillpoint devices reprint`, and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_app.viewmodels.shift import (
    DEFAULT_LOCALE,
    Outcome,
    money_format,
    outcome_of,
)
from runtime.facade import CommerceRuntime
from runtime.operations import Approval
from runtime.receipt import ReceiptDocument
from runtime.receipt_text import render_text
from runtime.shift_report import ShiftReport
from runtime.shift_requests import CloseShift, PrintXReport, ReportResult, ReprintZReport

PRINT_WAIT_S = 30.0
REPORT_WIDTH = 42


@dataclass(frozen=True)
class BalanceRow:
    """Expected against declared for one tender, as the close screen shows it."""

    tender: str
    expected: str
    declared: str
    over_short: str
    verdict: str  # "over", "short", "even", or "not declared"


@dataclass(frozen=True)
class ReportView:
    kind: str  # "x" or "z"
    title: str
    text: str  # the document rendered as the receipt printer would
    balances: tuple[BalanceRow, ...]
    document: ReceiptDocument
    report: ShiftReport


class ReportViewModel:
    """X report (mid-shift read), close with a Z report, Z reprint, and printing them."""

    def __init__(
        self,
        runtime: CommerceRuntime,
        *,
        devices: Any = None,
        locale: str = DEFAULT_LOCALE,
        width: int = REPORT_WIDTH,
    ) -> None:
        self.runtime = runtime
        self.devices = devices
        self.width = width
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back

    def x_report(self, approval: Approval | None = None) -> Outcome[ReportView]:
        return self._view(self.runtime.x_report(PrintXReport(approval)), "X report ready.")

    def close_shift(
        self, shift_id: str | None = None, approval: Approval | None = None
    ) -> Outcome[ReportView]:
        """Close the open shift (or a blind-closed one by id) with its Z report."""
        result = self.runtime.close_shift(CloseShift(shift_id, approval))
        return self._view(result, "Shift {label} is closed. Z report {z}.")

    def last_z_report(
        self, shift_id: str | None = None, approval: Approval | None = None
    ) -> Outcome[ReportView]:
        return self._view(
            self.runtime.z_report(ReprintZReport(shift_id, approval)), "Z report {z} (reprint)."
        )

    def _view(self, result: Any, done: str) -> Outcome[ReportView]:
        out = outcome_of(result)
        if out.value is None:
            return out.failed()
        got: ReportResult = out.value
        view = self.view_of(got)
        return Outcome.done(view, done.format(label=got.report.shift_label, z=got.report.z_number))

    def view_of(self, got: ReportResult) -> ReportView:
        report = got.report
        return ReportView(
            report.kind,
            "Z report" if report.kind == "z" else "X report",
            render_text(got.document, self.width),
            tuple(self._balances(report)),
            got.document,
            report,
        )

    def _balances(self, report: ShiftReport) -> list[BalanceRow]:
        rows = []
        for b in report.tenders:
            diff = b.over_short
            if diff is None:
                verdict = "not declared"
            else:
                verdict = "over" if diff > 0 else "short" if diff < 0 else "even"
            rows.append(
                BalanceRow(
                    b.name,
                    self.fmt.money(b.expected, b.currency),
                    self.fmt.money(b.declared, b.currency),
                    self.fmt.money(diff, b.currency),
                    verdict,
                )
            )
        return rows

    def print_report(self, view: ReportView) -> Outcome[str]:
        """Print on the register's printer; waits for the printer, so run it on a worker."""
        job = f"{view.kind}-report-{view.report.shift_id}-{view.report.printed_at:%H%M%S}"
        return print_document(self.devices, view.document, job, view.title)


def print_document(
    devices: Any, document: ReceiptDocument, job_id: str, what: str, *, queue: bool = True
) -> Outcome[str]:
    """Print through the register's devices; blocks until the printer answers (a worker's job).
    A failure is said calmly and, with `queue`, kept in the reprint queue."""
    printer = None if devices is None else devices.printer
    if printer is None:
        return Outcome.problem(
            f"This register has no receipt printer set up, so the {what.lower()} was not "
            "printed; read it on screen, or ask the back office to add a printer.",
            "no_printer",
        )
    try:
        if not queue:
            printer.print_document(document, job_id).result(PRINT_WAIT_S)
            return Outcome.done(job_id, f"{what} printed on {printer.device_id}.")
        outcome = devices.printing.print_or_queue(printer, document, job_id).result(PRINT_WAIT_S)
    except Exception as exc:  # noqa: BLE001 - a printer problem is a message, not a crash
        return Outcome.problem(
            f"The {what.lower()} did not print: {exc or exc.__class__.__name__}. Check the "
            "printer's power, paper and cover, then try again.",
            "print_failed",
        )
    if outcome.printed:
        return Outcome.done(job_id, f"{what} printed.")
    kept = " It is kept in the reprint queue." if outcome.queued else ""
    return Outcome.problem(
        f"The {what.lower()} did not print: {outcome.reason}.{kept} Check the printer's paper "
        "and cover, then reprint it from the device page.",
        "print_failed",
    )
