"""Register processes for the SIGKILL tests, killed at random moments.

upload mode: only the sync client's uploader over a register database, pushing its outbox in
small batches until nothing is pending.
    python sync_child.py DB REGISTER_ID SERVER_URL TOKEN DEVICE_ID BATCH
sell mode: the app's path: the register opened with its sync client started (activated before,
token in the keyring), selling without end; each concluded sale triggers an upload on the
scheduler's thread. Every concluded transaction id is appended (fsync) to LOG.
    python sync_child.py sell DB REGISTER_ID LOG SEED
"""

from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    from local_db import open_database
    from sync.client import ChannelClient
    from sync.transport import RetryPolicy, SyncFailure, Transport
    from sync.upload import Uploader

    db_path, register_id, url, token, device_id, batch = argv
    db = open_database(db_path)
    client = ChannelClient(
        Transport(url, token, timeout=5, retry=RetryPolicy(attempts=2, base=0.01, cap=0.05))
    )
    uploader = Uploader(db, client, device_id, register_id, batch_size=int(batch))
    print("ready", flush=True)
    while uploader.pending()[0]:
        try:
            uploader.upload()
        except SyncFailure:
            time.sleep(0.05)
    client.close()
    db.close()
    print("done", flush=True)
    return 0


def sell(argv: list[str]) -> int:
    import os
    import random
    from decimal import Decimal

    from local_db import sample_barcodes
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude

    db_path, register_id, log_path, seed = argv
    rng = random.Random(int(seed))
    register = open_register(db_path, register_id, operator_id="1001", extensions=[], sync=True)
    assert register.sync is not None, "the register is not activated"
    ensure_open_shift(register.runtime)
    codes = sample_barcodes(register.database, 30, seed=int(seed))
    rt = register.runtime
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    print("ready", flush=True)
    while True:
        for _ in range(rng.randint(1, 3)):
            rt.add_line(AddLine(barcode=rng.choice(codes), quantity=Decimal(1)))
        rt.add_tender(AddTender("cash"))
        done = rt.conclude(Conclude())
        if done.value is not None:
            os.write(log, f"{done.value.transaction.transaction_id}\n".encode())
            os.fsync(log)
        time.sleep(rng.uniform(0, 0.02))


if __name__ == "__main__":
    if sys.argv[1:2] == ["sell"]:
        raise SystemExit(sell(sys.argv[2:]))
    raise SystemExit(main(sys.argv[1:]))
