"""Smoke tests for the packaging scaffolding: the console script is declared and installed."""

import importlib
import shutil
import sys
from importlib import metadata
from pathlib import Path

import pytest


def test_console_script_declared() -> None:
    (ep,) = metadata.entry_points(group="console_scripts", name="tillpoint")
    assert ep.value == "pos_app.cli:main"


def test_console_script_installed_in_venv() -> None:
    bindir = Path(sys.executable).parent
    assert shutil.which("tillpoint", path=str(bindir)) is not None


def test_cli_main_is_callable() -> None:
    try:
        cli = importlib.import_module("pos_app.cli")
    except ModuleNotFoundError as exc:
        if exc.name != "pos_app.cli":
            raise
        pytest.skip("pos_app.cli not written yet")
    assert callable(cli.main)
