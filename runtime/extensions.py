"""Extension points: pre/post triggers around every facade operation and receipt decoration.

Extensions are found through the entry-point group `tillpoint.extensions`; each entry point
names a class or factory returning a `RuntimeExtension`. Core code never branches on a
customer's name: a store's special rule is an extension.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from runtime.operations import OpResult, Refusal

if TYPE_CHECKING:
    from runtime.receipt import ReceiptDocument
    from runtime.transaction import Transaction

ENTRY_POINT_GROUP = "tillpoint.extensions"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TriggerContext:
    """What a trigger sees: the operation's name, its typed request, the transaction before."""

    operation: str
    request: object
    transaction: Transaction | None


class RuntimeExtension:
    """Base class with no-op hooks; override the ones you need."""

    name = "extension"

    def before(self, context: TriggerContext) -> Refusal | None:
        """Refuse the operation by returning a Refusal; None lets it run."""
        return None

    def after(self, context: TriggerContext, result: OpResult[object]) -> None:
        """Observe a finished operation (also refused ones). Must not raise."""

    def decorate_receipt(
        self, document: ReceiptDocument, transaction: Transaction
    ) -> ReceiptDocument:
        """Return the receipt document to print, e.g. with an extra footer line."""
        return document


def load_extensions(group: str = ENTRY_POINT_GROUP) -> list[RuntimeExtension]:
    """Instantiate every installed extension, in entry-point name order (deterministic).

    A broken extension is logged and skipped: a plug-in must never stop the store selling.
    """
    loaded: list[RuntimeExtension] = []
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        try:
            factory = ep.load()
            extension = factory()
        except Exception:  # noqa: BLE001 - any plug-in failure is isolated
            log.exception("extension %s failed to load; skipped", ep.name)
            continue
        if not isinstance(extension, RuntimeExtension):
            log.error("extension %s is not a RuntimeExtension; skipped", ep.name)
            continue
        loaded.append(extension)
    return loaded


def run_before(extensions: Iterable[RuntimeExtension], context: TriggerContext) -> Refusal | None:
    """The first refusal of any extension; one that crashes is logged and skipped."""
    for extension in extensions:
        try:
            refusal = extension.before(context)
        except Exception:  # noqa: BLE001 - a broken plug-in must not stop the store selling
            log.exception("extension %s failed in before(%s)", extension.name, context.operation)
            continue
        if refusal is not None:
            return refusal
    return None


def run_after(
    extensions: Iterable[RuntimeExtension], context: TriggerContext, result: OpResult[object]
) -> None:
    for extension in extensions:
        try:
            extension.after(context, result)
        except Exception:  # noqa: BLE001 - observers must not break the sale
            log.exception("extension %s failed in after(%s)", extension.name, context.operation)


def decorate_receipt(
    extensions: Iterable[RuntimeExtension], document: ReceiptDocument, transaction: Transaction
) -> ReceiptDocument:
    """Let each extension decorate the receipt; one that crashes is logged and left out.

    Receipts are built after the sale is durably written, so a failure here must not reach the
    caller as if the sale had failed.
    """
    for extension in extensions:
        try:
            document = extension.decorate_receipt(document, transaction)
        except Exception:  # noqa: BLE001
            log.exception("extension %s failed to decorate the receipt", extension.name)
    return document
