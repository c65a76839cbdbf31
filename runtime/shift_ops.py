"""STUB written by the integrator: the shift operations of the runtime facade (issue #4/#3)."""

from __future__ import annotations

from runtime.tender_ops import TenderOperations


class ShiftOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""
