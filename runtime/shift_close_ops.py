"""Closing a shift (blind close, close with a Z report) and the X / Z reports.

A Z report's data is stored on the shift when it closes, so a reprint shows exactly what was
closed. A blind-closed shift hides its expected amounts; it is declared and closed later.
"""

from __future__ import annotations

from dataclasses import replace

from runtime.core import Step, refused
from runtime.operations import (
    NO_CHANGE,
    OpResult,
    Permission,
    Refusal,
    RefusalCode,
)
from runtime.shift_base import ShiftBase
from runtime.shift_calc import (
    expected_amounts,
    missing_declarations,
)
from runtime.shift_report import build_report, report_document, report_from_dict, report_to_dict
from runtime.shift_requests import (
    BlindClose,
    CloseShift,
    PrintXReport,
    ReportResult,
    ReprintZReport,
    ShiftResult,
)
from runtime.shifts import (
    ShiftStatus,
)


class ShiftCloseOperations(ShiftBase):
    """Closing and reports."""

    # ---- closing and reports ------------------------------------------------------------------

    def blind_close(self, request: BlindClose | None = None) -> OpResult[ShiftResult]:
        """Close for sales without showing expected amounts; declare and close it later."""
        req = request or BlindClose()

        def step() -> Step[ShiftResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            refusal = self._tx_blocks() or self._authorize(
                Permission.BLIND_CLOSE, req.approval, "blind close the shift"
            )
            if refusal:
                return refusal
            closed = replace(
                shift, status=ShiftStatus.BLIND_CLOSED, status_changed_at=self.ports.clock.now()
            )
            stored = store.record(self._change("shift_blind_close", closed))
            self._adopt(None)
            return self._done(ShiftResult(stored))

        return self._run("blind_close", req, step)

    def close_shift(self, request: CloseShift | None = None) -> OpResult[ReportResult]:
        """Close with a Z report: the open shift, or a blind-closed one named by id."""
        req = request or CloseShift()

        def step() -> Step[ReportResult] | Refusal:
            got = self._target_shift(req.shift_id, "closed", ShiftStatus.BLIND_CLOSED)
            if isinstance(got, Refusal):
                return got
            store, shift = got
            current = shift.status is ShiftStatus.OPEN
            if current:
                refusal = self._tx_blocks()
                if refusal:
                    return refusal
            ops = store.operations(shift.shift_id)
            figures = store.sales_figures(shift.shift_id)
            settings = store.settings(self.store.store_id, self.register.register_id)
            if settings.require_start_amount_and_declaration:
                missing = missing_declarations(
                    self.store, ops, expected_amounts(self.store, ops, figures)
                )
                if missing:
                    return refused(
                        RefusalCode.DECLARATION_REQUIRED,
                        f"Before closing shift {shift.label}: {'; '.join(missing)}.",
                        *missing,
                    )
            refusal = self._authorize(
                Permission.XZ_REPORTS,
                req.approval,
                "close the shift (Z report)",
                details={"shift_id": shift.shift_id},
            )
            if refusal:
                return refusal
            now = self.ports.clock.now()
            closed = replace(
                shift,
                status=ShiftStatus.CLOSED,
                status_changed_at=now,
                closed_at=now,
                closed_by=self._operator(),
                z_number=shift.number,
            )
            report = build_report("z", self.store, closed, ops, figures, now)
            stored = store.record(
                self._change("shift_close", closed, z_report=report_to_dict(report))
            )
            if current:
                self._adopt(None)
            return self._done(ReportResult(stored, report, report_document(report)))

        return self._run("close_shift", req, step)

    def x_report(self, request: PrintXReport | None = None) -> OpResult[ReportResult]:
        """A mid-shift read of the open shift; nothing is closed or reset."""
        req = request or PrintXReport()

        def step() -> Step[ReportResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            refusal = self._authorize(Permission.XZ_REPORTS, req.approval, "print an X report")
            if refusal:
                return refusal
            ops = store.operations(shift.shift_id)
            figures = store.sales_figures(shift.shift_id)
            report = build_report("x", self.store, shift, ops, figures, self.ports.clock.now())
            return self._done(ReportResult(shift, report, report_document(report)), NO_CHANGE)

        return self._run("x_report", req, step)

    def z_report(self, request: ReprintZReport | str) -> OpResult[ReportResult]:
        """Reprint the Z report of a closed shift, exactly as it was closed."""
        req = ReprintZReport(request) if isinstance(request, str) else request

        def step() -> Step[ReportResult] | Refusal:
            store = self._shift_store()
            if isinstance(store, Refusal):
                return store
            if req.shift_id is None:
                shift = store.last_closed(self.register.register_id)
                if shift is None:
                    return refused(RefusalCode.NO_SHIFT, "No shift was closed on this register.")
            else:
                found = self._find(store, req.shift_id)
                if isinstance(found, Refusal):
                    return found
                shift = found
            data = store.z_report(shift.shift_id) if shift.status is ShiftStatus.CLOSED else None
            if data is None:
                return refused(
                    RefusalCode.WRONG_STATE, f"Shift {shift.label} has no Z report: not closed."
                )
            refusal = self._authorize(
                Permission.XZ_REPORTS,
                req.approval,
                "reprint a Z report",
                details={"shift_id": shift.shift_id},
            )
            if refusal:
                return refusal
            report = report_from_dict(data)
            return self._done(
                ReportResult(shift, report, report_document(report, reprint=True)), NO_CHANGE
            )

        return self._run("z_report", req, step)

    def last_z_report(self, request: ReprintZReport | None = None) -> OpResult[ReportResult]:
        return self.z_report(request or ReprintZReport())
