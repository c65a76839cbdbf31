"""Ports for returns and the electronic journal (issue #4): finding past transactions and
how much of each of their lines is still returnable.

STUB written by the integrator; the returns work fills it in (local_db implements it).
"""

from __future__ import annotations

from typing import Protocol


class JournalReader(Protocol):
    """Finished transactions of this store's registers, as the local database holds them."""
