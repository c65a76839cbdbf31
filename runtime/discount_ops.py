"""STUB written by the integrator: the discount operations of the runtime facade (issue #4/#3)."""

from __future__ import annotations

from runtime.tender_ops import TenderOperations


class DiscountOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""
