"""A register process that only uploads: the sync client over a register database, pushing its
outbox in small batches until nothing is pending. The SIGKILL test kills it at random moments.

Usage: python sync_child.py DB REGISTER_ID SERVER_URL TOKEN DEVICE_ID BATCH
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


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
