"""Joins a register to its sync client: the runtime gets the `RemoteDesk` and `SyncStatus`
ports, and an extension that asks for an upload after every operation that may have written
an outbox row (a concluded or voided sale, shift and drawer events). The trigger only sets a
flag and reschedules the upload job; the upload itself runs on the scheduler's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from runtime.extensions import RuntimeExtension, TriggerContext
from runtime.operations import OpResult

if TYPE_CHECKING:
    from pos_app.composition import Register
    from sync.service import SyncService

log = logging.getLogger("tillpoint.sync")


class UploadTrigger(RuntimeExtension):
    """After a successful operation that finished a transaction or touched the shift/drawer,
    ask for an upload (returns at once)."""

    name = "sync-upload-trigger"

    def __init__(self, trigger: Callable[[], None]) -> None:
        self._trigger = trigger

    def after(self, context: TriggerContext, result: OpResult[object]) -> None:
        if result.refusal is None and (result.changes.state or result.changes.shift):
            self._trigger()


def attach_sync(register: Register, service: SyncService, *, start: bool = True) -> SyncService:
    """Give the register's runtime the service's ports and the upload trigger; start the
    service's jobs unless `start` is False (tests drive the steps themselves)."""
    runtime = register.runtime
    runtime.ports = replace(runtime.ports, remote=service.desk, sync=service)
    runtime.extensions = (*runtime.extensions, UploadTrigger(service.trigger_upload))
    register.sync = service
    if start:
        service.start()
    return service


def open_sync(register: Register, *, start: bool = True, **options: Any) -> SyncService | None:
    """The sync service of an activated register, attached (and started); None, with a log
    line saying why, when the register was never activated or its token cannot be read: the
    register sells offline all the same."""
    from sync.credentials import CredentialsError
    from sync.service import NotActivated, SyncService

    try:
        service = SyncService.from_database(register.database, **options)
    except (NotActivated, CredentialsError, ValueError) as exc:  # ValueError: a bad URL
        log.warning("sync is off: %s", exc)
        return None
    opened = register.runtime.register.register_id
    if service.config.register_id != opened:
        log.error(
            "sync is off: this database was activated as register %s, not %s",
            service.config.register_id, opened,
        )  # fmt: skip
        service.stop()
        return None
    return attach_sync(register, service, start=start)
