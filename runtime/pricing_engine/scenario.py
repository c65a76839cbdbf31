"""Pricing scenarios: the engine's public test surface (`tillpoint price SCENARIO.json`).

A scenario is one self-contained JSON document: store currency and tax setup, products,
price groups, customers, trade agreements, price adjustments, discounts, the concurrency model,
a basket and, optionally, the expected result. `load_scenario` validates it strictly (every
problem named by its JSON path, in one `ScenarioError`); `run_scenario` prices the basket
through the real register (`CommerceRuntime` with in-memory ports and the engine as the
pricing port); `compare` diffs the result against `expected`. Pure: the caller reads the file.
The format is documented in docs/pricing-scenarios.md.
"""

from __future__ import annotations

from runtime.pricing_engine.scenario_json import ScenarioError
from runtime.pricing_engine.scenario_load import BasketLine, Scenario, load_scenario
from runtime.pricing_engine.scenario_run import compare, render, run_scenario

__all__ = [
    "BasketLine",
    "Scenario",
    "ScenarioError",
    "compare",
    "load_scenario",
    "price_scenario",
    "render",
    "run_scenario",
]


def price_scenario(text: str) -> dict[str, object]:
    """Load and run a scenario document; raises `ScenarioError` if it is malformed."""
    return run_scenario(load_scenario(text))
