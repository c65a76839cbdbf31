"""STUB written by the integrator: customer, coupon and tender-discount operations (issue #3)."""

from __future__ import annotations

from runtime.tender_ops import TenderOperations


class CustomerOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""
