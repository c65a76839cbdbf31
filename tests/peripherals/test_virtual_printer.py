"""Our virtual ESC/POS printer at the wire: raw sockets and a pseudo-terminal, no driver."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import serial  # type: ignore[import-untyped]

from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import DEMO_LOGO, PAPER_80MM, ReceiptProfile
from peripherals.virtual_printer import GARBAGE, VirtualPrinter
from peripherals.virtual_printer_protocol import Kick, Tokenizer, status_byte
from runtime.receipt import ReceiptDocument
from tests.peripherals.printer_support import NUMBER, expected_lines, printed, sale_receipt

DLE_EOT = b"\x10\x04"


@pytest.fixture
def vp() -> Iterator[VirtualPrinter]:
    with VirtualPrinter().start() as printer:
        yield printer


@pytest.fixture(scope="module")
def sale() -> ReceiptDocument:
    return sale_receipt()


def connect(vp: VirtualPrinter) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", vp.port), timeout=2)
    return sock


def ask(sock: socket.socket, n: int) -> bytes:
    sock.sendall(DLE_EOT + bytes([n]))
    return sock.recv(16)


@pytest.mark.parametrize(
    ("panel", "answers"),
    [
        ({}, {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}),
        ({"paper_near_end": True}, {1: 0x12, 2: 0x12, 4: 0x1E}),
        ({"paper_out": True}, {1: 0x1A, 2: 0x32, 4: 0x7E}),
        ({"cover_open": True}, {1: 0x1A, 2: 0x16, 4: 0x12}),
        ({"offline": True}, {1: 0x1A, 2: 0x12}),
    ],
    ids=["ok", "near-end", "paper-out", "cover-open", "offline"],
)
def test_dle_eot_answers_follow_the_panel(
    vp: VirtualPrinter, panel: dict[str, bool], answers: dict[int, int]
) -> None:
    vp.set_panel(**panel)
    with connect(vp) as sock:
        for n, byte in answers.items():
            assert ask(sock, n) == bytes([byte]), n
    assert vp.status_requests == len(answers)


def test_a_receipt_is_parsed_into_lines_barcode_logo_and_cut(
    vp: VirtualPrinter, sale: ReceiptDocument
) -> None:
    profile = ReceiptProfile(logo=DEMO_LOGO)
    with connect(vp) as sock:
        sock.sendall(render_escpos(sale, profile))
        (job,) = vp.wait_for_jobs(1, timeout=5)
    assert printed(job.lines) == expected_lines(sale, profile)
    assert "Pfand 0,25 € für Weißbier" in job.text and "Bäckerei Weiß" in job.text
    assert job.barcodes == [NUMBER]
    assert job.code_pages == [19] and job.cut and job.unknown == [] and job.lost_bytes == 0
    (logo,) = job.images
    assert logo.width_bytes * 8 == 416 and logo.height == 80  # 160 dots of margin + 256


def test_jobs_end_at_each_cut_and_at_connection_close(vp: VirtualPrinter) -> None:
    with connect(vp) as sock:
        sock.sendall(b"\x1b@one\n\x1dV\x00\x1b@two\n\x1dV\x00three\n")
        vp.wait_for_jobs(2, timeout=5)
    jobs = vp.wait_for_jobs(3, timeout=5)
    assert [(j.lines, j.cut) for j in jobs] == [
        (["one"], True),
        (["two"], True),
        (["three"], False),
    ]


def test_status_requests_inside_a_job_are_answered_at_once(vp: VirtualPrinter) -> None:
    with connect(vp) as sock:
        sock.sendall(b"\x1b@half a line")
        assert ask(sock, 1) == b"\x12"
        sock.sendall(b"\n\x1dV\x00")
        (job,) = vp.wait_for_jobs(1, timeout=5)
    assert job.lines == ["half a line"]


def test_dle_eot_bytes_inside_raster_data_are_image_data(vp: VirtualPrinter) -> None:
    image = b"\x1dv0\x00\x02\x00\x02\x00" + DLE_EOT + b"\x01\x10"  # 2 x 2 bytes of "image"
    with connect(vp) as sock:
        sock.sendall(image + b"\x1dV\x00")
        (job,) = vp.wait_for_jobs(1, timeout=5)
    assert vp.status_requests == 0
    assert job.images[0].data == DLE_EOT + b"\x01\x10"


def test_tokenizer_is_the_same_byte_by_byte(sale: ReceiptDocument) -> None:
    data = render_escpos(sale, ReceiptProfile(logo=DEMO_LOGO, print_qr=True))
    whole = Tokenizer().feed(data)
    tokenizer = Tokenizer()
    pieces = [t for i in range(len(data)) for t in tokenizer.feed(data[i : i + 1])]
    commands = [t.raw for t in whole if t.kind != "text"]
    assert commands == [t.raw for t in pieces if t.kind != "text"]
    assert b"".join(t.raw for t in pieces) == data and tokenizer.pending == b""


def test_drawer_kicks_are_recorded_and_drive_the_sensor(vp: VirtualPrinter) -> None:
    with connect(vp) as sock:
        assert ask(sock, 1) == b"\x12"  # closed: pin 3 low
        sock.sendall(b"\x1bp\x00\x32\x32")  # ESC p pin 2, 100 ms
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(2, 100)]
        assert ask(sock, 1) == b"\x16" and vp.drawer_open
        vp.close_drawer()
        assert ask(sock, 1) == b"\x12"
        sock.sendall(b"\x10\x14\x01\x01\x02")  # DLE DC4 1: real-time pulse on pin 5, 200 ms
        assert vp.wait_for_kicks(2, timeout=5)[1] == Kick(5, 200, realtime=True)


def test_drawer_open_level_low_inverts_pin_3() -> None:
    with VirtualPrinter(drawer_open_level="low").start() as vp, connect(vp) as sock:
        assert ask(sock, 1) == b"\x16"
        vp.set_drawer_open(True)
        assert ask(sock, 1) == b"\x12"


def test_garbage_and_silent_status_modes(vp: VirtualPrinter) -> None:
    with connect(vp) as sock:
        vp.answer_status("garbage")
        assert ask(sock, 1) == GARBAGE
        vp.answer_status("silent")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            ask(sock, 1)
        vp.answer_status("normal")
        assert ask(sock, 4) == b"\x12"


def test_reset_after_bytes_resets_the_connection(vp: VirtualPrinter) -> None:
    vp.reset_after(10)
    with connect(vp) as sock:
        sock.sendall(b"\x1b@0123456789abcdef\n")
        with pytest.raises(ConnectionResetError):
            for _ in range(50):  # the RST arrives after the bytes are sent
                sock.sendall(b"more text\n")
                sock.recv(1)
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert job.lines == ["01234567"] and not job.cut  # ESC @ + 8 bytes arrived
    with connect(vp) as sock:  # one-shot: the next connection is fine
        assert ask(sock, 1) == b"\x12"


def test_paper_running_out_mid_job_loses_the_rest(vp: VirtualPrinter) -> None:
    vp.paper_out_after(12)
    with connect(vp) as sock:
        sock.sendall(b"\x1b@line one\nline two\nline three\n\x1dV\x00")
        assert ask(sock, 4) == b"\x7e"
        assert ask(sock, 2) == b"\x32"
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert job.lines == ["line one"] and job.lost_bytes > 0 and not job.cut
    assert vp.panel.paper_out


def test_status_byte_has_the_fixed_bits() -> None:
    from peripherals.virtual_printer_protocol import PanelState

    for state in (PanelState(), PanelState(True, True, True, True, True)):
        for n in (1, 2, 3, 4):
            byte = status_byte(n, state)
            assert byte is not None and byte[0] & 0x93 == 0x12
    assert status_byte(5, PanelState()) is None


def test_serves_a_pseudo_terminal_like_a_serial_printer(sale: ReceiptDocument) -> None:
    with VirtualPrinter().start() as vp:
        path = vp.start_pty()
        assert os.path.exists(path)
        with serial.Serial(path, 9600, timeout=2) as port:
            port.write(DLE_EOT + b"\x04")
            assert port.read(1) == b"\x12"
            port.write(render_escpos(sale, PAPER_80MM))
            (job,) = vp.wait_for_jobs(1, timeout=5)
    assert printed(job.lines) == expected_lines(sale, PAPER_80MM) and job.cut


def test_command_line_prints_jobs() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "peripherals.virtual_printer", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("virtual ESC/POS printer on 127.0.0.1:")
        port = int(first.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            text = "Grüße 5 €\n".encode("cp858")
            sock.sendall(b"\x1b@\x1bt\x13" + text + b"\x1dV\x00")
        lines = [proc.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("--- job (cut,")
        assert lines[1] == "Grüße 5 €\n"
    finally:
        proc.terminate()
        proc.wait(timeout=5)
