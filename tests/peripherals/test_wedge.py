"""The keyboard-wedge detector tells a scanner's burst from a person typing, and the wedge
device emits parsed scans while enabled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.events import DataEvent, DeviceCategory, EventRecorder
from peripherals.registry import create_device
from peripherals.scan_parse import ScanKind, ScanResult
from peripherals.scan_parse_layouts import BarcodeLayout, ValueKind, encode_in_store
from peripherals.scanner_wedge import WedgeDetector, WedgeScanner, WedgeSettings

SCANNER_GAP = 0.008  # a scanner types a key every few milliseconds
HUMAN_GAP = 0.15  # a person types several keys a second


def type_text(
    detector: WedgeDetector, text: str, gap: float, start: float = 0.0
) -> tuple[list[str], float]:
    """Feed `text` key by key `gap` seconds apart; the scans completed and the last time."""
    scans = []
    t = start
    for i, ch in enumerate(text):
        t = start + i * gap
        scan = detector.feed(ch, t)
        if scan is not None:
            scans.append(scan)
    return scans, t


def test_fast_burst_ended_by_enter_is_a_scan() -> None:
    detector = WedgeDetector()
    scans, _ = type_text(detector, "5901234123457\r", SCANNER_GAP)
    assert scans == ["5901234123457"]
    assert detector.take_human_keys() == ""
    assert detector.pending == "" and detector.deadline() is None


def test_person_typing_is_handed_back_in_order_including_enter() -> None:
    detector = WedgeDetector()
    scans, last = type_text(detector, "12\r", HUMAN_GAP)
    assert scans == []
    assert detector.take_human_keys() == "12\r"
    scans, last = type_text(detector, "qty", HUMAN_GAP, start=last + 1)
    assert detector.take_human_keys() == "qt"  # the last key waits for its gap to run out
    assert detector.pending == "y"
    deadline = detector.deadline()
    assert deadline is not None and deadline == pytest.approx(last + 0.05)
    assert detector.poll(deadline - 0.01) is None and detector.pending == "y"
    assert detector.poll(deadline + 0.001) is None
    assert detector.take_human_keys() == "y"
    assert detector.take_human_keys() == ""


def test_short_fast_burst_with_enter_is_a_person() -> None:
    detector = WedgeDetector(WedgeSettings(min_length=4))
    scans, _ = type_text(detector, "12\r", SCANNER_GAP)  # e.g. a quick "12" + Enter
    assert scans == []
    assert detector.take_human_keys() == "12\r"


def test_person_typing_right_before_a_scan_keeps_both_apart() -> None:
    detector = WedgeDetector()
    _, last = type_text(detector, "ab", HUMAN_GAP)
    scans, _ = type_text(detector, "96385074\r", SCANNER_GAP, start=last + HUMAN_GAP)
    assert scans == ["96385074"]
    assert detector.take_human_keys() == "ab"


def test_one_slow_gap_inside_a_burst_breaks_it() -> None:
    detector = WedgeDetector()
    type_text(detector, "5901", SCANNER_GAP)
    scans, _ = type_text(detector, "234123457\r", SCANNER_GAP, start=1.0)
    assert scans == ["234123457"]  # the tail came fast on its own
    assert detector.take_human_keys() == "5901"


def test_two_scans_back_to_back() -> None:
    detector = WedgeDetector()
    scans, _ = type_text(detector, "5901234123457\r96385074\r", SCANNER_GAP)
    assert scans == ["5901234123457", "96385074"]


def test_tab_and_multi_character_suffixes() -> None:
    tab = WedgeDetector(WedgeSettings(suffix="\t"))
    assert type_text(tab, "96385074\t", SCANNER_GAP)[0] == ["96385074"]
    crlf = WedgeDetector(WedgeSettings(suffix="\r\n"))
    assert type_text(crlf, "96385074\r\n", SCANNER_GAP)[0] == ["96385074"]
    assert type_text(crlf, "96385074\r", SCANNER_GAP, start=5)[0] == []


def test_scanner_without_suffix_ends_its_scan_by_the_gap() -> None:
    detector = WedgeDetector(WedgeSettings(suffix=""))
    scans, last = type_text(detector, "96385074", SCANNER_GAP)
    assert scans == []
    assert detector.poll(last + 0.06) == "96385074"
    scans, last = type_text(detector, "5901234123457", SCANNER_GAP, start=10)
    # the next key, after a gap, both ends the earlier scan and starts a new burst
    assert detector.feed("x", last + 1) == "5901234123457"
    assert detector.pending == "x"


def test_runaway_burst_without_suffix_goes_back_to_the_widget() -> None:
    detector = WedgeDetector()
    scans, _ = type_text(detector, "k" * 300, SCANNER_GAP)  # a key held down
    assert scans == []
    assert len(detector.take_human_keys()) + len(detector.pending) == 300


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"max_gap_s": 0}, "between 0 and 1 second"),
        ({"max_gap_s": 2}, "between 0 and 1 second"),
        ({"min_length": 0}, "at least 1"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, float], expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        WedgeSettings(**settings)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the device
def wedge_config(**options: str) -> DeviceConfig:
    return DeviceConfig(
        "wedge1",
        DeviceCategory.SCANNER,
        "wedge",
        Transport.KEYBOARD,
        scanner_suffix="\r",
        options=options,
    )


def feed_all(scanner: WedgeScanner, text: str, gap: float, start: float = 0.0) -> list[object]:
    return [scanner.feed(ch, start + i * gap) for i, ch in enumerate(text)]


def test_wedge_device_emits_parsed_scans_when_enabled() -> None:
    events = EventRecorder()
    scanner = create_device(wedge_config(), events)
    assert isinstance(scanner, WedgeScanner)
    layout = BarcodeLayout("weight 21", "21", 5, ValueKind.WEIGHT, 5, 3)
    scanner.set_layouts((layout,))
    try:
        scanner.start(timeout=5)
        code = encode_in_store(layout, "21", "00042", Decimal("0.730"))
        results = [r for r in feed_all(scanner, code + "\r", SCANNER_GAP) if r is not None]
        assert len(results) == 1
        result = results[0]
        assert isinstance(result, ScanResult)
        assert result.kind is ScanKind.IN_STORE and result.weight == Decimal("0.730")
        data = events.of_type(DataEvent)
        assert [e.data for e in data] == [result]  # type: ignore[attr-defined]
        bad = [r for r in feed_all(scanner, "5901234123458\r", SCANNER_GAP, 5) if r is not None]
        assert len(bad) == 1 and "check digit 8 is wrong" in bad[0].message  # type: ignore[attr-defined]
        assert len(events.of_type(DataEvent)) == 2
    finally:
        scanner.shutdown()


def test_disabled_wedge_hands_every_key_to_the_widget() -> None:
    events = EventRecorder()
    scanner = WedgeScanner(wedge_config(), events)
    try:
        scanner.start(timeout=5)
        feed_all(scanner, "59", SCANNER_GAP)
        scanner.disable().result(5)
        assert feed_all(scanner, "01234123457\r", SCANNER_GAP, 0.1) == [None] * 12
        assert scanner.take_human_keys() == "5901234123457\r"
        assert events.of_type(DataEvent) == []
        scanner.enable().result(5)
        feed_all(scanner, "96385074\r", SCANNER_GAP, 3)
        assert len(events.of_type(DataEvent)) == 1
    finally:
        scanner.shutdown()


def test_wedge_options_set_the_gap_and_minimum_length() -> None:
    scanner = WedgeScanner(wedge_config(max_gap_ms="200", min_length="2"), EventRecorder())
    try:
        scanner.start(timeout=5)
        assert scanner.settings == WedgeSettings("\r", 0.2, 2)
        results = [r for r in feed_all(scanner, "42\r", 0.15) if r is not None]
        assert [r.lookup_code for r in results] == ["42"]  # type: ignore[attr-defined]
        assert scanner.deadline() is None
        feed_all(scanner, "x", 0.15, 10)
        assert scanner.poll(11) is None and scanner.take_human_keys() == "x"
    finally:
        scanner.shutdown()


def test_bad_wedge_options_fail_to_create_the_device_with_a_reason() -> None:
    with pytest.raises(ValueError, match="max_gap_ms and min_length must be numbers"):
        WedgeScanner(wedge_config(max_gap_ms="fast"), EventRecorder())
