"""`tillpoint shift report`: the X report of the open shift and a stored Z, as text."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pos_app import cli_shift
from runtime.shift_requests import DeclareTenders, OpenShift
from tests.runtime.fakes import ok
from tests.shifts.shift_support import copy_store, sql_runtime
from tests.shifts.test_shift_sqlite import _sell


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tillpoint")
    cli_shift.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    code: int = args.func(args)
    return code


def test_shift_report_prints_the_x_report_and_a_stored_z(
    tmp_path: Path, seeded_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy_store(seeded_store, tmp_path)
    assert _run("shift", "report", "--db", str(path), "--register", "R1") == 1
    assert "no shift is open" in capsys.readouterr().err

    reg = sql_runtime(path)
    shift = ok(reg.rt.open_shift(OpenShift(start_amounts={"cash": "10"}))).shift
    _sell(reg, "cola", cash="1")
    assert _run("shift", "report", "--db", str(path), "--register", "R1") == 0
    x_text = capsys.readouterr().out
    assert "X REPORT" in x_text and "Sales (1)" in x_text and "10.89" in x_text

    ok(reg.rt.declare_tenders(DeclareTenders({"cash": {"10": 1, "0.50": 1, "0.20": 2}})))
    closed = ok(reg.rt.close_shift())
    reg.close()
    argv = ("shift", "report", "--db", str(path), "--register", "R1", "--z", shift.shift_id)
    assert _run(*argv) == 0
    z_text = capsys.readouterr().out
    assert "Z REPORT" in z_text and "REPRINT" in z_text and "Over" in z_text
    assert closed.report.tender("cash").over_short is not None
    assert _run("shift", "report", "--db", str(path), "--register", "R1", "--z", "nope") == 1
