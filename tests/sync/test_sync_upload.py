"""Upload: real sales on a real register database pushed to a live channel server."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from cs_support import LiveServer
from sync_support import FAST_RETRY, REGISTER, STORE, Rig

from channel_server.devices import issue_activation_code
from local_db.outbox import acked_through, pending_summary
from sync.activation import activate_register
from sync.service import SyncService

sys.path.insert(0, str(Path(__file__).parents[1] / "sync_faults"))

from fault_proxy import Fault, FaultProxy, Kind  # noqa: E402


def _reset_acked(rig: Rig, value: int) -> None:
    """As if the answers had been lost: the register thinks less is acknowledged."""
    with rig.register.database.write("test") as conn:
        conn.execute(
            "UPDATE counters SET value = ? WHERE register_id = ? AND name = 'acked'",
            (value, REGISTER),
        )


def test_sales_are_uploaded_and_acknowledged_only_from_the_answer(rig: Rig) -> None:
    for _ in range(3):
        rig.sell()
    seqs = rig.local_seqs()
    assert len(seqs) == 4  # the shift's opening and three sales
    assert rig.service.state.unsent == 1  # counted when the service started (the shift)

    result = rig.service.upload()

    assert result is not None and result.acknowledged_through == seqs[-1]
    assert [(s, k) for s, k, _ in rig.server_rows()] == [
        (1, "shift_open"), (2, "sale"), (3, "sale"), (4, "sale"),
    ]  # fmt: skip
    assert {status for *_, status in rig.server_rows()} == {"applied"}
    assert rig.alerts() == []  # the journal chain and its signatures check out
    assert pending_summary(rig.register.database, REGISTER) == (0, None)
    assert rig.service.unsent().count == 0


def test_resending_after_lost_answers_doubles_nothing(rig: Rig) -> None:
    rig.sell()
    rig.sell()
    assert rig.service.upload() is not None
    before = rig.server_rows()
    _reset_acked(rig, 0)

    again = rig.service.upload()

    assert again is not None and again.sent == 3  # everything went again...
    assert rig.server_rows() == before  # ...and the server kept one of each
    assert acked_through(rig.register.database, REGISTER) == 3


def test_a_restored_server_gets_the_rows_again_from_its_expected_seq(
    rig: Rig, tmp_path: Path
) -> None:
    """The server lost what it had (restored from an old backup): its seq_gap names seq 1,
    below what the register has acknowledged; the register resends from there."""
    rig.sell()
    assert rig.service.upload() is not None
    rig.service.stop()
    fresh = LiveServer(str(tmp_path / "restored.db"))
    try:
        with _reactivated(rig, fresh) as again:
            again.sell()
            result = again.service.upload()
            assert result is not None
            assert [s for s, *_ in again.server_rows()] == [1, 2, 3]
            assert acked_through(again.register.database, REGISTER) == 3
    finally:
        fresh.stop()


@contextlib.contextmanager
def _reactivated(rig: Rig, server: LiveServer) -> Iterator[Rig]:
    """The same register database activated against another server (a new service)."""
    code = issue_activation_code(server.db, STORE, REGISTER).code
    activate_register(rig.register.database, server.base_url, code, retry=FAST_RETRY)
    service = SyncService.from_database(
        rig.register.database, retry=FAST_RETRY, sleep=lambda s: None
    )
    try:
        yield Rig(server, rig.db_path, rig.register, service, barcodes=rig.barcodes)
    finally:
        service.stop()


def test_server_faults_switch_offline_keep_rows_and_recover(
    server: LiveServer, register_db: Path, file_keyring: object
) -> None:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url) as rig,
    ):
        rig.sell()
        assert rig.service.check_health()
        for faults in (
            [Fault(Kind.GARBAGE)] * 3,
            [Fault(Kind.TRUNCATE)] * 3,
            [Fault.status_answer(500)] * 3,
            [Fault(Kind.DROP_RESPONSE)] * 3,
        ):
            proxy.enqueue(*faults, path="/v1/push")
            assert rig.service.upload() is None
            assert rig.service.state.online is False, faults
            assert rig.service.unsent().count == 2  # nothing acknowledged, nothing lost
            assert rig.local_seqs() == [1, 2]
            assert rig.service.check_health() and rig.service.online()

        result = rig.service.upload()
        assert result is not None and result.pending == 0
        assert [s for s, *_ in rig.server_rows()] == [1, 2]  # once each


def test_429_retry_after_is_honoured_and_capped(
    server: LiveServer, register_db: Path, file_keyring: object
) -> None:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url) as rig,
    ):
        rig.sell()
        rig.sleeps.clear()
        proxy.enqueue(Fault.status_answer(429, retry_after=1), Fault.status_answer(503, 7),
                      path="/v1/push")  # fmt: skip
        result = rig.service.upload()
        assert result is not None and result.pending == 0
        assert rig.sleeps == [1.0, 2.0]  # Retry-After as sent; 7 s capped at 2 s


def test_connection_refused_is_offline_and_rows_stay(
    server: LiveServer, register_db: Path, file_keyring: object
) -> None:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url) as rig,
    ):
        rig.sell()
        proxy.close()  # nothing listens on the register's server URL any more
        assert rig.service.run_cycle().online is False
        assert rig.service.upload() is None
        assert rig.service.state.online is False
        assert "could not be reached" in rig.service.state.reason
        assert rig.local_seqs() == [1, 2] and rig.service.unsent().count == 2
        assert rig.server_rows() == []


def test_a_deactivated_register_gets_401_and_an_alert(rig: Rig) -> None:
    from channel_server.devices import deactivate

    rig.sell()
    deactivate(rig.server.db, "S001", REGISTER)
    assert rig.service.upload() is None
    state = rig.service.state
    assert state.alert is not None and "activate it again" in state.alert
    assert state.online is False
    assert rig.service.unsent().count == 2
    assert len(rig.sleeps) == 0  # a 401 is never retried


def test_a_payload_conflict_stops_uploading_with_an_alert_and_keeps_the_rows(rig: Rig) -> None:
    rig.sell()
    assert rig.service.upload() is not None
    with rig.register.database.write("test") as conn:  # seq 2 now differs from the server's
        conn.execute(
            "UPDATE outbox SET payload_sha256 = ? WHERE register_id = ? AND device_seq = 2",
            ("0" * 64, REGISTER),
        )
    _reset_acked(rig, 1)
    rig.sell()

    assert rig.service.upload() is None
    alert = rig.service.state.alert
    assert alert is not None and "payload_conflict" in alert and "kept" in alert
    assert acked_through(rig.register.database, REGISTER) == 1  # nothing past the conflict
    assert rig.local_seqs() == [1, 2, 3]
    assert [s for s, *_ in rig.server_rows()] == [1, 2]
    assert any("now arrives with" in message for message in rig.alerts())
    conflicts = len(rig.alerts())
    assert rig.service.check_health()
    rig.service._upload_job()  # the scheduled upload waits for a person...
    assert len(rig.alerts()) == conflicts  # ...instead of raising the server's alert again
    assert rig.service.state.alert == alert
    rig.service.clear_alert()  # a person looked at it
    assert rig.service.state.alert is None
