"""Payment terminal figures for `make bench` (issue #6): a card payment's round trip through the
nexo driver to our terminal simulator over HTTP on 127.0.0.1.

- `approve`: the runtime's port `authorize()` → device worker → request log → POST
  SaleToPOIRequest → simulator approves → answer parsed and checked → outcome back;
- `hang_recovery`: the simulator keeps the answer past a short timeout (`--timeout-ms`); the
  driver asks TransactionStatus and gets "approved" (so it is mostly that timeout).

Prints a line per figure and, last, one JSON object (milliseconds). Nothing asserts a time.

    .venv/bin/python -m bench.payment_probe [--runs 500] [--hang-runs 30] [--timeout-ms 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from peripherals.events import EventRecorder
from peripherals.payment_port import TerminalPaymentPort
from peripherals.payment_terminal import NexoTerminal
from peripherals.terminal_simulator import Action, Behaviour, TerminalSimulator
from runtime.ports import PaymentRequest, PaymentStatus


def _figures(samples: list[float]) -> dict[str, float | int]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "runs": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ordered[-1], 3),
    }


def _round_trips(
    port: TerminalPaymentPort, prefix: str, runs: int, before: Callable[[], None] | None = None
) -> list[float]:
    samples = []
    for i in range(runs):
        if before is not None:
            before()
        request = PaymentRequest(f"{prefix}-{i}", Decimal("12.50"), "EUR")
        started = time.perf_counter()
        outcome = port.authorize(request)
        samples.append((time.perf_counter() - started) * 1000)
        if outcome.status is not PaymentStatus.APPROVED:
            raise SystemExit(f"{request.request_id}: {outcome.status.value} {outcome.message}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--hang-runs", type=int, default=30)
    parser.add_argument("--timeout-ms", type=float, default=50.0)
    args = parser.parse_args()
    with TerminalSimulator() as sim:
        fast = NexoTerminal(sim.device_config("bench", 5.0), EventRecorder())
        # only the payment's answer times out; the status query is answered at once
        short = NexoTerminal(
            sim.device_config(
                "bench-hang",
                5.0,
                payment_timeout_s=str(args.timeout_ms / 1000),
                status_interval_s="0",
            ),
            EventRecorder(),
        )
        try:
            fast.start(timeout=10)
            short.start(timeout=10)
            port = TerminalPaymentPort(fast)
            _round_trips(port, "warm", 20)
            approve = _round_trips(port, "pay", args.runs)
            hang = Behaviour(Action.HANG_APPROVED, hang_s=5)
            recovery = _round_trips(
                TerminalPaymentPort(short), "hang", args.hang_runs, lambda: sim.script_next(hang)
            )
            charges, requests = sim.charge_count, sim.counters.payment_requests
        finally:
            sim.stop()
            fast.shutdown()
            short.shutdown()
    figures: dict[str, Any] = {
        "approve": _figures(approve),
        "hang_recovery": {**_figures(recovery), "timeout_ms": args.timeout_ms},
        "charged_once": charges == requests,
    }
    print(f"payment round trip (approve):      p50 {figures['approve']['p50_ms']} ms, "
          f"p99 {figures['approve']['p99_ms']} ms over {args.runs}")  # fmt: skip
    print(f"hang → status → approved ({args.timeout_ms:g} ms timeout): "
          f"p50 {figures['hang_recovery']['p50_ms']} ms, "
          f"p99 {figures['hang_recovery']['p99_ms']} ms over {args.hang_runs}")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
