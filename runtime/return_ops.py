"""STUB written by the integrator: the return operations of the runtime facade (issue #4/#3)."""

from __future__ import annotations

from runtime.tender_ops import TenderOperations


class ReturnOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""
