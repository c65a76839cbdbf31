"""`tillpoint server import` as a separate process: the sample, a no-op re-import, a refused
directory (exit 2, every problem on stderr), and the progress bar's closing lines."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from channel_server.importer_progress import Progress

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample_store"
COMMAND = [sys.executable, "-m", "channel_server.cli", "server", "import"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TILLPOINT_SERVER_DB", None)
    return subprocess.run(
        [*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def test_import_reimport_and_refusal_from_the_command_line(tmp_path: Path) -> None:
    first = _cli(str(SAMPLE), cwd=tmp_path)  # the default database file in the cwd
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "tillpoint-server.db").exists()
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"Imported {SAMPLE} (full) in ")
    product = next(line.split() for line in lines if line.strip().startswith("product "))
    assert product == ["product", "200", "in", "files", "200", "changed", "0", "deleted"]
    assert "  new stores: S001, S002" in lines
    assert lines[-1].startswith("Change-log rows recorded per store: S001 ")

    again = _cli(str(SAMPLE), "--quiet", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "Change-log rows recorded per store: none"
    assert again.stderr == ""

    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE, bad)
    units = (bad / "units.csv").read_text(encoding="utf-8")
    (bad / "units.csv").write_text(units.replace("kg,Kilogram,3", "kg,Kilogram,three"))
    refused = _cli(str(bad), "--quiet", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.splitlines()[:2] == [
        "tillpoint server: import refused, nothing was written (1 problem):",
        "  units.csv, line 3, column decimals: 'three' is not a whole number",
    ]
    missing = _cli(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith("nowhere is not a directory")


def test_progress_writes_closing_lines_for_big_phases_only() -> None:
    out = io.StringIO()
    progress = Progress(out=out)
    with progress.bar("reading products.csv", 20_000) as bar:
        for _ in range(4):
            bar.advance(5_000)
    with progress.bar("reading units.csv", 3) as bar:
        bar.advance(3)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("reading products.csv")
    assert "100% [##############################] 20,000/20,000" in lines[0]
    silent = io.StringIO()
    with Progress(enabled=False, out=silent).bar("reading products.csv", 20_000) as bar:
        bar.advance(20_000)
    assert silent.getvalue() == ""
