"""`tillpoint simulate` against a live server: three registers, ten sales each, every sale on the
server once; a second run in the same folder continues the registers; bad input changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_proxy import Fault, FaultProxy, Kind
from sf_support import ServerHandle, assert_exactly_once

from pos_app.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["simulate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_three_registers_through_a_faulty_network(
    server: ServerHandle, proxy: FaultProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.rule = lambda request: (  # every 4th push is lost after the server committed it
        Fault(Kind.DROP_RESPONSE) if request.path == "/v1/push" and len(proxy.seen) % 4 == 0
        else None
    )  # fmt: skip
    folder = tmp_path / "sim"
    common = ["--server", proxy.url, "--registers", "3", "--sales", "10", "--dir", str(folder)]
    common += ["--server-db", str(server.db_file), "--products", "200", "--batch", "4"]
    code, out, err = _run(capsys, *common)
    assert code == 0, out + err
    assert "30 sales concluded on 3 registers" in out
    assert "30 acknowledged by the server, 0 outbox items pending" in out
    assert proxy.faults_applied(), "the network fault never hit"
    for register in ("SIM001", "SIM002", "SIM003"):
        assert_exactly_once(server, folder / f"{register}.db", register)
    assert sum(server.sale_counts().values()) == 30

    # the same folder again: the registers go on (new codes, same devices and sequences)
    code, out, err = _run(capsys, *common[:5], "2", *common[6:])
    assert code == 0, out + err
    assert "SIM001: continuing" in err
    assert "6 sales concluded on 3 registers" in out  # this run's: 2 each
    assert "6 acknowledged by the server, 0 outbox items pending" in out
    assert sum(server.sale_counts().values()) == 36
    for register in ("SIM001", "SIM002", "SIM003"):
        assert_exactly_once(server, folder / f"{register}.db", register)

    # a new folder would restart SIM001's sequence: refused before selling; another prefix works
    small = ["--server", proxy.url, "--registers", "1", "--sales", "2", "--products", "200"]
    small += ["--server-db", str(server.db_file)]
    code, out, err = _run(capsys, *small, "--dir", str(tmp_path / "other"))
    assert code == 1
    assert "the server already holds" in out and "another --prefix" in out
    code, out, err = _run(capsys, *small, "--dir", str(tmp_path / "b"), "--prefix", "B")
    assert code == 0, out + err
    assert_exactly_once(server, tmp_path / "b" / "B001.db", "B001")
    assert sum(server.sale_counts().values()) == 38


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--registers", "0", "--server-db", "x.db"], "--registers must be 1..999"),
        (["--server-db", "no/such/server.db"], "no such server database file"),
        (["--codes-file", "missing.txt"], "cannot read the codes file"),
        (["--server-db", "x.db", "--batch", "900"], "--batch must be 1..500"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    folder = tmp_path / "sim"
    argv = ["--server", "http://127.0.0.1:9", "--dir", str(folder), *extra]
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in err
    assert not folder.exists()  # nothing was prepared


def test_codes_file_must_name_every_register(
    server: ServerHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = tmp_path / "codes.txt"
    codes.write_text(f"# issued for the test\nSIM001 {server.code('SIM001', 'S001')}\n")
    argv = ["--server", server.base_url, "--registers", "2", "--sales", "1"]
    argv += ["--dir", str(tmp_path / "sim"), "--codes-file", str(codes), "--products", "50"]
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert "no activation code for SIM002" in err
    assert sum(server.sale_counts().values()) == 0
