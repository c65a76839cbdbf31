"""One process per register: an exclusive lock held for as long as the register is open.

Two processes selling on the same register would each resume the same cart; the second to
conclude would bring a finished sale back. The operating system drops the lock when the process
dies, so a crash never leaves a register locked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from local_db.database import DatabaseOpenError


class RegisterLock:
    """Exclusive, non-blocking lock on `<database>.<register>.lock`; release() or process exit
    frees it."""

    def __init__(self, db_path: str | Path, register_id: str) -> None:
        self.path = Path(f"{db_path}.{register_id}.lock")
        self.register_id = register_id
        self._handle: IO[str] | None = None

    def acquire(self) -> RegisterLock:
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise DatabaseOpenError(
                f"register {self.register_id} is already open ({holder}); close it there first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


if sys.platform == "win32":  # pragma: no cover - the registers' other platform
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
