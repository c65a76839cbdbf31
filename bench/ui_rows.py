"""Table rows for the register window's figures of `make bench` (issue #7): start-up to the
sign-in screen, scan to painted line on a 100-line basket, the longest UI-thread stall."""

from __future__ import annotations


def ui_rows(f: dict[str, object]) -> list[tuple[str, str, str]]:
    ui = f.get("ui")
    if not isinstance(ui, dict):
        return []
    return [
        ("UI: start to sign-in screen painted", f"{ui['start_to_sign_in_painted_ms']:8.1f} ms",
         "<= 2000 ms"),
        (f"UI: scan to painted line, {int(ui['basket_lines'])}-line basket p50 / p99",
         f"{ui['scan_to_painted_line_p50_ms']:.1f} / {ui['scan_to_painted_line_p99_ms']:.1f} ms",
         "p99 <= 50 ms"),
        (f"UI: longest UI-thread stall, {int(ui['sales_in_session'])}-sale session",
         f"{ui['longest_ui_stall_ms']:8.1f} ms", "<= 50 ms"),
    ]
