"""Table rows for the device figures of `make bench` (issue #6): receipt printing, scanner to
runtime, payment round trips. Kept apart from bench/run.py only for size."""

from __future__ import annotations


def _ms(value: object) -> str:
    return f"{float(value):8.3f} ms"  # type: ignore[arg-type]


def device_rows(f: dict[str, object]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    printing, scanner, payment = f.get("receipt_print"), f.get("scanner"), f.get("payment")
    if isinstance(printing, dict):
        n = printing["receipt_item_lines"]
        rows += [
            (
                f"conclude -> last receipt byte, {n}-line receipt, logo+barcode, TCP p50",
                _ms(printing["conclude_to_last_byte_p50_ms"]),
                "",
            ),
            (
                f"conclude -> last receipt byte, {n}-line receipt p99",
                _ms(printing["conclude_to_last_byte_p99_ms"]),
                "",
            ),
        ]
    if isinstance(scanner, dict):
        serial, wedge = scanner["serial"], scanner["wedge"]
        rows += [
            (
                "scanner: serial bytes -> runtime call p50 / p99",
                f"{serial['scan_to_callback']['p50_ms']:.3f} / "
                f"{serial['scan_to_callback']['p99_ms']:.3f} ms",
                "",
            ),
            (
                "scanner: serial bytes -> line added p50 / p99",
                f"{serial['scan_to_line_added']['p50_ms']:.3f} / "
                f"{serial['scan_to_line_added']['p99_ms']:.3f} ms",
                "",
            ),
            (
                "scanner: wedge last key -> runtime call p50 / p99",
                f"{wedge['last_key_to_callback']['p50_ms']:.3f} / "
                f"{wedge['last_key_to_callback']['p99_ms']:.3f} ms",
                "",
            ),
        ]
    if isinstance(payment, dict):
        approve, hang = payment["approve"], payment["hang_recovery"]
        rows += [
            (
                "payment round trip at the simulator (approve) p50 / p99",
                f"{approve['p50_ms']:.3f} / {approve['p99_ms']:.3f} ms",
                "",
            ),
            (
                f"payment: hang -> status -> approved ({hang['timeout_ms']:.0f} ms timeout) p50",
                _ms(hang["p50_ms"]),
                "charged once" if payment.get("charged_once") else "CHARGED TWICE",
            ),
        ]
    return rows
