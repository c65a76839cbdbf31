"""Cashier inputs in pricing scenarios: limits checked by the register, bad input named by path."""

from __future__ import annotations

import copy
import json

import pytest

from runtime.pricing_engine.scenario import ScenarioError, price_scenario

BASE: dict[str, object] = {
    "store": {"currency": {"code": "USD"}, "price_groups": ["STORE"]},
    "price_groups": [{"id": "STORE"}],
    "products": [{"item_id": "P1", "base_price": "10.00"}],
    "basket": {"date": "2026-11-23", "lines": [{"item": "P1", "quantity": "1"}]},
}


def _doc(**basket: object) -> dict[str, object]:
    doc = copy.deepcopy(BASE)
    assert isinstance(doc["basket"], dict)
    doc["basket"].update(basket)
    return doc


def _line(**fields: object) -> list[dict[str, object]]:
    return [{"item": "P1", "quantity": "1", **fields}]


def _problems(doc: dict[str, object]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        price_scenario(json.dumps(doc))
    return caught.value.problems


def test_line_discount_over_the_operator_limit_is_refused_by_the_register() -> None:
    doc = _doc(
        operator={"max_line_discount_percent": "10", "max_line_discount_amount": "5"},
        lines=_line(manual_discount={"percent": "15"}),
    )
    (problem,) = _problems(doc)
    assert problem.startswith("$.basket.lines[0].manual_discount: the register refused it")
    assert "at most 10%" in problem


def test_within_the_limit_it_applies() -> None:
    doc = _doc(
        operator={"max_line_discount_percent": "10", "max_line_discount_amount": "5"},
        lines=_line(manual_discount={"percent": "10"}),
    )
    assert price_scenario(json.dumps(doc))["total"] == "9.00"


def test_an_operator_without_override_permission_cannot_override() -> None:
    doc = _doc(operator={}, lines=_line(price_override="5.00"))
    (problem,) = _problems(doc)
    assert problem.startswith("$.basket.lines[0].price_override: the register refused it")


def test_total_discount_limit_names_its_path() -> None:
    doc = _doc(
        operator={"max_total_discount_percent": "5", "max_total_discount_amount": "100"},
        manual_total_discount={"percent": "6"},
    )
    (problem,) = _problems(doc)
    assert problem.startswith("$.basket.manual_total_discount: the register refused it")


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"percent": "10", "amount": "1"}, "$.basket.lines[0].manual_discount"),
        ({}, "$.basket.lines[0].manual_discount"),
        ({"percent": "101"}, "$.basket.lines[0].manual_discount.percent"),
        ({"percent": "0"}, "$.basket.lines[0].manual_discount.percent"),
        ({"amount": 1.5}, "$.basket.lines[0].manual_discount.amount"),
        ({"pct": "5"}, "$.basket.lines[0].manual_discount.pct"),
    ],
)
def test_malformed_manual_discount_names_the_path(value: object, where: str) -> None:
    problems = _problems(_doc(lines=_line(manual_discount=value)))
    assert any(p.startswith(where + ":") for p in problems), problems


def test_discount_larger_than_the_line_is_refused() -> None:
    (problem,) = _problems(_doc(lines=_line(manual_discount={"amount": "12.00"})))
    assert "more than the amount" in problem


def test_automatic_discounts_flag_must_be_boolean() -> None:
    problems = _problems(_doc(automatic_discounts="no"))
    assert [p.split(":")[0] for p in problems] == ["$.basket.automatic_discounts"]
