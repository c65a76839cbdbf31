"""Run emupos (an independent ESC/POS printer, drawer, scale and scanner emulator) for tests.

emupos needs Python >= 3.13, so `make emupos` installs it in `<repo>/.venv-emupos`; it runs
here as a subprocess with a generated emupos.yaml in a temporary directory, on free ports, and
its control API (HTTP, JSON) reads receipts, injects faults, acts on the drawer, sets weights
and scans. Any device kind can be run:

    emu = Emupos(tmp_path, [printer("front", pty=True), scale("deli")]).start()
    try:
        port = emu.tcp_port("front"); path = emu.serial_path("deli")
        emu.set_weight("deli", 1250)
    finally:
        emu.stop()

The config file is written as JSON, which YAML reads as it is.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EMUPOS = REPO / ".venv-emupos" / "bin" / "emupos"


class EmuposMissing(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port nobody listens on right now (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _connections(tcp: bool, pty: bool) -> list[dict[str, Any]]:
    connections: list[dict[str, Any]] = []
    if tcp:
        connections.append({"tcp": {"port": free_port()}})
    if pty:
        connections.append({"serial": {"pty": True}})
    return connections


def printer(
    device_id: str = "front",
    *,
    tcp: bool = True,
    pty: bool = False,
    profile: str = "epson-tm-t20iii",
    job_idle_timeout_ms: int = 2000,
    sensor_open_level: str | None = None,
) -> dict[str, Any]:
    """A receipt printer (with its cash drawer) on a free TCP port and/or a pty."""
    device: dict[str, Any] = {
        "id": device_id,
        "type": "printer",
        "profile": profile,
        "connections": _connections(tcp, pty),
        "job_idle_timeout_ms": job_idle_timeout_ms,
        "receipts_dir": f"./receipts-{device_id}",
    }
    if sensor_open_level:
        device["drawer"] = {"sensor_open_level": sensor_open_level}
    return device


def scale(device_id: str = "deli", *, profile: str = "toledo8217-15kg") -> dict[str, Any]:
    """A scale on a pty (profiles: toledo8217-15kg, or an SMA profile)."""
    return {
        "id": device_id,
        "type": "scale",
        "profile": profile,
        "connections": _connections(False, True),
    }


def serial_scanner(device_id: str = "lane2") -> dict[str, Any]:
    """A scanner writing its scans to a pty."""
    return {
        "id": device_id,
        "type": "scanner",
        "mode": "serial",
        "connections": _connections(False, True),
    }


class Emupos:
    """One emupos process with the given devices; `start()` waits until its API answers."""

    def __init__(self, workdir: Path, devices: list[dict[str, Any]]) -> None:
        self.workdir = Path(workdir)
        self.devices = {d["id"]: d for d in devices}
        self.api_port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = self.workdir / "emupos.log"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/api/v1"

    def start(self, timeout: float = 30.0) -> Emupos:
        if not EMUPOS.exists():
            raise EmuposMissing(
                f"emupos is not installed at {EMUPOS}; run `make emupos` (needs python3.13)"
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = {
            "schema": 1,
            "api": {"host": "127.0.0.1", "port": self.api_port},
            "devices": list(self.devices.values()),
        }
        path = self.workdir / "emupos.yaml"
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        env = dict(os.environ, TMPDIR=str(self.workdir), NO_COLOR="1", COLUMNS="200")
        with self._log.open("wb") as log:
            self._proc = subprocess.Popen(
                [str(EMUPOS), "run", "--config", str(path)],
                cwd=self.workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"emupos exited at start: {self.log_text()}")
            try:
                if self.get("/health")["status"] == "ok":
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"emupos did not answer within {timeout:g} s: {self.log_text()}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # SIGTERM: emupos closes its devices and exits
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> Emupos:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def log_text(self) -> str:
        return self._log.read_text(encoding="utf-8", errors="replace")[-4000:]

    # ------------------------------------------------------------------ HTTP
    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise AssertionError(f"emupos {method} {path}: {exc.code} {detail}") from None
        if not raw:
            return None
        if response.headers.get_content_type() == "application/json":
            return json.loads(raw)
        return raw.decode("utf-8")

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    # ------------------------------------------------------------------ devices
    def device(self, device_id: str) -> dict[str, Any]:
        return dict(self.get(f"/devices/{device_id}"))

    def tcp_port(self, device_id: str) -> int:
        for connection in self.devices[device_id]["connections"]:
            if "tcp" in connection:
                return int(connection["tcp"]["port"])
        raise LookupError(f"{device_id} has no TCP connection")

    def serial_path(self, device_id: str) -> str:
        """The pty emupos created for the device (its stable link under TMPDIR/emupos)."""
        for connection in self.device(device_id)["connections"]:
            if connection["kind"] == "serial":
                return str(connection["device_path"] or connection["link_path"])
        raise LookupError(f"{device_id} has no serial connection")

    # printers
    def receipts(self, device_id: str) -> list[dict[str, Any]]:
        return list(self.get(f"/devices/{device_id}/receipts"))

    def receipt_text(self, device_id: str, receipt_id: str = "latest") -> str:
        return str(self.get(f"/devices/{device_id}/receipts/{receipt_id}/text"))

    def wait_for_receipts(self, device_id: str, count: int, timeout: float = 10) -> list[Any]:
        """The printer's receipts, newest first, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.receipts(device_id)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"emupos {device_id}: {len(found)} receipts, not {count}")
            time.sleep(0.05)

    def set_fault(self, device_id: str, fault: str, active: bool = True) -> None:
        """paper-near-end, paper-out, cover-open or offline."""
        self._call("PUT" if active else "DELETE", f"/devices/{device_id}/faults/{fault}")

    def faults(self, device_id: str) -> list[str]:
        return list(self.device(device_id)["state"]["faults"])

    def drawer(self, device_id: str) -> str:
        """ "open" or "closed"."""
        return str(self.device(device_id)["state"]["drawer"])

    def close_drawer(self, device_id: str) -> None:
        self._call("POST", f"/devices/{device_id}/drawer/close")

    # scales
    def set_weight(self, device_id: str, grams: int, stable: bool = True) -> None:
        self._call("PUT", f"/devices/{device_id}/weight", {"grams": grams, "stable": stable})

    def zero(self, device_id: str) -> None:
        self._call("POST", f"/devices/{device_id}/zero")

    def tare(self, device_id: str) -> None:
        self._call("POST", f"/devices/{device_id}/tare")

    # scanners
    def scan(self, device_id: str, data: str, countdown_seconds: int = 0) -> Any:
        """Ask a scanner to scan `data` (emupos counts down 3 s by default; here 0)."""
        body = {"data": data, "countdown_seconds": countdown_seconds}
        return self._call("POST", f"/devices/{device_id}/scans", body)
